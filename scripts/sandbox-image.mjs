// The docker driver's image, built offline from this machine's own Debian packages: the Python libraries generated
// code imports and everything they depend on at run time, nothing else (no shell tools, no compilers, no apt).
// Plain JavaScript: the set-up step runs it before npm dependencies exist.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Must equal DEFAULT_DOCKER_IMAGE in sandbox/docker-driver.ts (a unit test keeps them equal). */
export const DEFAULT_IMAGE = 'linguacodus-sandbox:debian';
export const RECIPE_LABEL = 'org.linguacodus.recipe';
/** The Debian packages whose run-time closure the image holds. coreutils gives `timeout`, the in-container deadline. */
export const ROOT_PACKAGES = [
  'python3',
  'python3-numpy',
  'python3-pandas',
  'python3-sklearn',
  'python3-xgboost',
  'python3-matplotlib',
  'python3-scipy',
  // Image tasks: pictures read with Pillow, HOG from scikit-image (torch, about 400 MB, is left out: a CNN script
  // is repaired into HOG with boosting where torch is missing).
  'python3-pil',
  'python3-skimage',
  'coreutils',
];
/** Packages a Depends line pulls in that nothing needs at run time (compilers, headers, docs): left out. */
const BUILD_ONLY =
  /-dev$|^(gcc|g\+\+|cpp|binutils|libboost|libjs-|python3-pythran|libc-dev-bin|rpcsvc-proto|python3-all|python3\.\d+-dev)|^lib(asan|tsan|lsan|ubsan|hwasan|isl|mpc|gprofng|ctf|cc1)\d|^libgcc-\d+-dev|^libstdc\+\+-\d+-dev/;
/** Paths inside packages that a script never reads. */
const SKIPPED_PATHS = /^\/usr\/share\/(doc|man|info|lintian|bug|locale)\//;

const sh = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

/** Installed packages in the run-time closure of ROOT_PACKAGES, each as "name=version", sorted. */
export function imagePackages(roots = ROOT_PACKAGES) {
  const deps = sh('apt-cache', [
    'depends',
    '--recurse',
    '--installed',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    ...roots,
  ]);
  if (deps.status !== 0) throw new Error(`apt-cache could not list the dependencies: ${deps.stderr.trim()}`);
  const names = [...new Set(deps.stdout.split('\n').filter((l) => /^[a-z0-9]/.test(l)))].filter(
    (name) => !BUILD_ONLY.test(name),
  );
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} syntax, not a template
  const query = sh('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\t${Package}\t${Version}\n', ...names]);
  return query.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([status]) => status?.startsWith('ii'))
    .map(([, name, version]) => `${name}=${version}`)
    .sort();
}

/** The recipe's hash: the package set with versions and this builder's own text. Same hash, same image. */
export function recipeHash(packages) {
  const self = readFileSync(fileURLToPath(import.meta.url));
  return createHash('sha256').update(self).update(packages.join('\n')).digest('hex').slice(0, 16);
}

function listFiles(packages) {
  const names = packages.map((p) => p.split('=')[0]);
  const listed = sh('dpkg', ['-L', ...names]).stdout.split('\n');
  const paths = new Set();
  const add = (listedPath) => {
    try {
      // dpkg may list /bin/cat where /bin is a link into /usr: store each file under its real folder.
      const path =
        listedPath === '/' ? listedPath : join(realpathSync(dirname(listedPath)), basename(listedPath));
      lstatSync(path);
      paths.add(path);
    } catch {
      // listed by dpkg but removed since (a conffile deleted by hand): nothing to copy
    }
  };
  for (const path of listed) {
    if (path.startsWith('/') && !SKIPPED_PATHS.test(path) && path !== '/.') add(path);
  }
  // Byte-compiled modules are written at install time, not listed by dpkg; without them every run recompiles.
  for (const dir of [...paths]) {
    const cache = join(dir, '__pycache__');
    if (!existsSync(cache)) continue;
    add(cache);
    for (const name of readdirSync(cache)) add(join(cache, name));
  }
  // Merged /usr: /bin, /lib, /lib64, /sbin are links into /usr. BLAS and LAPACK are chosen through alternatives.
  for (const link of ['/bin', '/lib', '/lib64', '/sbin']) if (existsSync(link)) paths.add(link);
  add('/etc/ld.so.cache');
  add('/etc/alternatives');
  for (const name of readdirSync('/etc/alternatives')) add(join('/etc/alternatives', name));
  const multiarch = '/usr/lib/x86_64-linux-gnu';
  if (existsSync(multiarch)) {
    for (const name of readdirSync(multiarch)) {
      const path = join(multiarch, name);
      if (lstatSync(path).isSymbolicLink()) add(path);
    }
  }
  return [...paths].sort();
}

