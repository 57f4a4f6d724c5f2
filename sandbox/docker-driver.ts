// Runs a job in a throwaway container through the docker (or podman) CLI, with the same contract as bwrap.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import {
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

const run = promisify(execFile);

/** Built offline from this machine's Debian packages by the set-up step (scripts/sandbox-image.mjs). */
export const DEFAULT_DOCKER_IMAGE = 'linguacodus-sandbox:debian';
/** Every sandbox container carries this label, so leftovers can be found and removed. */
export const CONTAINER_LABEL = 'org.linguacodus.sandbox';
/** Unix seconds after which the container's own `timeout` has killed the script: past it, the container is litter. */
export const DEADLINE_LABEL = 'org.linguacodus.deadline';
/** Seconds the in-container deadline trails the host's, so the host's own kill (with its report) comes first. */
const IN_CONTAINER_GRACE_S = 10;
/** How to rebuild the image, for error messages. */
export const IMAGE_FIX = 'SANDBOX_DRIVER=docker npm run setup (or: node scripts/sandbox-image.mjs)';

/**
 * True when the engine is on another machine (DOCKER_HOST=tcp://… or ssh://…): it cannot see this machine's folders,
 * so the work folder and inputs are copied into the container and its outputs copied back instead of bind-mounted.
 * The docker CLI itself reads DOCKER_HOST (and DOCKER_CONTEXT, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) from the
 * environment it inherits.
 */
export function engineIsRemote(env: NodeJS.ProcessEnv = process.env): boolean {
  const host = env.DOCKER_HOST?.trim();
  return Boolean(host) && !/^(unix|npipe):\/\//.test(host ?? '');
}

/** In copy mode the work folder is /work/run inside a volume at /work (its root is the image's, not writable). */
const COPIED_WORK = '/work/run';

export interface DockerSandboxOptions {
  image?: string;
  /** `docker` or `podman` (or a path to either). */
  cli?: string;
  /** Copy files in and out instead of bind mounts (default: when DOCKER_HOST names a remote engine). */
  copyFiles?: boolean;
  limits?: Partial<SandboxLimits>;
  workRoot?: string;
  threads?: number;
}

export interface DockerArgvInput {
  containerName: string;
  image: string;
  workDir: string;
  inputs: SandboxInput[];
  limits: SandboxLimits;
  entry: string;
  args: string[];
  env: Record<string, string>;
  threads: number;
  /** Unix milliseconds of the run's wall-clock deadline. */
  deadlineMs: number;
  /** `docker create` for a remote engine: volumes at /work and /input filled by `docker cp`, no bind mount. */
  copyFiles?: boolean;
}

/** The `docker run` arguments for one job. Pure, so every isolation flag is unit-tested. */
export function buildDockerRunArgv(input: DockerArgvInput): string[] {
  const { limits } = input;
  const remainingS = Math.max(1, Math.ceil((input.deadlineMs - Date.now()) / 1000));
  const work = input.copyFiles ? COPIED_WORK : '/work';
  const argv = [
    input.copyFiles ? 'create' : 'run',
    '--name',
    input.containerName,
    '--label',
    `${CONTAINER_LABEL}=1`,
    '--label',
    `${DEADLINE_LABEL}=${Math.ceil(input.deadlineMs / 1000) + IN_CONTAINER_GRACE_S}`,
    // Output reaches us through the attached streams only; the engine keeps no log of it on disk.
    '--log-driver',
    'none',
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--pids-limit',
    String(limits.maxProcesses),
    '--memory',
    `${limits.memoryMb}m`,
    // Same value as --memory: no swap, so a memory bomb is killed instead of thrashing the host.
    '--memory-swap',
    `${limits.memoryMb}m`,
    '--cpus',
    String(input.threads),
    '--user',
    `${SANDBOX_UID}:${SANDBOX_UID}`,
    '--hostname',
    'sandbox',
    '--ipc',
    'none',
    '--init',
    '--tmpfs',
    `/tmp:rw,nosuid,nodev,size=${limits.maxWorkDirMb * MB},mode=1777`,
    '--ulimit',
    `cpu=${limits.cpuSeconds}:${limits.cpuSeconds}`,
    '--ulimit',
    `fsize=${limits.maxFileMb * MB}:${limits.maxFileMb * MB}`,
    '--ulimit',
    'core=0:0',
  ];
  if (input.copyFiles) argv.push('--volume', '/work', '--volume', '/input');
  else {
    argv.push('--volume', `${input.workDir}:/work:rw`);
    for (const item of input.inputs) argv.push('--volume', `${item.hostPath}:/input/${item.name}:ro`);
  }
  argv.push('--workdir', work);
  for (const [key, value] of Object.entries(sandboxEnvironment(input.threads, input.env))) {
    argv.push('--env', `${key}=${value}`);
  }
  // `timeout` ends the run inside the container too, so a container outlives a dead worker by seconds at most.
  argv.push(
    input.image,
    '/usr/bin/timeout',
    '--signal=KILL',
    `${remainingS + IN_CONTAINER_GRACE_S}s`,
    '/usr/bin/python3',
    `${work}/${input.entry}`,
    ...input.args,
  );
  return argv;
}

