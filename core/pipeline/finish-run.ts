// How every run ends, whatever made its script (an option, the vanilla control, an improvement, a blend; next,
// Auto's nodes and image runs): the harness's score on the held-out rows beside its baseline, the holdout chart, the
// submission for the user's test file, the notebook, the artifacts and result.json.
import type { SandboxFile } from '../../sandbox/types.ts';
import { chartSpec, drawHoldoutChart, drawPictureGrid, type Harness, METRICS } from '../harness/index.ts';
import { noteLine, usageLine } from '../llm/usage.ts';
import {
  type Attempt,
  type Choice,
  type Instruction,
  type Plan,
  type RunKind,
  type RunResult,
  runResultSchema,
  type StageName,
} from '../types.ts';
import { writeArtifacts, writeResult } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import { buildNotebook, executeNotebook, type Notebook } from './notebook.ts';
import { type RunDeps, type RunOptions, type RunState, round } from './run-state.ts';

/** What a run's end reads of its plan: the task, its data profile and the plan's id (for the log and result). */
export type FinishPlan = Pick<Plan, 'id' | 'task' | 'profile'>;

/**
 * A run's submission for the user's own test file (checked), with its predictions for the file in the harness
 * contract's layout (checked here before they are kept); or why there is none, and what the log shows under it.
 */
export type UserTestOutcome =
  | { submission: Uint8Array; predictions: Uint8Array | null }
  | { problem: string; detail?: string };

/** What a finished script leaves for the end of its run. */
export interface FinishedScript {
  kind: RunKind;
  /** The option the run comes from (an improvement keeps its parent's); null for a blend. */
  choice: Choice | null;
  /** Improve: the change in one line; blend: the weights. */
  change: string | null;
  blend?: RunResult['blend'];
  stages: { stage: StageName; code: string }[];
  /** The code the run keeps (code.py). */
  code: string;
  attempts: Attempt[];
  /** The submission for the held-out rows, already checked; null when the script gave none (`error` says why). */
  holdoutSubmission: Uint8Array | null;
  error: string | null;
  cvScore: number | null;
  /**
   * What the log says of the script's outcome: after the holdout score (the script's own cv, its prediction files; a
   * blend's members), or after the baseline when there is no score (why).
   */
  outcomeLines: string[];
  /** The out-of-fold and held-out predictions a later blend reads (a script run's passed the harness's check). */
  predictions: { oof: Uint8Array; test: Uint8Array } | null;
  /** The script's own chart.png (feature importance or coefficients); null without a holdout score. */
  importanceChart: Uint8Array | null;
  /**
   * How this kind of run gets its submission for the user's test file, given the harness's files for it (every
   * labelled row as train.csv, the user's file as test.csv); asked only when it scored and the task has one.
   */
  userTest: (files: SandboxFile[]) => Promise<UserTestOutcome>;
  /** The notebook's instruction and stages; null for a run without a notebook (a blend). */
  notebook: { instruction: Instruction; stages: { stage: StageName; code: string }[] } | null;
}

/** Where a run ends: its plan and harness, the sandbox for the chart and notebook, and its bookkeeping. */
export interface FinishContext {
  plan: FinishPlan;
  harness: Harness;
  deps: RunDeps;
  options: RunOptions;
  state: RunState;
}

interface Scored {
  score: number | null;
  chart: Uint8Array | null;
  submission: Uint8Array | null;
  userTestPredictions: Uint8Array | null;
  /** The user test file's problem, when the holdout scored but the test file got no submission. */
  error: string | null;
}

/** Scores the finished script on the held-out rows and writes everything the run leaves: result.json last. */
export async function finishRun(context: FinishContext, script: FinishedScript): Promise<RunResult> {
  const { plan, harness, deps, options, state } = context;
  const baseline = harness.baseline();
  if (baseline) state.log.line(`baseline (${baseline.name}) on the holdout: ${round(baseline.score)}`);
  const scored = script.holdoutSubmission
    ? await scoreAndDeliver(context, script, script.holdoutSubmission)
    : failed(state, script);
  const notebook = await notebookFor(context, script, scored.score, baseline);
  logUsage(state, script.kind);
  const artifacts = await writeArtifacts(options.outDir, {
    code: script.code,
    notebook,
    chart: scored.chart,
    importanceChart: script.importanceChart,
    submission: scored.submission,
    log: state.log.toString(),
    oofPredictions: script.predictions?.oof ?? null,
    testPredictions: script.predictions?.test ?? null,
    userTestPredictions: scored.userTestPredictions,
  });
  deps.logger?.info(
    {
      kind: script.kind,
      choice: script.choice,
      change: script.change,
      ok: scored.score !== null,
      score: scored.score,
      attempts: script.attempts.length,
      usage: usageLine(state.usage),
      notes: state.notes.map(noteLine),
    },
    'run finished',
  );
  const result = runResultSchema.parse({
    planId: plan.id,
    choice: script.choice,
    kind: script.kind,
    change: script.change,
    blend: script.blend,
    ok: scored.score !== null,
    metric: plan.task.metric,
    higherIsBetter: METRICS[plan.task.metric].higherIsBetter,
    score: scored.score,
    cvScore: script.cvScore,
    baseline,
    stages: script.stages,
    code: script.code,
    attempts: script.attempts,
    error: scored.error,
    artifacts,
    usage: state.usage,
    notes: state.notes,
    durationMs: Date.now() - state.started,
  });
  await writeResult(result);
  return result;
}

