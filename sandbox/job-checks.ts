// Checks a job's inputs and environment, and builds the few variables every sandboxed script gets.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidSandboxJobError, type SandboxInput } from './types.ts';

/** The uid (and gid) scripts run as inside either driver: nobody. */
export const SANDBOX_UID = 65534;

export function sandboxEnvironment(
  threads: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  const count = String(threads);
  return {
    HOME: '/tmp',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    MPLBACKEND: 'Agg',
    OMP_NUM_THREADS: count,
    OPENBLAS_NUM_THREADS: count,
    MKL_NUM_THREADS: count,
    NUMEXPR_NUM_THREADS: count,
    // Idle OpenMP threads sleep instead of spinning: on a busy 2-core host a spinning HistGradientBoosting fit
    // took 145 s instead of 7 s (bench/strong-panel.ts measured it).
    OMP_WAIT_POLICY: 'PASSIVE',
    // Keep /work free of __pycache__ and get output that is current when a run is killed.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

export function checkEnvironment(env: Record<string, string> | undefined): Record<string, string> {
  for (const key of Object.keys(env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new InvalidSandboxJobError(`bad environment name "${key}"`);
  }
  return env ?? {};
}

export function checkInputs(inputs: SandboxInput[] | undefined): SandboxInput[] {
  const seen = new Set<string>();
  for (const input of inputs ?? []) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.name)) {
      throw new InvalidSandboxJobError(`input name "${input.name}" must be a plain file name`);
    }
    if (seen.has(input.name)) throw new InvalidSandboxJobError(`input name "${input.name}" is used twice`);
    seen.add(input.name);
    if (!path.isAbsolute(input.hostPath)) {
      throw new InvalidSandboxJobError(`input "${input.name}" needs an absolute host path`);
    }
  }
  return inputs ?? [];
}

/** Each input must exist on the host before a run is set up around it. */
export async function checkInputsExist(inputs: SandboxInput[]): Promise<void> {
  for (const input of inputs) {
    await stat(input.hostPath).catch((cause: Error) => {
      throw new InvalidSandboxJobError(
        `input "${input.name}" not found at ${input.hostPath}: ${cause.message}`,
      );
    });
  }
}