/** A container past its in-container deadline by this much was left by a worker that died: remove it. */
const CONTAINER_GRACE_MS = 60_000;

/** Removes sandbox containers whose deadline has passed (their worker died before removing them). Never throws. */
export async function sweepStaleContainers(cli: string, now = Date.now()): Promise<number> {
  const listed = await run(cli, [
    'ps',
    '--all',
    '--filter',
    `label=${CONTAINER_LABEL}`,
    '--format',
    `{{.Names}}\t{{.Label "${DEADLINE_LABEL}"}}`,
  ]).catch(() => ({ stdout: '' }));
  const stale = listed.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name, deadline]) => name && now > Number(deadline || 0) * 1000 + CONTAINER_GRACE_MS)
    .map(([name]) => name!);
  if (stale.length === 0) return 0;
  await run(cli, ['rm', '--force', ...stale]).catch(() => undefined);
  return stale.length;
}

export class DockerSandbox implements Sandbox {
  readonly driver = 'docker' as const;
  private readonly image: string;
  private readonly cli: string;
  private readonly workRoot: string;
  private readonly threads: number;
  private readonly copyFiles: boolean;

  constructor(private readonly options: DockerSandboxOptions = {}) {
    this.image = options.image ?? DEFAULT_DOCKER_IMAGE;
    this.cli = options.cli ?? 'docker';
    this.copyFiles = options.copyFiles ?? engineIsRemote();
    const settings = driverSettings(options);
    this.workRoot = settings.workRoot;
    this.threads = settings.threads;
  }

  /** Clears containers and run folders left by workers that died mid-run, in the background, now and then. */
  private readonly sweepNowAndThen = backgroundSweeper(() =>
    Promise.all([sweepStaleContainers(this.cli), sweepStaleRuns(this.workRoot, null)]),
  );

