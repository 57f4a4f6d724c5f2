// The resolver's evidence: each option's code, written by the coder and run quickly (LC_QUICK=1) on the
// training part of the holdout split only, time-boxed, the options at once; its own cross-validation score is the
// evidence.
import type { Sandbox, SandboxFile, SandboxLimits } from '../../sandbox/types.ts';
import type { CoderEngine, EngineCall } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { QUICK_ENV, readCvScore } from '../harness/index.ts';
import type { DataProfile, Evidence, Instruction, LlmUsage, TaskSpec } from '../types.ts';
import { throwIfCancelled } from './cancellation.ts';
import { describeFailure } from './failure-report.ts';
import { executeScript } from './repair-loop.ts';
import { writeStagedCode } from './write-code.ts';

export interface EvidenceOptions {
  sandbox: Sandbox;
  coder: CoderEngine;
  task: TaskSpec;
  profile: DataProfile;
  instructions: Instruction[];
  /** train.csv = the training part of the split; test.csv = some of its rows without the target. */
  files: SandboxFile[];
  /** Time box per option (code writing and the quick run together). */
  timeoutMs: number;
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
  usage?: LlmUsage[];
  /** The plan's token budget, checked before each coder call. */
  budget?: EngineCall['budget'];
  /** Coder answers that were continued or re-asked are noted here. */
  notes?: EngineCall['notes'];
  /** Called as each option's evidence comes in (for progress messages). */
  onEvidence?: (evidence: Evidence) => void;
}

/** The failure in one line for the critic: what happened, the exception and the failing line, no stderr. */
function summary(text: string): string {
  const head = text.split('\nstderr (last lines):')[0] ?? text;
  const line = head.split('\n').join(' ').trim();
  return line.length > 400 ? `${line.slice(0, 397)}...` : line;
}

async function evidenceFor(instruction: Instruction, options: EvidenceOptions): Promise<Evidence> {
  const started = Date.now();
  const box = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, box]) : box;
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const base = { rank: instruction.rank, title: instruction.title };
  try {
    const written = await writeStagedCode(
      options.coder,
      { task: options.task, profile: options.profile, instruction },
      { signal, usage: options.usage, budget: options.budget, notes: options.notes },
    );
    const remaining = Math.max(1000, options.timeoutMs - (Date.now() - started));
    const execution = await executeScript(options.sandbox, written.code, {
      files: options.files,
      limits: { ...options.limits, timeoutMs: Math.min(remaining, options.limits?.timeoutMs ?? remaining) },
      env: { [QUICK_ENV]: '1' },
      signal,
    });
    // A run stopped by the time box (or by the caller) is not the script's failure: say what stopped it.
    if (execution.cancelled || signal.aborted) throw new Error('stopped');
    const failure = describeFailure(execution, written.code, null, remaining);
    if (failure) return { ...base, cvScore: null, seconds: seconds(), error: summary(failure) };
    const cv = readCvScore(execution);
    return cv.problem
      ? { ...base, cvScore: null, seconds: seconds(), error: cv.problem }
      : { ...base, cvScore: cv.score, seconds: seconds() };
  } catch (error) {
    throwIfCancelled(options.signal, 'planning');
    const message = box.aborted
      ? `no result within the ${Math.round(options.timeoutMs / 1000)} s time box`
      : error instanceof LinguacodusError
        ? error.userMessage
        : error instanceof Error
          ? error.message
          : String(error);
    return { ...base, cvScore: null, seconds: seconds(), error: summary(message) };
  }
}

/**
 * One piece of evidence per option, the options at once: each has its own time box, so running them side by side
 * bounds the whole step by one box instead of three (the sandbox runs share the cores, the model calls do not).
 */
export async function gatherEvidence(options: EvidenceOptions): Promise<Evidence[]> {
  return Promise.all(
    options.instructions.map(async (instruction) => {
      const found = await evidenceFor(instruction, options);
      options.onEvidence?.(found);
      return found;
    }),
  );
}
