// The steps both drivers take around their own process: settle defaults, check a job, supervise, collect files.
import { availableParallelism } from 'node:os';
import { checkEnvironment, checkInputs, checkInputsExist } from './job-checks.ts';
import { MB, resolveLimits } from './resolve-limits.ts';
import {
  buildExecution,
  type SupervisedOutcome,
  type SuperviseOptions,
  superviseProcess,
} from './supervise-process.ts';
import {
  type Execution,
  type SandboxInput,
  type SandboxJob,
  type SandboxLimits,
  SandboxUnavailableError,
} from './types.ts';
import { checkRelativePath, collectFiles, DEFAULT_WORK_ROOT } from './work-folder.ts';

export interface DriverSettings {
  workRoot: string;
  /** Threads BLAS/OpenMP may use inside. */
  threads: number;
}

/** Defaults every driver shares; a bad limit fails at construction, not on the first run. */
export function driverSettings(options: {
  limits?: Partial<SandboxLimits>;
  workRoot?: string;
  threads?: number;
}): DriverSettings {
  resolveLimits(options.limits);
  return {
    workRoot: options.workRoot ?? DEFAULT_WORK_ROOT,
    threads: options.threads ?? Math.min(4, availableParallelism()),
  };
}

/** A job that passed its checks, with everything a driver builds its command from. */
export interface CheckedJob {
  job: SandboxJob;
  /** When execute() began: the wall-clock limit counts set-up time too. */
  startedAt: number;
  limits: SandboxLimits;
  entry: string;
  inputs: SandboxInput[];
  env: Record<string, string>;
  args: string[];
}

/** Checks a job before anything is made for it; a malformed one throws InvalidSandboxJobError. */
export async function checkJob(
  job: SandboxJob,
  sandboxLimits: Partial<SandboxLimits> | undefined,
): Promise<CheckedJob> {
  const startedAt = performance.now();
  const limits = resolveLimits(sandboxLimits, job.limits);
  const entry = checkRelativePath(job.entry, 'the entry script');
  const inputs = checkInputs(job.inputs);
  const env = checkEnvironment(job.env);
  await checkInputsExist(inputs);
  return { job, startedAt, limits, entry, inputs, env, args: job.args ?? [] };
}

/** Supervises the driver's process; one that cannot even start means the sandbox is broken, not the script. */
export async function superviseDriverProcess(
  checked: CheckedJob,
  run: Pick<SuperviseOptions, 'child' | 'workDir' | 'kill'>,
  unavailable: { message: string; fix: string },
): Promise<SupervisedOutcome> {
  try {
    return await superviseProcess({
      ...run,
      startedAt: checked.startedAt,
      limits: checked.limits,
      signal: checked.job.signal,
      onOutput: checked.job.onOutput,
    });
  } catch (cause) {
    throw new SandboxUnavailableError(unavailable.message, unavailable.fix, { cause });
  }
}

/** SIGKILL to a process spawned detached, and so to every process of its group. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Copies back the files the job asked for, within its size caps, and reports the run. */
export async function collectExecution(
  checked: CheckedJob,
  outcome: SupervisedOutcome,
  workDir: string,
  oomKilled: boolean,
): Promise<Execution> {
  const { job, limits } = checked;
  const collected = await collectFiles(workDir, job.collect ?? [], job.files, {
    maxFileBytes: limits.maxFileMb * MB,
    maxTotalBytes: limits.maxWorkDirMb * MB,
  });
  return buildExecution(outcome, limits, { oomKilled, collected });
}