function failed(state: RunState, script: FinishedScript): Scored {
  for (const line of script.outcomeLines) state.log.line(line);
  return { score: null, chart: null, submission: null, userTestPredictions: null, error: script.error };
}

/** The holdout score, the harness's chart of it, and the submission for the user's test file (or the holdout's). */
async function scoreAndDeliver(
  { plan, harness, deps, options, state }: FinishContext,
  script: FinishedScript,
  holdoutSubmission: Uint8Array,
): Promise<Scored> {
  const { task, profile } = plan;
  const { log } = state;
  const score = harness.score(holdoutSubmission);
  options.onProgress?.({ type: 'score', metric: task.metric, score });
  log.line(
    `holdout ${task.metric}: ${round(score)} (scored by the harness on ${harness.heldOutRows} held-out rows)`,
  );
  for (const line of script.outcomeLines) log.line(line);

  const spec = chartSpec(task, profile);
  // An image run's chart: the held-out pictures, mistakes first, beside the confusion matrix.
  const drawn =
    task.dataType === 'image'
      ? await drawPictureGrid(
          deps.sandbox,
          spec,
          harness.truthCsv,
          holdoutSubmission,
          harness.runFiles,
          options.signal,
        )
      : await drawHoldoutChart(deps.sandbox, spec, harness.truthCsv, holdoutSubmission, options.signal);
  if (drawn.problem) log.line(`holdout chart not drawn (${drawn.problem})`);
  const chart = drawn.png;

  if (!harness.userTestFiles) {
    return { score, chart, submission: holdoutSubmission, userTestPredictions: null, error: null };
  }
  const user = await script.userTest(harness.userTestFiles);
  if ('problem' in user) {
    const error = `Scored on the holdout, but no submission for the test file: ${user.problem}`;
    log.block(error, user.detail ?? '');
    return { score, chart, submission: null, userTestPredictions: null, error };
  }
  log.line(`submission for the test file written (${harness.userTestRows} rows)`);
  const predictionProblem = harness.checkUserPredictions(user.predictions);
  if (predictionProblem) log.line(`predictions for the test file not kept: ${predictionProblem}`);
  return {
    score,
    chart,
    submission: user.submission,
    userTestPredictions: predictionProblem ? null : user.predictions,
    error: null,
  };
}

/** The notebook of a script run, executed on the files the scored script ran on so its cells hold outputs. */
async function notebookFor(
  { plan, harness, deps, options, state }: FinishContext,
  script: FinishedScript,
  score: number | null,
  baseline: { name: string; score: number } | null,
): Promise<Notebook | null> {
  if (!script.notebook) return null;
  const summary =
    score === null
      ? `No valid submission after ${script.attempts.length} attempt(s).`
      : `Holdout ${plan.task.metric}: **${round(score)}**${baseline ? ` (baseline ${baseline.name}: ${round(baseline.score)})` : ''}.`;
  const notebook = buildNotebook({
    task: plan.task,
    instruction: script.notebook.instruction,
    stages: script.notebook.stages,
    code: script.code,
    summary,
  });
  if (score === null) return notebook;
  if (options.executeNotebook === false) {
    state.log.line('notebook not executed (turned off for this run)');
    return notebook;
  }
  const executed = await executeNotebook(deps.sandbox, notebook, harness.runFiles, {
    limits: deps.sandboxLimits,
    signal: options.signal,
  });
  throwIfCancelled(options.signal, 'run');
  if (executed.problem) state.log.line(`notebook not executed: ${executed.problem}`);
  return executed.notebook;
}

/** The model calls a run made and the answers that needed help; a blend's script is the harness's and calls none. */
function logUsage(state: RunState, kind: RunKind): void {
  if (kind === 'blend') return;
  state.log.line(`model usage: ${usageLine(state.usage)}`);
  for (const n of state.notes) state.log.line(`model answer ${noteLine(n)}`);
}
