// Runs the integrated script in the sandbox and, while it fails, asks the coder for a fix with the error fed
// back (the paper's error-fixing procedure, at most `maxRepairs` times). Every attempt is kept, and each repair
// sees the attempts before it, so a fix that already failed is not offered again.
import type { Execution, Sandbox, SandboxFile, SandboxInput, SandboxLimits } from '../../sandbox/types.ts';
import type { CoderEngine, EngineCall, StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { CHART_FILE, CV_SCORE_FILE, SUBMISSION_FILE } from '../harness/index.ts';
import type { Attempt, LlmUsage, ProgressEvent, ProgressListener } from '../types.ts';
import { throwIfCancelled } from './cancellation.ts';
import { describeFailure, SCRIPT_FILE, tail } from './failure-report.ts';

const KEPT_OUTPUT_CHARS = 4000;

/** At most this many script lines a second become progress events; lines that report a fold are always kept. */
export const MAX_SCRIPT_EVENTS_PER_SECOND = 20;

// "fold 2 of 5", "Fold 2/5", "fold=2/5", "[fold 2 of 5]", "fold: 2 / 5", "Fold #2 of 5": "fold" as a word of its own
// (not "kfold", "scaffold" or "folder"), then k, then "of" or "/", then n.
const FOLD_PATTERN =
  /(?:^|[^a-z0-9_])fold\s*(?:#\s*)?[:=]?\s*(\d{1,4})\s*(?:\/|\bof\b)\s*(\d{1,4})(?!\d|\.\d)/i;
// scikit-learn's own verbose cross-validation: "[CV 2/5] END ...", "[CV 2/5; 1/4] START ...".
const SKLEARN_CV_PATTERN = /\[CV\s+(\d{1,4})\/(\d{1,4})[\];]/;

/** Every line parseFoldLine reads a fold from contains one of these. */
const FOLD_HINT = /fold|\[CV/i;

/**
 * The fold a line of script output reports ("fold 2 of 5" → {k: 2, n: 5}), or null when it reports none. A count
 * that cannot be a fold (k above n, n of 0) is no fold either. k is taken as printed: a script counting from 0 says
 * "fold 0 of 5" first.
 */
export function parseFoldLine(line: string): { k: number; n: number } | null {
  const match = FOLD_PATTERN.exec(line) ?? SKLEARN_CV_PATTERN.exec(line);
  if (!match) return null;
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (n < 1 || k > n) return null;
  return { k, n };
}

/**
 * A SandboxJob.onOutput that turns the script's lines into 'script' progress events: blank lines skipped, at most
 * `maxPerSecond` a second (extra lines dropped, except ones that report a fold).
 */
export function scriptProgressListener(
  onProgress: ProgressListener,
  options: { maxPerSecond?: number; now?: () => number } = {},
): (line: string, stream: 'stdout' | 'stderr') => void {
  const maxPerSecond = options.maxPerSecond ?? MAX_SCRIPT_EVENTS_PER_SECOND;
  const now = options.now ?? (() => performance.now());
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  return (raw) => {
    const line = raw.trimEnd();
    if (line === '') return;
    const at = now();
    if (at - windowStart >= 1000) {
      windowStart = at;
      inWindow = 0;
    }
    // Past the budget only a line that may report a fold is read further (a flood of lines stays cheap).
    if (inWindow >= maxPerSecond && !FOLD_HINT.test(line)) return;
    const fold = parseFoldLine(line);
    if (inWindow >= maxPerSecond && fold === null) return;
    inWindow++;
    const event: ProgressEvent = { type: 'script', line, fold };
    onProgress(event);
  };
}

export interface RepairLoopOptions {
  sandbox: Sandbox;
  coder: CoderEngine;
  context: StageContext;
  /** The integrated script to run first. */
  code: string;
  /** Data files written beside the script (train.csv, test.csv, extra files). */
  files: SandboxFile[];
  inputs?: SandboxInput[];
  /**
   * Checks what a run that exited cleanly left behind; returns the problem in words, or null when the
   * submission is valid. Sees only the script's own output, never held-out labels.
   */
  check: (execution: Execution) => string | null;
  maxRepairs: number;
  limits?: Partial<SandboxLimits>;
  env?: Record<string, string>;
  signal?: AbortSignal;
  usage?: LlmUsage[];
  /** The run's token budget, checked before each repair call. */
  budget?: EngineCall['budget'];
  /** Coder answers that were continued or re-asked are noted here. */
  notes?: EngineCall['notes'];
  onProgress?: ProgressListener;
  /** Called after each attempt (for the run log). */
  onAttempt?: (attempt: Attempt, execution: Execution) => void;
}

export interface RepairLoopResult {
  ok: boolean;
  /** The last script run (the passing one when ok). */
  code: string;
  attempts: Attempt[];
  /** The last execution (with the files it wrote). */
  execution: Execution;
  /** Why the loop stopped before its last repair: the coder itself failed (e.g. its endpoint was down). */
  coderError: string | null;
}

/** Runs one script in the sandbox with the data beside it, collecting what the harness reads back. */
export async function executeScript(
  sandbox: Sandbox,
  code: string,
  options: Pick<RepairLoopOptions, 'files' | 'inputs' | 'limits' | 'env' | 'signal'> & {
    /** Each line the script prints, as it prints it. */
    onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  },
): Promise<Execution> {
  try {
    return await sandbox.execute({
      files: [...options.files, { path: SCRIPT_FILE, content: code }],
      entry: SCRIPT_FILE,
      inputs: options.inputs,
      collect: [SUBMISSION_FILE, CV_SCORE_FILE, CHART_FILE],
      limits: options.limits,
      env: options.env,
      signal: options.signal,
      onOutput: options.onOutput,
    });
  } catch (error) {
    throwIfCancelled(options.signal, 'run');
    throw new LinguacodusError(
      'sandbox_error',
      `The sandbox could not run the code: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export async function runWithRepairs(options: RepairLoopOptions): Promise<RepairLoopResult> {
  const { sandbox, coder, context, maxRepairs, signal, onProgress } = options;
  const attempts: Attempt[] = [];
  const max = maxRepairs + 1;
  let code = options.code;
  for (let n = 1; ; n++) {
    throwIfCancelled(signal, 'run');
    onProgress?.({ type: 'attempt', n, max, status: 'running' });
    const execution = await executeScript(sandbox, code, {
      ...options,
      // A fresh listener per attempt, so one attempt's flood does not throttle the next one's first lines.
      onOutput: onProgress ? scriptProgressListener(onProgress) : undefined,
    });
    if (execution.cancelled) throwIfCancelled(signal, 'run');
    throwIfCancelled(signal, 'run');
    const problem = execution.exitCode === 0 && !execution.timedOut ? options.check(execution) : null;
    const error = describeFailure(execution, code, problem, options.limits?.timeoutMs);
    const attempt: Attempt = {
      n,
      code,
      ok: error === null,
      exitCode: execution.exitCode,
      timedOut: execution.timedOut,
      oomKilled: execution.oomKilled,
      stdoutTail: tail(execution.stdout, KEPT_OUTPUT_CHARS),
      stderrTail: tail(execution.stderr, KEPT_OUTPUT_CHARS),
      error,
      durationMs: execution.durationMs,
    };
    attempts.push(attempt);
    options.onAttempt?.(attempt, execution);
    if (error === null) {
      onProgress?.({ type: 'attempt', n, max, status: 'passed' });
      return { ok: true, code, attempts, execution, coderError: null };
    }
    onProgress?.({ type: 'attempt', n, max, status: 'failed', error: error.split('\n')[0] });
    if (n >= max) return { ok: false, code, attempts, execution, coderError: null };
    try {
      // The earlier attempts (bounded by the prompt builder) make the repair a conversation, not a fresh start.
      const repairs = attempts.slice(0, -1).map((a) => ({ code: a.code, error: a.error ?? '' }));
      code = await coder.repair(
        code,
        error,
        { ...context, repairs },
        { signal, usage: options.usage, budget: options.budget, notes: options.notes },
      );
    } catch (repairError) {
      throwIfCancelled(signal, 'run');
      // The attempts so far are the user's to see: stop here and report rather than lose them.
      const reason = repairError instanceof Error ? repairError.message : String(repairError);
      return {
        ok: false,
        code,
        attempts,
        execution,
        coderError: `The coder could not repair the script: ${reason}`,
      };
    }
  }
}
