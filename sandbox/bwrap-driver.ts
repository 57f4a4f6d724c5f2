// Runs a job under bubblewrap: no network, no host files but /usr and a few /etc entries, bounded by cgroups and rlimits.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { createRunCgroup, planCgroups, type RunCgroup } from './cgroup-limits.ts';
import {
  type CheckedJob,
  checkJob,
  collectExecution,
  driverSettings,
  killProcessGroup,
  superviseDriverProcess,
} from './driver-steps.ts';
import { SANDBOX_UID, sandboxEnvironment } from './job-checks.ts';
import { MB } from './resolve-limits.ts';
import { backgroundSweeper, sweepStaleRuns } from './stale-runs.ts';
import {
  type Execution,
  type Sandbox,
  type SandboxInput,
  type SandboxJob,
  type SandboxLimits,
  SandboxUnavailableError,
} from './types.ts';
import { createRunFolder, removeRunFolder } from './work-folder.ts';

export const ADDRESS_SPACE_HEADROOM_MB = 512;
const CGROUP_JOIN_FAILED = 'linguacodus-sandbox: could not join the run cgroup';

export interface BwrapSandboxOptions {
  python?: string;
  limits?: Partial<SandboxLimits>;
  workRoot?: string;
  /** Path of the bwrap binary; found on PATH when left out. */
  bwrapPath?: string;
  /** Threads BLAS/OpenMP may use inside; defaults to the host's cores, at most 4. */
  threads?: number;
  /** Set false to bound memory with RLIMIT_AS even where a cgroup could be made (tests the fallback). */
  useCgroups?: boolean;
}

/** What of the host's root the sandbox sees: top-level lib/bin links re-created, real folders bound read-only. */
export interface HostLayout {
  rootLinks: { path: string; target: string }[];
  rootDirs: string[];
  /** /etc entries Python, numpy's BLAS alternatives, fontconfig and matplotlib read. */
  etcEntries: string[];
}

const ROOT_ENTRIES = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const ETC_ENTRIES = [
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'alternatives',
  'localtime',
  'timezone',
  'fonts',
  'matplotlibrc',
  'mime.types',
  'python3',
];

export async function inspectHostLayout(): Promise<HostLayout> {
  const layout: HostLayout = { rootLinks: [], rootDirs: [], etcEntries: [] };
  for (const entry of ROOT_ENTRIES) {
    try {
      const stats = await lstat(entry);
      if (stats.isSymbolicLink()) layout.rootLinks.push({ path: entry, target: await readlink(entry) });
      else if (stats.isDirectory()) layout.rootDirs.push(entry);
    } catch {
      // absent on this distribution
    }
  }
  const etcNames = await readdir('/etc').catch(() => [] as string[]);
  for (const name of etcNames) {
    if (ETC_ENTRIES.includes(name) || /^python3\.\d+$/.test(name)) layout.etcEntries.push(`/etc/${name}`);
  }
  return layout;
}

export interface BwrapArgvInput {
  layout: HostLayout;
  python: string;
  /** Extra read-only binds needed when the python lives outside /usr (a venv, /opt). */
  pythonBinds: string[];
  workDir: string;
  etcDir: string;
  inputs: SandboxInput[];
  limits: SandboxLimits;
  /** No memory cgroup: bound the address space instead. */
  memoryViaRlimit: boolean;
  entry: string;
  args: string[];
  env: Record<string, string>;
  threads: number;
}

