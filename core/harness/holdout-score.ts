// Scoring on the holdout: the harness checks what the generated code wrote, scores it against the held-out labels
// with the task's metric, and scores a plain baseline on the same rows for comparison.
import { LinguacodusError } from '../errors.ts';
import { DEFAULT_INTAKE_LIMITS, readCsv, type Table } from '../intake/index.ts';
import type { DataProfile, MetricName, TaskSpec } from '../types.ts';
import { positiveClass, SUBMISSION_FILE } from './harness-contract.ts';
import { columnIndex } from './holdout-split.ts';
import { METRICS } from './metrics.ts';
import { canonicalLabel, checkSubmission, type SubmissionPredictions } from './submission-check.ts';

export interface HoldoutScore {
  score: number;
  metric: MetricName;
  higherIsBetter: boolean;
}

/** The true values of the held-out rows in the shape the metric scores. */
function truthOf(labels: Table, spec: TaskSpec, profile: DataProfile) {
  const classes = profile.target.classes?.map((c) => c.value) ?? [];
  const targetCols = spec.targets.map((t) => columnIndex(labels, t));
  return {
    numbers: labels.rows.map((row) => targetCols.map((i) => Number(row[i]))),
    labels: labels.rows.map((row) => {
      const v = row[targetCols[0]!]!;
      return canonicalLabel(v, classes) ?? v;
    }),
  };
}

/** Scores checked predictions against the held-out labels with the task's metric. */
function scorePredictions(
  predictions: SubmissionPredictions,
  labels: Table,
  spec: TaskSpec,
  profile: DataProfile,
): HoldoutScore {
  const metric = METRICS[spec.metric];
  const truth = truthOf(labels, spec, profile);
  let score: number;
  if (metric.kind === 'regression' && predictions.kind === 'regression') {
    score = metric.score(truth.numbers, predictions.values);
  } else if (metric.kind === 'label' && predictions.kind === 'label') {
    score = metric.score(truth.labels, predictions.labels, positiveClass(profile) ?? undefined);
  } else if (metric.kind === 'probability' && predictions.kind === 'probability') {
    score = metric.score(truth.labels, predictions.values, predictions.classes);
  } else {
    throw new LinguacodusError('internal', `${metric.name} cannot score ${predictions.kind} predictions.`);
  }
  return { score, metric: metric.name, higherIsBetter: metric.higherIsBetter };
}

/** Checks and scores a parsed submission table. */
export function scoreSubmissionTable(
  submission: Table,
  labels: Table,
  spec: TaskSpec,
  profile: DataProfile,
): HoldoutScore {
  const ids = labels.rows.map((row) => row[0]!);
  return scorePredictions(checkSubmission(submission, ids, spec, profile), labels, spec, profile);
}

/** Reads submission.csv from disk, checks it and scores it; an unreadable file is a `bad_submission`. */
export async function scoreSubmission(
  submissionPath: string,
  labels: Table,
  spec: TaskSpec,
  profile: DataProfile,
): Promise<HoldoutScore> {
  let table: Table;
  try {
    table = await readCsv(submissionPath, {
      ...DEFAULT_INTAKE_LIMITS,
      maxRows: Math.max(labels.rows.length * 2, 1000),
    });
  } catch (error) {
    const reason = error instanceof LinguacodusError ? error.message : String(error);
    throw new LinguacodusError('bad_submission', `${SUBMISSION_FILE} could not be read: ${reason}`, {
      cause: error,
    });
  }
  return scoreSubmissionTable(table, labels, spec, profile);
}

/** A plain baseline on the same holdout: the training mean (regression), majority class or class prior. */
export function baselineScore(
  train: Table,
  labels: Table,
  spec: TaskSpec,
  profile: DataProfile,
): { name: string; score: number } {
  const metric = METRICS[spec.metric];
  const ids = labels.rows.map((row) => row[0]!);
  if (metric.kind === 'regression') {
    const means = spec.targets.map((t) => {
      const i = columnIndex(train, t);
      const values = train.rows.map((row) => Number(row[i])).filter(Number.isFinite);
      return values.reduce((a, b) => a + b, 0) / values.length;
    });
    const values = ids.map(() => [...means]);
    const { score } = scorePredictions(
      { kind: 'regression', ids, columns: spec.targets, values },
      labels,
      spec,
      profile,
    );
    return { name: 'mean of the training target', score };
  }
  const classes = profile.target.classes?.map((c) => c.value) ?? [];
  const target = columnIndex(train, spec.targets[0]!);
  const counts = new Map<string, number>(classes.map((c) => [c, 0]));
  for (const row of train.rows) {
    const v = row[target];
    if (v === null || v === undefined) continue;
    const c = canonicalLabel(v, classes) ?? v;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (metric.kind === 'label') {
    const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const { score } = scorePredictions(
      { kind: 'label', ids, column: spec.targets[0]!, labels: ids.map(() => majority) },
      labels,
      spec,
      profile,
    );
    return { name: `majority class (${majority})`, score };
  }
  const scored = profile.target.type === 'binary' ? [positiveClass(profile) ?? classes[0]!] : classes;
  const prior = scored.map((c) => (counts.get(c) ?? 0) / total);
  const { score } = scorePredictions(
    { kind: 'probability', ids, classes: scored, values: ids.map(() => [...prior]) },
    labels,
    spec,
    profile,
  );
  return { name: 'class prior', score };
}
