// Running a plan (the paper's Fig. 9): staged code for the chosen instruction (or the vanilla control's whole
// script), integration, the sandbox run with repairs, the harness's holdout score beside a baseline, the user's own
// test file, the prediction files a blend reads, and the artifacts with result.json.
import type { Sandbox, SandboxFile } from '../../sandbox/types.ts';
import type { StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import {
  CHART_FILE,
  collected,
  type Harness,
  METRICS,
  OOF_FILE,
  prepareHarness,
  readCvScore,
  SUBMISSION_FILE,
  TEST_PREDICTIONS_FILE,
} from '../harness/index.ts';
import { vanillaInstruction } from '../offline/vanilla-template.ts';
import type { Choice, Instruction, Plan, RunKind, RunResult, StageName } from '../types.ts';
import type { RunLog } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import { type FinishedScript, finishRun, type UserTestOutcome } from './finish-run.ts';
import { executeScript, type RepairLoopResult, runWithRepairs } from './repair-loop.ts';
import { newRunState, type RunDeps, type RunOptions, type RunState } from './run-state.ts';
import { type WrittenCode, writeStagedCode } from './write-code.ts';

export type { RunDeps, RunOptions } from './run-state.ts';

/** The instruction a choice names: a place (1-3), the resolver's improved one, or the vanilla control's. */
export function chosenInstruction(plan: Plan, choice: Choice): Instruction {
  if (choice === 'resolver') return plan.resolver.instruction;
  if (choice === 'vanilla') return vanillaInstruction(plan.task, plan.profile);
  const instruction = plan.instructions[Number(choice) - 1];
  if (!instruction) throw new LinguacodusError('bad_input', `There is no option ${choice} in this plan.`);
  return instruction;
}

/** The script a run executes and where it comes from. */
export interface RunSource {
  kind: RunKind;
  choice: Choice;
  /** Improve: the change in one line. */
  change: string | null;
  instruction: Instruction;
  stages: { stage: StageName; code: string }[];
  code: string;
  /** What the repair step sees. */
  context: StageContext;
}

/** The sandbox with the harness contract's prediction files (and chart) added to what every job collects. */
export function collectingPredictions(sandbox: Sandbox): Sandbox {
  return {
    driver: sandbox.driver,
    execute: (job) =>
      sandbox.execute({
        ...job,
        collect: [...new Set([...(job.collect ?? []), CHART_FILE, OOF_FILE, TEST_PREDICTIONS_FILE])],
      }),
  };
}

export async function runPlan(
  plan: Plan,
  choice: Choice,
  deps: RunDeps,
  options: RunOptions,
): Promise<RunResult> {
  const { task, profile } = plan;
  const { engines } = deps;
  const { signal, onProgress } = options;
  const state = newRunState(deps);
  const { log, usage, notes, budget } = state;
  const instruction = chosenInstruction(plan, choice);
  const metric = METRICS[task.metric];
  log.line(`plan ${plan.id}, choice ${choice}: ${instruction.title}`);
  log.line(`task: ${task.description}`);
  log.line(
    `metric ${task.metric} (${metric.higherIsBetter ? 'higher' : 'lower'} is better), target ${task.targets.join(', ')}`,
  );

  const coder = engines.coder;
  if (choice === 'vanilla' && coder.writeVanilla) {
    // The paper's vanilla comparison: one prompt, the task and the contract alone, no instruction.
    const context: StageContext = { task, profile, instruction, previous: [] };
    const code = await coder.writeVanilla(context, { signal, usage, budget, notes });
    log.line(
      `vanilla control: the whole script written by the ${engines.names.coder} coder from the task alone`,
    );
    return runSource(
      plan,
      { kind: 'vanilla', choice, change: null, instruction, stages: [], code, context },
      deps,
      options,
      state,
    );
  }
  const written = await writeStagedCode(
    coder,
    { task, profile, instruction },
    { signal, usage, budget, notes, onProgress },
  );
  for (const stage of written.stages) {
    log.line(
      `stage ${stage.stage}: ${stage.code.split('\n').length} lines written by the ${engines.names.coder} coder`,
    );
  }
  log.line('stages integrated into one script');
  return runSource(
    plan,
    stagedSource(choice === 'vanilla' ? 'vanilla' : 'option', choice, null, instruction, written),
    deps,
    options,
    state,
  );
}

/** The source of a run whose script the coder wrote stage by stage for an instruction. */
export function stagedSource(
  kind: RunKind,
  choice: Choice,
  change: string | null,
  instruction: Instruction,
  written: WrittenCode,
): RunSource {
  return {
    kind,
    choice,
    change,
    instruction,
    stages: written.stages,
    code: written.code,
    context: written.context,
  };
}

/**
 * Runs a script with repairs in the sandbox on the harness's files, scores it on the held-out rows, keeps its
 * prediction files when they pass the check, runs it once more on the user's test file, and writes the artifacts
 * and result.json.
 */
export async function runSource(
  plan: Plan,
  source: RunSource,
  deps: RunDeps,
  options: RunOptions,
  state: RunState,
): Promise<RunResult> {
  if (source.change) state.log.line(`change: ${source.change}`);
  const harness = await holdoutHarness(plan, deps, state.log);
  const sandbox = collectingPredictions(deps.sandbox);
  const loop = await runScript(source, harness, sandbox, deps, options, state);
  return finishRun(
    { plan, harness, deps, options, state },
    {
      kind: source.kind,
      choice: source.choice,
      change: source.change,
      stages: source.stages,
      code: loop.code,
      attempts: loop.attempts,
      ...scriptOutcome(loop, harness, plan.task),
      userTest: (files) => finalRun(loop.code, files, harness, sandbox, deps, options.signal, state.log),
      notebook: { instruction: source.instruction, stages: source.stages },
    },
  );
}

/** The task's holdout split as sandbox files, its size in the log. */
async function holdoutHarness(plan: Plan, deps: RunDeps, log: RunLog): Promise<Harness> {
  const { task } = plan;
  const harness = await prepareHarness(task, plan.profile, deps.intakeLimits);
  log.line(
    `holdout split (${task.split.kind}, ${Math.round(task.split.testFraction * 100)}% held out, seed ${task.split.seed}): ${harness.trainRows} training rows, ${harness.heldOutRows} held-out rows`,
  );
  return harness;
}

/** The script in the sandbox on the harness's files, repaired by the coder until its holdout submission passes. */
function runScript(
  source: RunSource,
  harness: Harness,
  sandbox: Sandbox,
  deps: RunDeps,
  { signal, onProgress }: RunOptions,
  { log, usage, budget, notes }: RunState,
): Promise<RepairLoopResult> {
  return runWithRepairs({
    sandbox,
    coder: deps.engines.coder,
    context: source.context,
    code: source.code,
    files: harness.runFiles,
    check: (execution) => harness.checkHoldoutSubmission(collected(execution, SUBMISSION_FILE)),
    maxRepairs: deps.maxRepairs,
    limits: deps.sandboxLimits,
    signal,
    usage,
    budget,
    notes,
    onProgress,
    onAttempt: (attempt) => {
      log.line(
        `attempt ${attempt.n}: ${attempt.ok ? 'passed' : 'failed'} in ${(attempt.durationMs / 1000).toFixed(1)} s`,
      );
      if (attempt.error) log.block('error (what the coder sees for a repair):', attempt.error);
      if (attempt.stdoutTail.trim()) log.block('stdout (tail):', attempt.stdoutTail);
    },
  });
}

type ScriptOutcome = Pick<
  FinishedScript,
  'holdoutSubmission' | 'error' | 'cvScore' | 'outcomeLines' | 'predictions' | 'importanceChart'
>;

/**
 * What the repaired script left: its holdout submission, its own cv score, its chart, and its prediction files when
 * they pass the check (a bad or missing one is not a failure; the run just cannot be blended). Or why it failed.
 */
function scriptOutcome(loop: RepairLoopResult, harness: Harness, task: Plan['task']): ScriptOutcome {
  if (!loop.ok) {
    return {
      holdoutSubmission: null,
      error: [loop.coderError, loop.attempts.at(-1)?.error ?? 'The script failed.']
        .filter(Boolean)
        .join('\n'),
      cvScore: null,
      outcomeLines: [
        ...(loop.coderError ? [loop.coderError] : []),
        `no valid submission after ${loop.attempts.length} attempts`,
      ],
      predictions: null,
      importanceChart: null,
    };
  }
  const cv = readCvScore(loop.execution);
  const oof = collected(loop.execution, OOF_FILE);
  const test = collected(loop.execution, TEST_PREDICTIONS_FILE);
  const predictionProblem = harness.checkOofPredictions(oof) ?? harness.checkTestPredictions(test);
  const importanceChart = collected(loop.execution, CHART_FILE);
  return {
    holdoutSubmission: collected(loop.execution, SUBMISSION_FILE),
    error: null,
    cvScore: cv.score,
    outcomeLines: [
      cv.problem
        ? `no cross-validation score: ${cv.problem}`
        : `the script's own cv ${task.metric}: ${cv.score}`,
      predictionProblem
        ? `prediction files not kept, so this run cannot be blended: ${predictionProblem}`
        : `prediction files kept for blending (${OOF_FILE}, ${TEST_PREDICTIONS_FILE})`,
      ...(importanceChart ? [] : [`the script drew no ${CHART_FILE} (feature importance)`]),
    ],
    predictions: predictionProblem || !oof || !test ? null : { oof, test },
    importanceChart,
  };
}

/** The user's own unlabelled rows: the scored script once more, trained on every labelled row. */
async function finalRun(
  code: string,
  files: SandboxFile[],
  harness: Harness,
  sandbox: Sandbox,
  deps: RunDeps,
  signal: AbortSignal | undefined,
  log: RunLog,
): Promise<UserTestOutcome> {
  log.line('final run: all labelled rows as train.csv, the user test file as test.csv');
  const final = await executeScript(sandbox, code, { files, limits: deps.sandboxLimits, signal });
  throwIfCancelled(signal, 'run');
  const submission = collected(final, SUBMISSION_FILE);
  const problem =
    final.exitCode !== 0
      ? `the script failed on the test file (exit ${final.exitCode}${final.timedOut ? ', timed out' : ''})`
      : harness.checkUserSubmission(submission);
  if (problem || !submission) {
    return { problem: problem ?? 'no submission', detail: final.stderr.slice(-3000) };
  }
  return { submission, predictions: collected(final, TEST_PREDICTIONS_FILE) };
}