/** The bwrap arguments (after the binary) for one run. Pure, so the isolation flags can be unit-tested. */
export function buildBwrapArgv(input: BwrapArgvInput): string[] {
  const { limits } = input;
  const argv = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  for (const link of input.layout.rootLinks) argv.push('--symlink', link.target, link.path);
  for (const dir of input.layout.rootDirs) argv.push('--ro-bind', dir, dir);
  for (const entry of input.layout.etcEntries) argv.push('--ro-bind-try', entry, entry);
  argv.push('--ro-bind', path.join(input.etcDir, 'passwd'), '/etc/passwd');
  argv.push('--ro-bind', path.join(input.etcDir, 'group'), '/etc/group');
  for (const bind of input.pythonBinds) argv.push('--ro-bind', bind, bind);
  argv.push('--size', String(limits.maxWorkDirMb * MB), '--tmpfs', '/tmp');
  argv.push('--proc', '/proc', '--dev', '/dev');
  argv.push('--bind', input.workDir, '/work', '--dir', '/input');
  for (const item of input.inputs) argv.push('--ro-bind', item.hostPath, `/input/${item.name}`);
  // Everything else (/, /etc, /input) is read-only; /work and /tmp are the only writable places.
  argv.push('--remount-ro', '/');
  argv.push('--chdir', '/work', '--clearenv');
  for (const [key, value] of Object.entries(sandboxEnvironment(input.threads, input.env))) {
    argv.push('--setenv', key, value);
  }
  // Rlimits are set inside the new user namespace: RLIMIT_NPROC set outside would count every process
  // of the host user, and set inside it counts only this sandbox's processes.
  const rlimits = [
    `--cpu=${limits.cpuSeconds}`,
    `--fsize=${limits.maxFileMb * MB}`,
    `--nproc=${limits.maxProcesses}`,
    '--core=0',
  ];
  // RLIMIT_AS counts address space reserved, not memory used: BLAS and Python's allocators reserve a few
  // hundred MB they never touch (importing pandas needs ~400 MB of it), so add that headroom.
  if (input.memoryViaRlimit) rlimits.push(`--as=${(limits.memoryMb + ADDRESS_SPACE_HEADROOM_MB) * MB}`);
  argv.push('--', '/usr/bin/prlimit', ...rlimits, input.python, `/work/${input.entry}`, ...input.args);
  return argv;
}

