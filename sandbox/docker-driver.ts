// Runs a job in a throwaway container through the docker (or podman) CLI, with the same contract as bwrap.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

export const DEFAULT_DOCKER_IMAGE = 'linguacodus-sandbox:1';

export interface DockerSandboxOptions {
  image?: string;
  /** `docker` or `podman` (or a path to either). */
  cli?: string;
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
}

/** The `docker run` arguments for one job. Pure, so every isolation flag is unit-tested. */
export function buildDockerRunArgv(input: DockerArgvInput): string[] {
  const { limits } = input;
  const argv = [
    'run',
    '--name',
    input.containerName,
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
    '--volume',
    `${input.workDir}:/work:rw`,
  ];
  for (const item of input.inputs) argv.push('--volume', `${item.hostPath}:/input/${item.name}:ro`);
  argv.push('--workdir', '/work');
  for (const [key, value] of Object.entries(sandboxEnvironment(input.threads, input.env))) {
    argv.push('--env', `${key}=${value}`);
  }
  argv.push(input.image, 'python', `/work/${input.entry}`, ...input.args);
  return argv;
}

export class DockerSandbox implements Sandbox {
  readonly driver = 'docker' as const;
  private readonly image: string;
  private readonly cli: string;
  private readonly workRoot: string;
  private readonly threads: number;

  constructor(private readonly options: DockerSandboxOptions = {}) {
    this.image = options.image ?? DEFAULT_DOCKER_IMAGE;
    this.cli = options.cli ?? 'docker';
    const settings = driverSettings(options);
    this.workRoot = settings.workRoot;
    this.threads = settings.threads;
  }

  async execute(job: SandboxJob): Promise<Execution> {
    const checked = await checkJob(job, this.options.limits);
    const { limits } = checked;
    const containerName = `linguacodus-${randomBytes(6).toString('hex')}`;
    // The container's user is not the host's: the work folder must be writable by anyone who can reach it
    // (its parent run folder stays 0700, so on the host only we can).
    const folder = await createRunFolder(this.workRoot, job.files, Date.now() + limits.timeoutMs, 0o777);
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
      });
      const child = spawn(this.cli, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const kill = async () => {
        await run(this.cli, ['kill', containerName]).catch(() => undefined);
        killProcessGroup(child.pid);
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
      const stderr = outcome.stderr.text();
      if (outcome.exitCode === 125 && state === '') {
        throw new SandboxUnavailableError(
          `${this.cli} could not start the sandbox container: ${stderr.trim()}`,
          `check the engine; if the image is missing: ${this.cli} build -t ${this.image} -f sandbox/Dockerfile sandbox`,
        );
      }
      return await collectExecution(checked, outcome, folder.work, state === 'true');
    } finally {
      await run(this.cli, ['rm', '--force', containerName]).catch(() => undefined);
      await removeRunFolder(folder);
    }
  }
}
