// Watches one sandboxed process: keeps output tails, enforces the wall clock and work-folder size, honours cancel.
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { OutputLines } from './output-lines.ts';
import { OutputTail } from './output-tail.ts';
import { MB } from './resolve-limits.ts';
import { type CollectedFile, type Execution, executionSchema, type SandboxLimits } from './types.ts';
import { MAX_WORK_ENTRIES, measureFolder } from './work-folder.ts';

export interface SupervisedOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  workDirExceeded: boolean;
  stdout: OutputTail;
  stderr: OutputTail;
  durationMs: number;
}

export interface SuperviseOptions {
  child: ChildProcess;
  startedAt: number;
  limits: SandboxLimits;
  workDir: string;
  signal?: AbortSignal;
  /** Kills the whole process tree; called at most once. */
  kill: () => Promise<void>;
  /** How often the work folder is measured. */
  diskPollMs?: number;
  /** Each complete line of output as it arrives (SandboxJob.onOutput); a callback that throws is ignored. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/**
 * A sandbox reports a child killed by signal N as exit status 128+N (bwrap's init and docker both do);
 * turn that back into a signal name so callers see "SIGKILL" rather than 137.
 */
export function splitExitStatus(
  code: number | null,
  signal: NodeJS.Signals | null,
): { exitCode: number | null; signal: string | null } {
  if (signal) return { exitCode: null, signal };
  if (code !== null && code > 128 && code <= 128 + 64) {
    const name = signalNames.get(code - 128);
    if (name) return { exitCode: null, signal: name };
  }
  return { exitCode: code, signal: null };
}

export function superviseProcess(options: SuperviseOptions): Promise<SupervisedOutcome> {
  const { child, limits } = options;
  const stdout = new OutputTail(limits.maxOutputBytes);
  const stderr = new OutputTail(limits.maxOutputBytes);
  const lines = options.onOutput ? streamLines(options.onOutput) : null;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    lines?.stdout.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    lines?.stderr.push(chunk);
  });

  let timedOut = false;
  let cancelled = false;
  let workDirExceeded = false;
  let killing: Promise<void> | undefined;
  const killOnce = () => {
    killing ??= options.kill();
    return killing;
  };

  return new Promise<SupervisedOutcome>((resolve, reject) => {
    const remaining = Math.max(0, limits.timeoutMs - (performance.now() - options.startedAt));
    const timer = setTimeout(() => {
      timedOut = true;
      void killOnce();
    }, remaining);

    const onAbort = () => {
      cancelled = true;
      void killOnce();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    let polling = false;
    const poll = setInterval(() => {
      if (polling || killing) return;
      polling = true;
      measureFolder(options.workDir)
        .then((measured) => {
          if ((measured.diskBytes > limits.maxWorkDirMb * MB || measured.tooManyEntries) && !killing) {
            workDirExceeded = true;
            void killOnce();
          }
        })
        .finally(() => {
          polling = false;
        });
    }, options.diskPollMs ?? 250);

    const cleanup = () => {
      clearTimeout(timer);
      clearInterval(poll);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.once('error', (error) => {
      cleanup();
      reject(error);
    });
    child.once('close', (code, signal) => {
      cleanup();
      // Both pipes have ended by 'close': a last line without a newline goes out now.
      lines?.stdout.end();
      lines?.stderr.end();
      const finish = async () => {
        // Let a kill that is under way finish so callers see a quiet process tree.
        if (killing) await killing;
        const status = splitExitStatus(code, signal);
        resolve({
          ...status,
          timedOut,
          cancelled,
          workDirExceeded,
          stdout,
          stderr,
          durationMs: performance.now() - options.startedAt,
        });
      };
      void finish();
    });
  });
}

/** One line splitter per stream; the caller's callback never breaks the run, whatever it throws. */
function streamLines(onOutput: (line: string, stream: 'stdout' | 'stderr') => void) {
  const forward = (stream: 'stdout' | 'stderr') => (line: string) => {
    try {
      const result: unknown = onOutput(line, stream);
      // An async listener's rejection would otherwise surface as an unhandled rejection.
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Progress is a courtesy: a listener's bug must not fail or stall the script's run.
    }
  };
  return { stdout: new OutputLines(forward('stdout')), stderr: new OutputLines(forward('stderr')) };
}

/** The line the sandbox adds to stderr when it, not the script, ended the run: the repair loop reads it. */
function killNote(outcome: SupervisedOutcome, limits: SandboxLimits): string | null {
  if (outcome.cancelled) return '[sandbox] run cancelled';
  if (outcome.timedOut) return `[sandbox] killed: wall-clock limit of ${limits.timeoutMs / 1000} s reached`;
  if (outcome.workDirExceeded) {
    return `[sandbox] killed: work folder grew past ${limits.maxWorkDirMb} MB or ${MAX_WORK_ENTRIES} files`;
  }
  return null;
}

/** The Execution both drivers return, checked against the contract before it leaves the sandbox. */
export function buildExecution(
  outcome: SupervisedOutcome,
  limits: SandboxLimits,
  extra: {
    oomKilled: boolean;
    collected: { files: CollectedFile[]; skipped: { name: string; reason: string }[] };
  },
): Execution {
  let stderr = outcome.stderr.text();
  const note = killNote(outcome, limits);
  if (note) stderr = stderr === '' || stderr.endsWith('\n') ? `${stderr}${note}\n` : `${stderr}\n${note}\n`;
  const summary = executionSchema.parse({
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    oomKilled: extra.oomKilled,
    cancelled: outcome.cancelled,
    stdout: outcome.stdout.text(),
    stderr,
    stdoutDroppedBytes: outcome.stdout.droppedBytes,
    stderrDroppedBytes: outcome.stderr.droppedBytes,
    durationMs: Math.round(outcome.durationMs),
  });
  return {
    ...summary,
    files: extra.collected.files,
    workDirExceeded: outcome.workDirExceeded,
    skippedFiles: extra.collected.skipped,
  };
}