  async execute(job: SandboxJob): Promise<Execution> {
    const checked = await checkJob(job, this.options.limits);
    const { limits } = checked;
    this.sweepNowAndThen();
    const containerName = `linguacodus-${randomBytes(6).toString('hex')}`;
    // The container's user is not the host's: the work folder must be writable by anyone who can reach it
    // (its parent run folder stays 0700, so on the host only we can).
    const deadlineMs = Date.now() + limits.timeoutMs;
    const folder = await createRunFolder(this.workRoot, job.files, deadlineMs, 0o777);
    try {
      const argv = buildDockerRunArgv({
        containerName,
        image: this.image,
        workDir: folder.work,
        inputs: checked.inputs,
        limits,
        entry: checked.entry,
        args: checked.args,
        env: checked.env,
        threads: this.threads,
        deadlineMs,
        copyFiles: this.copyFiles,
      });
      if (this.copyFiles) await this.createAndFill(argv, containerName, folder.work, checked.inputs);
      const child = spawn(this.cli, this.copyFiles ? ['start', '--attach', containerName] : argv, {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const kill = async () => {
        // The client first: nothing more reaches us, even from a container that starts while we kill it (a job
        // cancelled before it began: `docker kill` finds no container yet). The container then, and rm --force below.
        killProcessGroup(child.pid);
        await run(this.cli, ['kill', containerName]).catch(() => undefined);
      };
      const outcome = await superviseDriverProcess(
        checked,
        { child, workDir: folder.work, kill },
        { message: `could not run ${this.cli}`, fix: 'install Docker or Podman' },
      );
      const state = await run(this.cli, ['inspect', '--format', '{{.State.OOMKilled}}', containerName]).then(
        (result) => result.stdout.trim(),
        () => '',
      );
      if (this.copyFiles && state !== '') await this.copyOut(containerName, folder.work);
      const stderr = outcome.stderr.text();
      if (outcome.exitCode === 125 && state === '') {
        throw new SandboxUnavailableError(
          `${this.cli} could not start the sandbox container: ${stderr.trim()}`,
          `check the engine; if the image is missing: ${IMAGE_FIX}`,
        );
      }
      return await collectExecution(checked, outcome, folder.work, state === 'true');
    } finally {
      await run(this.cli, ['rm', '--force', containerName]).catch(() => undefined);
      await removeRunFolder(folder);
    }
  }

  /** A remote engine: the container created, its work folder and inputs copied in (tar through `docker cp`). */
  private async createAndFill(argv: string[], name: string, workDir: string, inputs: SandboxInput[]) {
    const where = `the engine at ${process.env.DOCKER_HOST ?? 'DOCKER_HOST'}`;
    try {
      await run(this.cli, argv);
      // The work folder as /work/run (0777 like the folder itself: the container's user writes there).
      await pipe(
        [
          'tar',
          [
            '-c',
            '-C',
            path.dirname(workDir),
            '--transform',
            renamed(path.basename(workDir), 'run'),
            path.basename(workDir),
          ],
        ],
        [this.cli, ['cp', '-', `${name}:/work`]],
      );
      for (const item of inputs) {
        const base = path.basename(item.hostPath);
        await pipe(
          ['tar', ['-c', '-C', path.dirname(item.hostPath), '--transform', renamed(base, item.name), base]],
          [this.cli, ['cp', '-', `${name}:/input`]],
        );
      }
    } catch (error) {
      throw new SandboxUnavailableError(
        `${this.cli} could not prepare the sandbox container on ${where}: ${error instanceof Error ? error.message : String(error)}`,
        `check DOCKER_HOST and the engine; if the image is missing there: ${IMAGE_FIX}`,
      );
    }
  }

  /** A remote engine: what the run left in /work/run, copied back into the host's work folder. */
  private async copyOut(name: string, workDir: string): Promise<void> {
    await pipe(
      [this.cli, ['cp', `${name}:${COPIED_WORK}`, '-']],
      ['tar', ['-x', '-C', workDir, '--strip-components=1', '--no-same-owner', '--no-same-permissions']],
    ).catch(() => undefined);
  }
}

/** A tar --transform that renames the leading `from` to `to`. */
function renamed(from: string, to: string): string {
  const pattern = from.replace(/[\\.*^$[\],]/g, '\\$&');
  const replacement = to.replace(/[\\&,]/g, '\\$&');
  return `s,^${pattern},${replacement},`;
}

/** Runs `from | to`; fails with either side's stderr when either exits non-zero. */
function pipe(from: [string, string[]], to: [string, string[]]): Promise<void> {
  return new Promise((resolve, reject) => {
    const a = spawn(from[0], from[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = spawn(to[0], to[1], { stdio: ['pipe', 'ignore', 'pipe'] });
    a.stdout.pipe(b.stdin);
    let stderr = '';
    a.stderr.on('data', (d) => {
      stderr += String(d);
    });
    b.stderr.on('data', (d) => {
      stderr += String(d);
    });
    let open = 2;
    let failed = false;
    const closed = (code: number | null) => {
      if (code !== 0) failed = true;
      if (--open > 0) return;
      if (failed) reject(new Error(stderr.trim() || `${from[0]} | ${to[0]} failed`));
      else resolve();
    };
    a.on('error', reject);
    b.on('error', reject);
    a.on('close', closed);
    b.on('close', closed);
  });
}