async function findOnPath(binary: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

/** Folders to bind so a python outside /usr still finds its standard library inside the sandbox. */
async function pythonBindsFor(python: string): Promise<string[]> {
  const binds = new Set<string>();
  for (const candidate of [python, await realpath(python)]) {
    if (!candidate.startsWith('/usr/')) binds.add(path.dirname(path.dirname(candidate)));
  }
  return [...binds];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function processGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return /^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return true;
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export class BwrapSandbox implements Sandbox {
  readonly driver = 'bwrap' as const;
  private readonly python: string;
  private readonly workRoot: string;
  private readonly threads: number;
  private prepared: Promise<{ bwrap: string; layout: HostLayout; pythonBinds: string[] }> | undefined;

  constructor(private readonly options: BwrapSandboxOptions = {}) {
    this.python = options.python ?? '/usr/bin/python3';
    const settings = driverSettings(options);
    this.workRoot = settings.workRoot;
    this.threads = settings.threads;
  }

  private prepare() {
    this.prepared ??= (async () => {
      const bwrap = this.options.bwrapPath ?? (await findOnPath('bwrap'));
      const runnable =
        bwrap !== null &&
        (await access(bwrap, fsConstants.X_OK).then(
          () => true,
          () => false,
        ));
      if (!bwrap || !runnable) {
        throw new SandboxUnavailableError(
          'bubblewrap (bwrap) is not installed, so generated code cannot be run safely',
          'apt-get install bubblewrap',
        );
      }
      try {
        await access('/usr/bin/prlimit', fsConstants.X_OK);
      } catch (cause) {
        throw new SandboxUnavailableError(
          '/usr/bin/prlimit is missing, so the sandbox cannot set its limits',
          'apt-get install util-linux',
          { cause },
        );
      }
      try {
        await access(this.python, fsConstants.X_OK);
      } catch (cause) {
        throw new SandboxUnavailableError(
          `the sandbox's Python (${this.python}) does not exist`,
          'apt-get install python3 (or set SANDBOX_PYTHON)',
          { cause },
        );
      }
      return { bwrap, layout: await inspectHostLayout(), pythonBinds: await pythonBindsFor(this.python) };
    })();
    // A failed preparation is retried on the next run (the admin may have installed the package).
    this.prepared.catch(() => {
      this.prepared = undefined;
    });
    return this.prepared;
  }

  /** Clears leftovers of crashed runs (folders, empty cgroups) in the background, now and then. */
  private readonly sweepNowAndThen = backgroundSweeper(async () => {
    const plan = this.options.useCgroups === false ? null : await planCgroups();
    return sweepStaleRuns(this.workRoot, plan);
  });

  async execute(job: SandboxJob): Promise<Execution> {
    const checked = await checkJob(job, this.options.limits);
    const { limits } = checked;
    const { bwrap, layout, pythonBinds } = await this.prepare();
    this.sweepNowAndThen();
    const runId = randomBytes(6).toString('hex');
    // The cgroup and the folder are independent: make them together to keep the per-run cost low.
    const [cgroupResult, folderResult] = await Promise.allSettled([
      this.options.useCgroups === false
        ? null
        : planCgroups().then((plan) =>
            createRunCgroup(plan, runId, {
              memoryBytes: limits.memoryMb * MB,
              maxProcesses: limits.maxProcesses,
            }),
          ),
      createRunFolder(this.workRoot, job.files, Date.now() + limits.timeoutMs),
    ]);
    const cgroup = cgroupResult.status === 'fulfilled' ? cgroupResult.value : null;
    const folder = folderResult.status === 'fulfilled' ? folderResult.value : undefined;
    try {
      if (cgroupResult.status === 'rejected') throw cgroupResult.reason;
      if (!folder) throw (folderResult as PromiseRejectedResult).reason;
      const argv = buildBwrapArgv({
        layout,
        python: this.python,
        pythonBinds,
        workDir: folder.work,
        etcDir: folder.etc,
        inputs: checked.inputs,
        limits,
        memoryViaRlimit: !cgroup?.limitsMemory,
        entry: checked.entry,
        args: checked.args,
        env: checked.env,
        threads: this.threads,
      });
      return await this.run(bwrap, argv, checked, cgroup, folder.work);
    } finally {
      await Promise.all([cgroup?.remove(), folder ? removeRunFolder(folder) : undefined]);
    }
  }

  private async run(
    bwrap: string,
    argv: string[],
    checked: CheckedJob,
    cgroup: RunCgroup | null,
    workDir: string,
  ): Promise<Execution> {
    // A shell joins the run's cgroups and then execs bwrap, so not one instruction runs outside the limits.
    const child = cgroup
      ? spawn(
          '/bin/sh',
          [
            '-c',
            `${cgroup.procsFiles.map((file) => `echo $$ > ${shellQuote(file)}`).join(' && ')} || ` +
              `{ echo '${CGROUP_JOIN_FAILED}' >&2; exit 125; }; exec "$@"`,
            'sh',
            bwrap,
            ...argv,
          ],
          { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } },
        )
      : spawn(bwrap, argv, {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { PATH: '/usr/bin:/bin' },
        });

    const namespaceInits: number[] = [];
    const kill = async () => {
      const pid = child.pid;
      if (pid !== undefined) {
        // bwrap's child is pid 1 of the sandbox's pid namespace: killing it makes the kernel kill every
        // process in the namespace, including ones that called setsid() and double-forked away.
        const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
        for (const init of children.split(/\s+/).filter(Boolean).map(Number)) {
          namespaceInits.push(init);
          try {
            process.kill(init, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      killProcessGroup(pid);
      await cgroup?.killAll();
    };

    const outcome = await superviseDriverProcess(
      checked,
      { child, workDir, kill },
      { message: 'could not start bubblewrap', fix: 'apt-get install bubblewrap' },
    );
    for (const init of namespaceInits) {
      for (let attempt = 0; attempt < 100 && !(await processGone(init)); attempt++) await sleep(20);
    }

    const stderr = outcome.stderr.text();
    if (outcome.exitCode === 125 && stderr.includes(CGROUP_JOIN_FAILED)) {
      throw new SandboxUnavailableError(
        `could not place the run in its cgroup: ${stderr.trim()}`,
        'check that /sys/fs/cgroup is writable, or run without cgroups (limits fall back to rlimits)',
      );
    }
    if (outcome.exitCode === 1 && outcome.stderr.droppedBytes === 0 && /^bwrap: /.test(stderr)) {
      // bwrap failed to build the sandbox: the script never ran, so this is not the script's error.
      throw new SandboxUnavailableError(
        `bubblewrap could not create the sandbox: ${stderr.trim()}`,
        'run as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)',
      );
    }
    // Under a memory cgroup the kernel's OOM killer reports; under RLIMIT_AS allocations fail in Python instead.
    const oomKilled = cgroup?.limitsMemory
      ? await cgroup.oomKilled()
      : /\bMemoryError\b|Cannot allocate memory|std::bad_alloc/.test(stderr);
    return collectExecution(checked, outcome, workDir, oomKilled);
  }
}
