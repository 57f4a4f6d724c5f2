// Blend: finished runs' predictions combined with non-negative weights summing to 1, fitted on their out-of-fold
// predictions (core/harness/blend.py, in the sandbox), and scored by the harness on the same held-out rows as any run.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SandboxFile } from '../../sandbox/types.ts';
import { LinguacodusError } from '../errors.ts';
import {
  chartSpec,
  collected,
  drawHoldoutChart,
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
import { type Attempt, type Plan, type RunResult, runResultSchema } from '../types.ts';

/** What a blend reads of its plan: the task, its data profile and the plan's id (for the log and result). */
export type BlendPlan = Pick<Plan, 'id' | 'task' | 'profile'>;

import { ARTIFACT_NAMES, writeArtifacts, writeResult } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';
import { newRunState, type RunDeps, type RunOptions, round } from './run-plan.ts';

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
  const { task, profile } = plan;
  const { signal } = options;
  const state = newRunState(deps);
  const { log } = state;
  const metric = METRICS[task.metric];
  const harness = await prepareHarness(task, profile, deps.intakeLimits);
  log.line(`plan ${plan.id}: blend of ${members.map((m) => m.label).join(', ')}`);

  // Each member's result.json and prediction files, checked again against this plan's rows.
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

  const withUser = harness.userTestFiles !== null && usable.every((m) => m.user !== null);
  const spec = {
    metric: task.metric,
    higher_is_better: metric.higherIsBetter,
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
  let error: string | null =
    execution.exitCode !== 0
      ? `The blend script failed (exit ${execution.exitCode}${execution.timedOut ? ', timed out' : ''}): ${execution.stderr.trim().split('\n').slice(-3).join('\n')}`
      : harness.checkHoldoutSubmission(holdoutSubmission);
  const weightsBytes = collected(execution, WEIGHTS_FILE);
  const weights = weightsBytes ? weightsSchema.safeParse(parseJson(weightsBytes.toString('utf8'))) : null;
  if (!error && !weights?.success) error = `The blend script wrote no readable ${WEIGHTS_FILE}.`;
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
  log.block('blend script output:', execution.stdout);

  let score: number | null = null;
  let chart: Buffer | null = null;
  let submission: Buffer | null = null;
  let change: string | null = null;
  let cvScore: number | null = null;
  const fitted = weights?.success ? weights.data : null;
  const blendMembers = usable.map((m, i) => ({
    label: m.label,
    weight: fitted ? Number((fitted.weights[i] ?? 0).toFixed(4)) : 0,
    score: m.result.score,
  }));
  const baseline = harness.baseline();
  if (error === null && holdoutSubmission && fitted) {
    change = `weights: ${blendMembers
      .filter((m) => m.weight > 0)
      .map((m) => `${m.label} ${Number(m.weight.toFixed(2))}`)
      .join(', ')}`;
    cvScore = fitted.blend_oof_score;
    log.line(`${change} (fitted on ${fitted.fitted_rows} training rows' out-of-fold predictions)`);
    score = harness.score(holdoutSubmission);
    options.onProgress?.({ type: 'score', metric: task.metric, score });
    log.line(
      `holdout ${task.metric}: ${round(score)} (scored by the harness on ${harness.heldOutRows} held-out rows)`,
    );
    for (const m of blendMembers) log.line(`member ${m.label}: weight ${m.weight}, holdout ${m.score}`);
    const drawn = await drawHoldoutChart(
      deps.sandbox,
      chartSpec(task, profile),
      harness.truthCsv,
      holdoutSubmission,
      signal,
    );
    chart = drawn.png;
    if (drawn.problem) log.line(`holdout chart not drawn (${drawn.problem})`);
    if (harness.userTestFiles) {
      const user = collected(execution, USER_SUBMISSION_FILE);
      const problem = withUser
        ? harness.checkUserSubmission(user)
        : 'not every member has predictions for the test file';
      if (problem) {
        error = `Scored on the holdout, but no submission for the test file: ${problem}`;
        log.line(error);
      } else submission = user;
    } else {
      submission = holdoutSubmission;
    }
  } else {
    log.line(`no blend: ${error}`);
  }

  const code = `# Blend of ${blendMembers.map((m) => m.label).join(', ')}${change ? `: ${change}` : ''}\n# weights fitted on the members' out-of-fold predictions only (blend_spec.json lists the files)\n${blendScript()}`;
  const artifacts = await writeArtifacts(options.outDir, {
    code,
    notebook: null,
    chart,
    submission,
    log: log.toString(),
    oofPredictions: score !== null ? collected(execution, ARTIFACT_NAMES.oofPredictions) : null,
    testPredictions: score !== null ? collected(execution, ARTIFACT_NAMES.testPredictions) : null,
    userTestPredictions:
      submission && withUser ? collected(execution, ARTIFACT_NAMES.userTestPredictions) : null,
  });
  const result = runResultSchema.parse({
    planId: plan.id,
    choice: null,
    kind: 'blend',
    change,
    blend: { members: blendMembers },
    ok: score !== null,
    metric: task.metric,
    higherIsBetter: metric.higherIsBetter,
    score,
    cvScore,
    baseline,
    stages: [],
    code,
    attempts: [attempt],
    error,
    artifacts,
    usage: [],
    durationMs: Date.now() - state.started,
  });
  await writeResult(result);
  deps.logger?.info({ kind: 'blend', score, change }, 'blend finished');
  return result;
}
