// Blend: finished runs' predictions combined with non-negative weights summing to 1, fitted on their out-of-fold
// predictions (core/harness/blend.py, in the sandbox), and scored by the harness on the same held-out rows as any run.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Execution, SandboxFile } from '../../sandbox/types.ts';
import { LinguacodusError } from '../errors.ts';
import {
  collected,
  type Harness,
  METRICS,
  PROBABILITY_METRICS,
  positiveClass,
  predictionColumns,
  prepareHarness,
  SUBMISSION_FILE,
  submissionColumns,
  TRAIN_FILE,
} from '../harness/index.ts';
import { metricPython } from '../offline/model-template.ts';
import { type Attempt, type RunResult, runResultSchema } from '../types.ts';
import { ARTIFACT_NAMES, type RunLog } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import { type FinishedScript, type FinishPlan, finishRun } from './finish-run.ts';
import { newRunState, type RunDeps, type RunOptions } from './run-state.ts';

/** What a blend reads of its plan: the task, its data profile and the plan's id (for the log and result). */
export type BlendPlan = FinishPlan;

const BLEND_SCRIPT = readFileSync(join(import.meta.dirname, '..', 'harness', 'blend.py'), 'utf8');
const SCRIPT_FILE = 'blend.py';
const WEIGHTS_FILE = 'blend_weights.json';
const USER_SUBMISSION_FILE = 'user_submission.csv';
/** Fewer members than this cannot be blended. */
export const MIN_BLEND_MEMBERS = 2;

const weightsSchema = z.object({
  weights: z.array(z.number().nonnegative()),
  member_oof_scores: z.array(z.number().nullable()),
  blend_oof_score: z.number().nullable(),
  fitted_rows: z.number().int(),
  /** The metric the weights were fitted on: the task's, or a proper scoring rule when its scores tie or saturate. */
  fit_metric: z.string().optional(),
  beats_best_member: z.boolean().optional(),
});

interface UsableMember {
  label: string;
  result: RunResult;
  oof: Buffer;
  test: Buffer;
  user: Buffer | null;
}

/** JSON text as a value, or null when it is not JSON (the schema check then says it is unusable). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function readIfThere(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/** The blend's script as the user sees it: the harness's blend with the metric, and the weights it found on top. */
export function blendScript(): string {
  return BLEND_SCRIPT.replace(
    "# (the task metric's score_metric() is inserted here)\n",
    `${metricPython()}\n`,
  );
}

export async function blendRuns(
  plan: BlendPlan,
  members: { label: string; dir: string }[],
  deps: RunDeps,
  options: RunOptions,
): Promise<RunResult> {
  const state = newRunState(deps);
  const { log } = state;
  const harness = await prepareHarness(plan.task, plan.profile, deps.intakeLimits);
  log.line(`plan ${plan.id}: blend of ${members.map((m) => m.label).join(', ')}`);
  const usable = await usableMembers(members, harness, log);
  const withUser = harness.userTestFiles !== null && usable.every((m) => m.user !== null);
  const blended = await runBlendScript(plan, harness, usable, withUser, deps, options.signal);
  log.block('blend script output:', blended.execution.stdout);
  return finishRun(
    { plan, harness, deps, options, state },
    blendOutcome(blended, harness, usable, withUser, log),
  );
}

/** Each member's result.json and prediction files, checked again against this plan's rows; at least two. */
async function usableMembers(
  members: { label: string; dir: string }[],
  harness: Harness,
  log: RunLog,
): Promise<UsableMember[]> {
  const usable: UsableMember[] = [];
  const skipped: string[] = [];
  for (const member of members) {
    const text = await readIfThere(join(member.dir, ARTIFACT_NAMES.result));
    const parsed = text ? runResultSchema.safeParse(parseJson(text.toString('utf8'))) : null;
    if (!parsed?.success) {
      skipped.push(`${member.label} (no readable ${ARTIFACT_NAMES.result})`);
      continue;
    }
    const result = parsed.data;
    if (!result.ok || result.score === null) {
      skipped.push(`${member.label} (it did not finish with a score)`);
      continue;
    }
    const oof = await readIfThere(join(member.dir, ARTIFACT_NAMES.oofPredictions));
    const test = await readIfThere(join(member.dir, ARTIFACT_NAMES.testPredictions));
    const problem = harness.checkOofPredictions(oof) ?? harness.checkTestPredictions(test);
    if (problem) {
      skipped.push(`${member.label} (${problem})`);
      continue;
    }
    const user = await readIfThere(join(member.dir, ARTIFACT_NAMES.userTestPredictions));
    usable.push({
      label: member.label,
      result,
      oof: oof!,
      test: test!,
      user: user && harness.checkUserPredictions(user) === null ? user : null,
    });
  }
  for (const line of skipped) log.line(`not blended: ${line}`);
  if (usable.length < MIN_BLEND_MEMBERS) {
    throw new LinguacodusError(
      'bad_input',
      `A blend needs at least ${MIN_BLEND_MEMBERS} finished runs with prediction files; ${usable.length === 0 ? 'none has' : `only ${usable[0]!.label} has`} them${skipped.length ? ` (not usable: ${skipped.join('; ')})` : ''}.`,
    );
  }
  return usable;
}

interface BlendExecution {
  execution: Execution;
  /** The checked holdout submission, or null when `error` says why there is none. */
  holdoutSubmission: Buffer | null;
  error: string | null;
  fitted: z.infer<typeof weightsSchema> | null;
}

