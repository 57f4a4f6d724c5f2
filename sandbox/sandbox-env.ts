// The SANDBOX_* settings: one schema with the one set of defaults, read by the bot's config and the sandbox CLI alike.
import { z } from 'zod';
import type { CreateSandboxOptions } from './create-sandbox.ts';
import { DEFAULT_DOCKER_IMAGE } from './docker-driver.ts';
import { DEFAULT_LIMITS, type SandboxLimits } from './types.ts';

const KB = 1024;

const positiveInt = (fallback: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what} as a whole number` })
    .positive({ error: `expected ${what} greater than 0` })
    .default(fallback);

/** The variables, to spread into a wider environment schema; each default comes from DEFAULT_LIMITS. */
export const sandboxEnvShape = {
  SANDBOX_DRIVER: z.enum(['bwrap', 'docker'], { error: 'expected bwrap or docker' }).default('bwrap'),
  SANDBOX_PYTHON: z
    .string()
    .startsWith('/', { error: 'expected an absolute path' })
    .default('/usr/bin/python3'),
  SANDBOX_DOCKER_IMAGE: z.string().min(1).default(DEFAULT_DOCKER_IMAGE),
  SANDBOX_DOCKER_CLI: z.string().min(1).default('docker'),
  SANDBOX_TIMEOUT_S: positiveInt(DEFAULT_LIMITS.timeoutMs / 1000, 'seconds'),
  SANDBOX_MEMORY_MB: positiveInt(DEFAULT_LIMITS.memoryMb, 'megabytes'),
  SANDBOX_MAX_PROCESSES: positiveInt(DEFAULT_LIMITS.maxProcesses, 'a process count'),
  SANDBOX_CPU_S: positiveInt(DEFAULT_LIMITS.cpuSeconds, 'seconds'),
  SANDBOX_MAX_FILE_MB: positiveInt(DEFAULT_LIMITS.maxFileMb, 'megabytes'),
  SANDBOX_MAX_WORKDIR_MB: positiveInt(DEFAULT_LIMITS.maxWorkDirMb, 'megabytes'),
  SANDBOX_MAX_OUTPUT_KB: positiveInt(DEFAULT_LIMITS.maxOutputBytes / KB, 'kilobytes'),
};
export const sandboxEnvSchema = z.object(sandboxEnvShape);
export type SandboxEnv = z.infer<typeof sandboxEnvSchema>;

export function sandboxLimitsFromEnv(env: SandboxEnv): SandboxLimits {
  return {
    timeoutMs: env.SANDBOX_TIMEOUT_S * 1000,
    memoryMb: env.SANDBOX_MEMORY_MB,
    maxProcesses: env.SANDBOX_MAX_PROCESSES,
    cpuSeconds: env.SANDBOX_CPU_S,
    maxFileMb: env.SANDBOX_MAX_FILE_MB,
    maxWorkDirMb: env.SANDBOX_MAX_WORKDIR_MB,
    maxOutputBytes: env.SANDBOX_MAX_OUTPUT_KB * KB,
  };
}

/** What createSandbox needs, from the parsed variables. */
export function sandboxOptionsFromEnv(env: SandboxEnv): CreateSandboxOptions & { limits: SandboxLimits } {
  return {
    driver: env.SANDBOX_DRIVER,
    python: env.SANDBOX_PYTHON,
    dockerImage: env.SANDBOX_DOCKER_IMAGE,
    dockerCli: env.SANDBOX_DOCKER_CLI,
    limits: sandboxLimitsFromEnv(env),
  };
}
