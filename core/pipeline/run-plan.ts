// Running a plan (the paper's Fig. 9): staged code for the chosen instruction (or the vanilla control's whole
// script), integration, the sandbox run with repairs, the harness's holdout score beside a baseline, the user's own
// test file, the prediction files a blend reads, and the artifacts with result.json.
import type { Logger } from 'pino';
import type { Sandbox, SandboxLimits } from '../../sandbox/types.ts';
import type { StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import {
  CHART_FILE,
  chartSpec,
  collected,
  drawHoldoutChart,
  METRICS,
  OOF_FILE,
  prepareHarness,
  readCvScore,
  SUBMISSION_FILE,
  TEST_PREDICTIONS_FILE,
} from '../harness/index.ts';
import { noteLine, TokenBudget, usageLine } from '../llm/usage.ts';
import { vanillaInstruction } from '../offline/vanilla-template.ts';
import {
  type AnswerNote,
  type Choice,
  type Instruction,
  type IntakeLimits,
  type LlmUsage,
  type Plan,
  type ProgressListener,
  type RunKind,
  type RunResult,
  runResultSchema,
  type StageName,
} from '../types.ts';
import { RunLog, writeArtifacts, writeResult } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import type { Engines } from './engines.ts';
import { buildNotebook, executeNotebook } from './notebook.ts';
import { executeScript, runWithRepairs } from './repair-loop.ts';
import { writeStagedCode } from './write-code.ts';

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

/** The instruction a choice names: a place (1-3), the resolver's improved one, or the vanilla control's. */
export function chosenInstruction(plan: Plan, choice: Choice): Instruction {
  if (choice === 'resolver') return plan.resolver.instruction;
  if (choice === 'vanilla') return vanillaInstruction(plan.task, plan.profile);
  const instruction = plan.instructions[Number(choice) - 1];
  if (!instruction) throw new LinguacodusError('bad_input', `There is no option ${choice} in this plan.`);
  return instruction;
}

export const round = (x: number) => Number(x.toPrecision(6));

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
    {
      kind: choice === 'vanilla' ? 'vanilla' : 'option',
      choice,
      change: null,
      instruction,
      stages: written.stages,
      code: written.code,
      context: written.context,
    },
    deps,
    options,
    state,
  );
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
  const { task, profile } = plan;
  const { engines, logger } = deps;
  const sandbox = collectingPredictions(deps.sandbox);
  const { signal, onProgress } = options;
  const { log, usage, notes, budget } = state;
  const metric = METRICS[task.metric];
  if (source.change) log.line(`change: ${source.change}`);

  const harness = await prepareHarness(task, profile, deps.intakeLimits);
  log.line(
    `holdout split (${task.split.kind}, ${Math.round(task.split.testFraction * 100)}% held out, seed ${task.split.seed}): ${harness.trainRows} training rows, ${harness.heldOutRows} held-out rows`,
  );

  const loop = await runWithRepairs({
    sandbox,
    coder: engines.coder,
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

  let score: number | null = null;
  let cvScore: number | null = null;
  let chart: Buffer | null = null;
  let importanceChart: Buffer | null = null;
  let submission: Buffer | null = null;
  let oofPredictions: Buffer | null = null;
  let testPredictions: Buffer | null = null;
  let userTestPredictions: Buffer | null = null;
  let error: string | null = null;
  const baseline = harness.baseline();
  if (baseline) log.line(`baseline (${baseline.name}) on the holdout: ${round(baseline.score)}`);

  if (loop.ok) {
    const holdoutSubmission = collected(loop.execution, SUBMISSION_FILE)!;
    score = harness.score(holdoutSubmission);
    onProgress?.({ type: 'score', metric: task.metric, score });
    log.line(
      `holdout ${task.metric}: ${round(score)} (scored by the harness on ${harness.heldOutRows} held-out rows)`,
    );
    const cv = readCvScore(loop.execution);
    cvScore = cv.score;
    log.line(
      cv.problem
        ? `no cross-validation score: ${cv.problem}`
        : `the script's own cv ${task.metric}: ${cv.score}`,
    );

    // The prediction files: a bad or missing one is not a failure; the run just cannot be blended.
    const oof = collected(loop.execution, OOF_FILE);
    const test = collected(loop.execution, TEST_PREDICTIONS_FILE);
    const predictionProblem = harness.checkOofPredictions(oof) ?? harness.checkTestPredictions(test);
    if (predictionProblem) {
      log.line(`prediction files not kept, so this run cannot be blended: ${predictionProblem}`);
    } else {
      oofPredictions = oof;
      testPredictions = test;
      log.line(`prediction files kept for blending (${OOF_FILE}, ${TEST_PREDICTIONS_FILE})`);
    }
    importanceChart = collected(loop.execution, CHART_FILE);
    if (!importanceChart) log.line(`the script drew no ${CHART_FILE} (feature importance)`);

    const drawn = await drawHoldoutChart(
      sandbox,
      chartSpec(task, profile),
      harness.truthCsv,
      holdoutSubmission,
      signal,
    );
    chart = drawn.png;
    if (drawn.problem) log.line(`holdout chart not drawn (${drawn.problem})`);

    if (harness.userTestFiles) {
      // The user's own unlabelled rows: the scored script once more, trained on every labelled row.
      log.line('final run: all labelled rows as train.csv, the user test file as test.csv');
      const final = await executeScript(sandbox, loop.code, {
        files: harness.userTestFiles,
        limits: deps.sandboxLimits,
        signal,
      });
      throwIfCancelled(signal, 'run');
      const bytes = collected(final, SUBMISSION_FILE);
      const problem =
        final.exitCode !== 0
          ? `the script failed on the test file (exit ${final.exitCode}${final.timedOut ? ', timed out' : ''})`
          : harness.checkUserSubmission(bytes);
      if (problem) {
        error = `Scored on the holdout, but no submission for the test file: ${problem}`;
        log.block(error, final.stderr.slice(-3000));
      } else {
        submission = bytes;
        log.line(`submission for the test file written (${harness.userTestRows} rows)`);
        const userPredictions = collected(final, TEST_PREDICTIONS_FILE);
        const userProblem = harness.checkUserPredictions(userPredictions);
        if (userProblem) log.line(`predictions for the test file not kept: ${userProblem}`);
        else userTestPredictions = userPredictions;
      }
    } else {
      submission = holdoutSubmission;
    }
  } else {
    error = [loop.coderError, loop.attempts.at(-1)?.error ?? 'The script failed.'].filter(Boolean).join('\n');
    if (loop.coderError) log.line(loop.coderError);
    log.line(`no valid submission after ${loop.attempts.length} attempts`);
  }

  const summary =
    score === null
      ? `No valid submission after ${loop.attempts.length} attempt(s).`
      : `Holdout ${task.metric}: **${round(score)}**${baseline ? ` (baseline ${baseline.name}: ${round(baseline.score)})` : ''}.`;
  let notebook = buildNotebook({
    task,
    instruction: source.instruction,
    stages: source.stages,
    code: loop.code,
    summary,
  });
  if (loop.ok && options.executeNotebook !== false) {
    // The notebook executed on the files the scored script ran on, so its cells hold outputs.
    const executed = await executeNotebook(deps.sandbox, notebook, harness.runFiles, {
      limits: deps.sandboxLimits,
      signal,
    });
    throwIfCancelled(signal, 'run');
    notebook = executed.notebook;
    if (executed.problem) log.line(`notebook not executed: ${executed.problem}`);
  } else if (loop.ok) {
    log.line('notebook not executed (turned off for this run)');
  }

  log.line(`model usage: ${usageLine(usage)}`);
  for (const n of notes) log.line(`model answer ${noteLine(n)}`);
  const artifacts = await writeArtifacts(options.outDir, {
    code: loop.code,
    notebook,
    chart,
    importanceChart,
    submission,
    log: log.toString(),
    oofPredictions,
    testPredictions,
    userTestPredictions,
  });
  logger?.info(
    {
      kind: source.kind,
      choice: source.choice,
      ok: loop.ok,
      score,
      attempts: loop.attempts.length,
      usage: usageLine(usage),
      notes: notes.map(noteLine),
    },
    'run finished',
  );

  const result = runResultSchema.parse({
    planId: plan.id,
    choice: source.choice,
    kind: source.kind,
    change: source.change,
    ok: loop.ok,
    metric: task.metric,
    higherIsBetter: metric.higherIsBetter,
    score,
    cvScore,
    baseline,
    stages: source.stages,
    code: loop.code,
    attempts: loop.attempts,
    error,
    artifacts,
    usage,
    notes,
    durationMs: Date.now() - state.started,
  });
  await writeResult(result);
  return result;
}
