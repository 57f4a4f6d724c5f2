#!/usr/bin/env node
// One idempotent set-up step before `npm start` and `npm test`: npm dependencies, Redis, bubblewrap, the sandbox's
// Python libraries (and, for the tests, chromium for the browser and pyflakes for the generated code), and for the docker driver a running engine and its image. Plain JavaScript: it runs before dependencies exist.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtRecipe, DEFAULT_IMAGE, ensureSandboxImage } from './sandbox-image.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
/** Image tasks read pictures with Pillow and describe them with scikit-image (HOG). */
const PY_MODULES = ['pandas', 'sklearn', 'xgboost', 'matplotlib', 'PIL', 'skimage'];
/**
 * The tests lint every variant of the generated Python with pyflakes and measure its executed lines with coverage;
 * the image tests train the small CNN with torch (about 400 MB installed, so a plain start leaves it out: an image
 * script without torch is repaired into HOG features with boosting).
 */
const TEST_PY_MODULES = ['pyflakes', 'coverage', 'torch', 'torchvision'];
/** Debian package that provides each missing piece. */
export const PACKAGES = {
  bwrap: 'bubblewrap',
  python3: 'python3',
  pandas: 'python3-pandas',
  sklearn: 'python3-sklearn',
  xgboost: 'python3-xgboost',
  matplotlib: 'python3-matplotlib',
  pyflakes: 'python3-pyflakes',
  coverage: 'python3-coverage',
  PIL: 'python3-pil',
  skimage: 'python3-skimage',
  torch: 'python3-torch',
  torchvision: 'python3-torchvision',
  black: 'black',
  'redis-server': 'redis-server',
  chromium: 'chromium',
  dockerd: 'docker.io',
};

const log = (msg) => process.stderr.write(`[setup] ${msg}\n`);

/** Reads one setting from the environment or .env without any package (dotenv syntax, first match wins). */
export function setting(name, env = process.env, dotEnvPath = join(root, '.env')) {
  if (env[name]) return env[name];
  if (!existsSync(dotEnvPath)) return undefined;
  const line = readFileSync(dotEnvPath, 'utf8')
    .split('\n')
    .find((l) => new RegExp(`^\\s*${name}\\s*=`).test(l));
  if (!line) return undefined;
  return (
    line
      .replace(new RegExp(`^\\s*${name}\\s*=\\s*`), '')
      .replace(/^["']|["']$/g, '')
      .trim() || undefined
  );
}

/** Where Redis is expected: REDIS_URL from the environment or .env, else the local default. */
export function redisTarget(env = process.env, dotEnvPath = join(root, '.env')) {
  const url = setting('REDIS_URL', env, dotEnvPath);
  if (!url) return { host: '127.0.0.1', port: 6379, explicit: false };
  try {
    const u = new URL(url);
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), explicit: true };
  } catch {
    // The config check names the bad value; here we only avoid a crash.
    return { host: '127.0.0.1', port: 6379, explicit: true, invalid: url };
  }
}

/** Where the local Redis keeps its append-only file: <DATA_DIR>/redis, DATA_DIR resolved from the project root. */
export function redisDataDir(env = process.env, dotEnvPath = join(root, '.env')) {
  return resolve(root, setting('DATA_DIR', env, dotEnvPath) ?? './data', 'redis');
}

/**
 * The local Redis the set-up step starts: loopback only, every write in an append-only file (fsync each second), so
 * a restart keeps sessions and queued jobs, and never evicting keys (the bot's state must not vanish under load).
 */
export function localRedisArgs(dir, port = 6379) {
  return [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
  ];
}