/** The harness's blend script in the sandbox on the training file and the members' prediction files. */
async function runBlendScript(
  { task, profile }: BlendPlan,
  harness: Harness,
  usable: UsableMember[],
  withUser: boolean,
  deps: RunDeps,
  signal: AbortSignal | undefined,
): Promise<BlendExecution> {
  const spec = {
    metric: task.metric,
    higher_is_better: METRICS[task.metric].higherIsBetter,
    target_type: profile.target.type,
    targets: task.targets,
    id: task.idColumn,
    classes: profile.target.classes?.map((c) => c.value) ?? [],
    positive: positiveClass(profile),
    prediction_columns: predictionColumns(task, profile),
    submission_columns: submissionColumns(task, profile),
    probability_output: PROBABILITY_METRICS.has(task.metric),
    members: usable.map((m, i) => ({
      label: m.label,
      oof: `member_${i}_oof.csv`,
      test: `member_${i}_test.csv`,
      ...(withUser ? { user: `member_${i}_user.csv` } : {}),
    })),
  };
  const train = harness.runFiles.find((f) => f.path === TRAIN_FILE);
  if (!train) throw new LinguacodusError('internal', 'The harness gave no training file to blend on.');
  const files: SandboxFile[] = [
    train,
    { path: 'blend_spec.json', content: JSON.stringify(spec, null, 1) },
    { path: SCRIPT_FILE, content: blendScript() },
    ...usable.flatMap((m, i) => [
      { path: `member_${i}_oof.csv`, content: m.oof },
      { path: `member_${i}_test.csv`, content: m.test },
      ...(withUser && m.user ? [{ path: `member_${i}_user.csv`, content: m.user }] : []),
    ]),
  ];
  const execution = await deps.sandbox.execute({
    files,
    entry: SCRIPT_FILE,
    collect: [
      SUBMISSION_FILE,
      USER_SUBMISSION_FILE,
      WEIGHTS_FILE,
      ARTIFACT_NAMES.oofPredictions,
      ARTIFACT_NAMES.testPredictions,
      ARTIFACT_NAMES.userTestPredictions,
    ],
    limits: deps.sandboxLimits,
    signal,
  });
  throwIfCancelled(signal, 'run');
  const holdoutSubmission = collected(execution, SUBMISSION_FILE);
  const weightsBytes = collected(execution, WEIGHTS_FILE);
  const weights = weightsBytes ? weightsSchema.safeParse(parseJson(weightsBytes.toString('utf8'))) : null;
  const fitted = weights?.success ? weights.data : null;
  const error =
    execution.exitCode !== 0
      ? `The blend script failed (exit ${execution.exitCode}${execution.timedOut ? ', timed out' : ''}): ${execution.stderr.trim().split('\n').slice(-3).join('\n')}`
      : (harness.checkHoldoutSubmission(holdoutSubmission) ??
        (fitted ? null : `The blend script wrote no readable ${WEIGHTS_FILE}.`));
  return { execution, holdoutSubmission: error === null ? holdoutSubmission : null, error, fitted };
}

/** The blend as a finished script: its weights as the change, its members, its prediction files and code. */
function blendOutcome(
  { execution, holdoutSubmission, error, fitted }: BlendExecution,
  harness: Harness,
  usable: UsableMember[],
  withUser: boolean,
  log: RunLog,
): FinishedScript {
  const members = usable.map((m, i) => ({
    label: m.label,
    weight: fitted ? Number((fitted.weights[i] ?? 0).toFixed(4)) : 0,
    score: m.result.score,
  }));
  const scored = holdoutSubmission !== null && fitted !== null;
  const change = scored
    ? `weights: ${members
        .filter((m) => m.weight > 0)
        .map((m) => `${m.label} ${Number(m.weight.toFixed(2))}`)
        .join(', ')}`
    : null;
  if (scored) {
    log.line(
      `${change} (fitted on ${fitted.fitted_rows} training rows' out-of-fold predictions${fitted.fit_metric ? `, by ${fitted.fit_metric}` : ''})`,
    );
    if (fitted.beats_best_member === false) {
      log.line(
        `the blend's out-of-fold ${fitted.blend_oof_score} does not beat its best member's: not offered as the pick`,
      );
    }
  }
  const oof = collected(execution, ARTIFACT_NAMES.oofPredictions);
  const test = collected(execution, ARTIFACT_NAMES.testPredictions);
  const code = `# Blend of ${members.map((m) => m.label).join(', ')}${change ? `: ${change}` : ''}\n# weights fitted on the members' out-of-fold predictions only (blend_spec.json lists the files)\n${blendScript()}`;
  const attempt: Attempt = {
    n: 1,
    code: blendScript(),
    ok: error === null,
    exitCode: execution.exitCode,
    timedOut: execution.timedOut,
    oomKilled: execution.oomKilled,
    stdoutTail: execution.stdout.slice(-4000),
    stderrTail: execution.stderr.slice(-4000),
    error,
    durationMs: execution.durationMs,
  };
  return {
    kind: 'blend',
    choice: null,
    change,
    blend: { members },
    stages: [],
    code,
    attempts: [attempt],
    holdoutSubmission: scored ? holdoutSubmission : null,
    error,
    cvScore: scored ? fitted.blend_oof_score : null,
    outcomeLines: scored
      ? members.map((m) => `member ${m.label}: weight ${m.weight}, holdout ${m.score}`)
      : [`no blend: ${error}`],
    predictions: scored && oof && test ? { oof, test } : null,
    importanceChart: null,
    userTest: async () => {
      const user = collected(execution, USER_SUBMISSION_FILE);
      const problem = withUser
        ? harness.checkUserSubmission(user)
        : 'not every member has predictions for the test file';
      return problem || !user
        ? { problem: problem ?? 'no submission' }
        : { submission: user, predictions: collected(execution, ARTIFACT_NAMES.userTestPredictions) };
    },
    notebook: null,
  };
}
