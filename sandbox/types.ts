// The sandbox's contract: what a job asks for and what an execution reports. Imports nothing of ours.
import { z } from 'zod';

export const sandboxLimitsSchema = z.object({
  /** Wall clock for the whole process tree. */
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  maxProcesses: z.number().int().positive(),
  cpuSeconds: z.number().int().positive(),
  /** Largest single file the script may write (RLIMIT_FSIZE). */
  maxFileMb: z.number().int().positive(),
  /** Total size of the work folder. */
  maxWorkDirMb: z.number().int().positive(),
  /** Cap on each of stdout and stderr kept (the tail). */
  maxOutputBytes: z.number().int().positive(),
});
export type SandboxLimits = z.infer<typeof sandboxLimitsSchema>;

/** The one set of defaults: SANDBOX_* variables left unset take these (sandbox/sandbox-env.ts). */
export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 900_000,
  memoryMb: 4096,
  maxProcesses: 256,
  cpuSeconds: 3600,
  maxFileMb: 512,
  maxWorkDirMb: 2048,
  maxOutputBytes: 256 * 1024,
};

export interface SandboxFile {
  /** Relative path inside the work folder (/work). */
  path: string;
  content: string | Uint8Array;
}

export interface SandboxInput {
  /** Host path of a file or folder, mounted read-only. */
  hostPath: string;
  /** Appears inside the sandbox as /input/<name>. */
  name: string;
}

export interface SandboxJob {
  /** Files written into the fresh work folder before the run. */
  files: SandboxFile[];
  /** The script to run with the sandbox's python, relative to the work folder. */
  entry: string;
  /** Extra arguments after the script. */
  args?: string[];
  inputs?: SandboxInput[];
  /** Names (relative to /work, simple globs like `*.png` allowed) to copy back; `['*']` for every file written. */
  collect?: string[];
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
  /** Extra environment for the script (never secrets: the caller is responsible for what goes here). */
  env?: Record<string, string>;
  /** Called with each complete line the script prints, as it prints it (progress); the tails are kept as before. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface CollectedFile {
  /** Relative path inside the work folder. */
  name: string;
  bytes: Buffer;
}

export const executionSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  oomKilled: z.boolean(),
  cancelled: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutDroppedBytes: z.number().int().nonnegative(),
  stderrDroppedBytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

export type Execution = z.infer<typeof executionSchema> & {
  files: CollectedFile[];
  /** True when the run was killed because the work folder grew past `maxWorkDirMb`. */
  workDirExceeded?: boolean;
  /** Files matched by `collect` but not returned (symlinks, over the size cap), with the reason. */
  skippedFiles?: { name: string; reason: string }[];
};

export interface Sandbox {
  readonly driver: 'bwrap' | 'docker';
  execute(job: SandboxJob): Promise<Execution>;
}

/** Thrown when a job is malformed (a path escaping the work folder, a missing input): the caller's bug, not the script's. */
export class InvalidSandboxJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSandboxJobError';
  }
}

/** Thrown when the sandbox itself cannot run (not when the script fails: that is an Execution). */
export class SandboxUnavailableError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SandboxUnavailableError';
  }
}