function redisAnswers({ host, port }, timeoutMs = 400) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function fileStamp(path) {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** npm dependencies are stale when node_modules is missing or older than the lock file's content. */
export function npmStale(dir = root) {
  const lock = join(dir, 'package-lock.json');
  const stamp = join(dir, 'node_modules', '.linguacodus-lock-hash');
  if (!existsSync(join(dir, 'node_modules'))) return true;
  if (!existsSync(lock)) return !existsSync(stamp);
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  return !existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash;
}

function installNpm() {
  const lock = join(root, 'package-lock.json');
  log('installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('npm could not install the dependencies (see above)');
  if (existsSync(lock)) {
    const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
    writeFileSync(join(root, 'node_modules', '.linguacodus-lock-hash'), hash);
  }
}

/** Which system parts are missing, by the Debian package that provides each. */
export function missingSystemParts({ forTests = false } = {}) {
  const missing = [];
  const modules = forTests ? [...PY_MODULES, ...TEST_PY_MODULES] : PY_MODULES;
  if (!onPath('bwrap')) missing.push('bwrap');
  // The offline engine formats every script it writes with black.
  if (!onPath('black')) missing.push('black');
  if (!existsSync(PYTHON)) {
    missing.push('python3', ...modules);
  } else {
    // find_spec locates a module without importing it: milliseconds instead of seconds.
    const probe = `import importlib.util as u\nprint(",".join(m for m in ${JSON.stringify(modules)} if u.find_spec(m) is None))`;
    const out = spawnSync(PYTHON, ['-c', probe], { encoding: 'utf8' });
    const absent = out.status === 0 ? out.stdout.trim() : modules.join(',');
    if (absent) missing.push(...absent.split(','));
  }
  if (forTests && !existsSync('/usr/bin/chromium')) missing.push('chromium');
  return missing;
}

function canApt() {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function aptInstall(packages) {
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (!canApt()) {
    log(`missing system packages: ${packages.join(', ')}`);
    log(`run as root:  ${cmd}`);
    return false;
  }
  log(`installing ${packages.join(' ')} with apt (about a minute)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  if (update.status !== 0 || install.status !== 0) {
    log(`apt could not install them; run:  ${cmd}`);
    return false;
  }
  return true;
}

async function ensureRedis() {
  const target = redisTarget();
  if (target.invalid) return true; // config validation reports it by name
  if (await redisAnswers(target)) return true;
  if (target.explicit) {
    log(`Redis at REDIS_URL (${target.host}:${target.port}) does not answer; start it or fix REDIS_URL.`);
    return false;
  }
  if (!onPath('redis-server') && !aptInstall([PACKAGES['redis-server']])) return false;
  const dir = redisDataDir();
  mkdirSync(dir, { recursive: true });
  log(`starting a local redis-server on 127.0.0.1:6379 (append-only file in ${dir})…`);
  execFileSync('redis-server', localRedisArgs(dir), { stdio: 'ignore' });
  for (let i = 0; i < 30; i++) {
    if (await redisAnswers(target)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  log('redis-server started but does not answer on 127.0.0.1:6379.');
  return false;
}

function dockerAnswers(cli) {
  return spawnSync(cli, ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** A running Docker engine: installs docker.io and starts dockerd (as root, logging to a file) when needed. */
async function ensureDockerEngine(cli) {
  if (dockerAnswers(cli)) return true;
  if (!onPath('dockerd') && !aptInstall([PACKAGES.dockerd])) return false;
  if (process.getuid?.() !== 0) {
    log(
      `the Docker engine does not answer (${cli} info); start it (sudo dockerd) or use SANDBOX_DRIVER=bwrap.`,
    );
    return false;
  }
  const logFile = '/var/log/linguacodus-dockerd.log';
  log(`starting dockerd (log: ${logFile})…`);
  const out = openSync(logFile, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] }).unref();
  for (let i = 0; i < 120; i++) {
    if (dockerAnswers(cli)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`dockerd started but ${cli} info does not answer after 60 s; see ${logFile}.`);
  return false;
}

/** The docker driver's engine and image; the image is rebuilt only when its recipe (packages, builder) changed. */
async function ensureDockerSandbox(systemUnchanged) {
  const cli = setting('SANDBOX_DOCKER_CLI') ?? 'docker';
  const image = setting('SANDBOX_DOCKER_IMAGE') ?? DEFAULT_IMAGE;
  if (!(await ensureDockerEngine(cli))) return false;
  if (systemUnchanged && builtRecipe(cli, image)) return true;
  try {
    await ensureSandboxImage({ cli, image, log });
    return true;
  } catch (error) {
    log(`could not build the sandbox image ${image}: ${error.message}`);
    return false;
  }
}

/** The set-up; returns an exit code. A stamp skips the Python probe when nothing on the system changed. */
export async function setup({ forTests = false } = {}) {
  const started = Date.now();
  if (npmStale()) installNpm();

  const cacheDir = join(root, 'node_modules', '.cache');
  const stampPath = join(cacheDir, `linguacodus-setup${forTests ? '-tests' : ''}.json`);
  const systemStamp = [
    fileStamp('/var/lib/dpkg/status'),
    fileStamp(PYTHON),
    fileStamp('/usr/bin/bwrap'),
  ].join('|');
  const cached = existsSync(stampPath) && readFileSync(stampPath, 'utf8') === systemStamp;

  if (!cached) {
    const missing = missingSystemParts({ forTests });
    if (missing.length > 0) {
      const packages = [...new Set(missing.map((m) => PACKAGES[m]))];
      if (!aptInstall(packages)) return 1;
      const still = missingSystemParts({ forTests });
      if (still.length > 0) {
        log(`still missing after install: ${still.join(', ')}`);
        return 1;
      }
    }
  }
  if (!(await ensureRedis())) return 1;
  // The tests run the sandbox suite against both drivers; a deployment needs docker only when it chose it.
  const docker = forTests || setting('SANDBOX_DRIVER') === 'docker';
  if (docker && !(await ensureDockerSandbox(cached))) return 1;
  if (!cached) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(
      stampPath,
      [fileStamp('/var/lib/dpkg/status'), fileStamp(PYTHON), fileStamp('/usr/bin/bwrap')].join('|'),
    );
  }
  if (process.env.LINGUACODUS_SETUP_VERBOSE) log(`ready in ${Date.now() - started} ms`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  setup({ forTests: process.argv.includes('--tests') })
    .then((code) => process.exit(code))
    .catch((error) => {
      log(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