/** The few files no package provides: an unprivileged user, and the mount points the driver binds. */
function stagingFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'lc-image-'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n',
  );
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  for (const name of ['work', 'input', 'tmp']) mkdirSync(join(dir, name));
  // docker copies a tmpfs's mode from the image's folder (tmpcopyup): /tmp must be world-writable and sticky here.
  chmodSync(join(dir, 'tmp'), 0o1777);
  return { dir, entries: ['etc/passwd', 'etc/group', 'work', 'input', 'tmp'] };
}

/** The label of an existing image, or null when there is none. */
export function builtRecipe(cli, image) {
  const r = sh(cli, ['image', 'inspect', '--format', `{{ index .Config.Labels "${RECIPE_LABEL}" }}`, image]);
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/**
 * Builds the image unless one with the same recipe exists. Returns { built, hash, seconds, files }.
 * `log` gets one line per step (the first build takes minutes).
 */
export async function ensureSandboxImage({ cli = 'docker', image = DEFAULT_IMAGE, log = () => {} } = {}) {
  const started = Date.now();
  const packages = imagePackages();
  if (!packages.some((p) => p.startsWith('python3='))) {
    throw new Error('python3 is not installed from Debian packages here; the set-up step installs it first');
  }
  const hash = recipeHash(packages);
  if (builtRecipe(cli, image) === hash) return { built: false, hash, seconds: 0, files: 0 };
  const previous = sh(cli, ['image', 'inspect', '--format', '{{.Id}}', image]);

  log(
    `building the sandbox image ${image} from ${packages.length} installed Debian packages (recipe ${hash})…`,
  );
  const files = listFiles(packages);
  const staging = stagingFolder();
  const work = mkdtempSync(join(tmpdir(), 'lc-image-tar-'));
  try {
    const list = join(work, 'files');
    writeFileSync(list, [...files, `-C ${staging.dir}`, ...staging.entries].join('\n'));
    const archive = join(work, 'rootfs.tar');
    await run('tar', [
      '--create',
      '--file',
      archive,
      '--directory',
      '/',
      '--no-recursion',
      '--files-from',
      list,
    ]);
    const env = {
      HOME: '/tmp',
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      MPLBACKEND: 'Agg',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    };
    const changes = [
      ...Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`),
      'USER 65534:65534',
      'WORKDIR /work',
      `LABEL ${RECIPE_LABEL}=${hash}`,
      'CMD ["/usr/bin/python3", "--version"]',
    ];
    await run(cli, ['import', ...changes.flatMap((c) => ['--change', c]), archive, image]);
    // The old recipe's image lost its tag; remove it unless a container still uses it.
    if (previous.status === 0) sh(cli, ['image', 'rm', previous.stdout.trim()]);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(staging.dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  log(`sandbox image ${image} built in ${seconds.toFixed(0)} s (${files.length} files)`);
  return { built: true, hash, seconds, files: files.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const image = process.argv[2] ?? process.env.SANDBOX_DOCKER_IMAGE ?? DEFAULT_IMAGE;
  const cli = process.env.SANDBOX_DOCKER_CLI ?? 'docker';
  ensureSandboxImage({ cli, image, log: (m) => process.stderr.write(`[sandbox-image] ${m}\n`) })
    .then((r) => {
      process.stderr.write(
        `[sandbox-image] ${r.built ? 'built' : 'up to date'}: ${image} (recipe ${r.hash})\n`,
      );
    })
    .catch((error) => {
      process.stderr.write(`[sandbox-image] ${error.message}\n`);
      process.exit(1);
    });
}
