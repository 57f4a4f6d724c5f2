// What every kind of run is given (engines, sandbox, limits; the caller's folder, signal and progress listener) and
// the bookkeeping it keeps from start to end: its clock, model usage, answer notes, token budget and log.
import type { Logger } from '../../common/logger.ts';
import type { Sandbox, SandboxLimits } from '../../sandbox/types.ts';
import { TokenBudget } from '../llm/usage.ts';
import type { AnswerNote, IntakeLimits, LlmUsage, ProgressListener } from '../types.ts';
import { RunLog } from './artifacts.ts';
import type { Engines } from './engines.ts';

export interface RunDeps {
  engines: Engines;
  sandbox: Sandbox;
  sandboxLimits: Partial<SandboxLimits>;
  maxRepairs: number;
  /** Limits for re-reading the task's files (the same as at intake). */
  intakeLimits: IntakeLimits;
  /** Most model tokens one run may use (MAX_TOKENS_PER_RUN); null: no limit. */
  maxTokens?: number | null;
  logger?: Logger;
}

export interface RunOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Where code.py, notebook.ipynb, chart.png, submission.csv, run.log and result.json go. */
  outDir: string;
  /**
   * Run the notebook in the sandbox so its cells hold outputs (default true). It runs the scored script once more;
   * the benchmark, which reads scores only, turns it off.
   */
  executeNotebook?: boolean;
}

/** One run's bookkeeping: its clock, model usage, answer notes, token budget and log. */
export interface RunState {
  started: number;
  usage: LlmUsage[];
  notes: AnswerNote[];
  budget: TokenBudget;
  log: RunLog;
}

export function newRunState(deps: RunDeps): RunState {
  const usage: LlmUsage[] = [];
  return {
    started: Date.now(),
    usage,
    notes: [],
    budget: new TokenBudget('run', deps.maxTokens ?? null, usage),
    log: new RunLog(),
  };
}

/** A score as the log and summary show it: six significant digits. */
export const round = (x: number) => Number(x.toPrecision(6));
