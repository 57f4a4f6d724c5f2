// The holdout protocol: the harness splits the labelled rows, hides the held-out labels, and scores what comes back.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import {
  DEFAULT_INTAKE_LIMITS,
  isNumberString,
  looksLikeDate,
  readCsv,
  type Table,
  writeCsv,
} from '../intake/index.ts';
import type { DataProfile, MetricName, TaskSpec } from '../types.ts';
import { positiveClass, SUBMISSION_FILE, TEST_FILE, TRAIN_FILE } from './harness-contract.ts';
import { METRICS } from './metrics.ts';
import { canonicalLabel, checkSubmission, type SubmissionPredictions } from './submission-check.ts';

export interface HoldoutSplit {
  /** Labelled rows the generated code learns from (id, features, targets). */
  train: Table;
  /** Held-out rows without the target(s). */
  test: Table;
  /** The id and target(s) of the held-out rows, in the order of `test`; never given to generated code. */
  labels: Table;
}

export interface HoldoutScore {
  score: number;
  metric: MetricName;
  higherIsBetter: boolean;
}

/** A seeded generator (mulberry32): the same seed gives the same split on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function column(table: Table, name: string): number {
  const index = table.columns.indexOf(name);
  if (index === -1) {
    throw new LinguacodusError('bad_input', `The column "${name}" is not in the data.`);
  }
  return index;
}

/** Adds the harness's id column (0, 1, 2, ... in file order) first, when the task says the data has none. */
export function withIdColumn(table: Table, spec: TaskSpec): Table {
  if (!spec.idAdded || table.columns.includes(spec.idColumn)) return table;
  return {
    columns: [spec.idColumn, ...table.columns],
    rows: table.rows.map((row, i) => [String(i), ...row]),
  };
}

/** A user's unlabelled file as the generated code sees it: the id column added, leaking and target columns removed. */
export function prepareUnlabelled(table: Table, spec: TaskSpec): Table {
  const withId = withIdColumn(table, spec);
  const hidden = new Set([...spec.drop, ...spec.targets]);
  return selectColumns(
    withId,
    withId.columns.filter((c) => !hidden.has(c)),
  );
}

function selectColumns(table: Table, columns: string[], rows?: number[]): Table {
  const indexes = columns.map((c) => column(table, c));
  const source = rows ? rows.map((r) => table.rows[r]!) : table.rows;
  return { columns, rows: source.map((row) => indexes.map((i) => row[i] ?? null)) };
}

function testCount(n: number, fraction: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

/** Sort key for a time column: numbers by value, dates by time, anything else as text. */
function timeOrder(values: (string | null)[]): number[] {
  const present = values.filter((v): v is string => v !== null);
  const numeric = present.every(isNumberString);
  const dates =
    !numeric && present.every(looksLikeDate) && present.every((v) => !Number.isNaN(Date.parse(v)));
  const order = values.map((_, i) => i);
  const key = (v: string | null): number | string =>
    v === null ? Number.NEGATIVE_INFINITY : numeric ? Number(v) : dates ? Date.parse(v) : v;
  const keys = values.map(key);
  // Array.prototype.sort is stable, so equal times keep file order.
  return order.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  });
}

/** Which of the labelled rows (indexes into `rows`) are held out. */
function heldOut(table: Table, labelled: number[], spec: TaskSpec, profile: DataProfile): number[] {
  const { split } = spec;
  const random = seededRandom(split.seed);
  const n = labelled.length;
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  // Stratifying a numeric target by its raw values would leave most rows unsplittable; it is a random split then.
  const kind = split.kind === 'stratified' && !classification ? 'random' : split.kind;
  switch (kind) {
    case 'random':
      return shuffle(labelled, random).slice(0, testCount(n, split.testFraction));
    case 'stratified': {
      const target = column(table, spec.targets[0]!);
      const byClass = new Map<string, number[]>();
      for (const r of labelled) {
        const v = table.rows[r]![target]!;
        const list = byClass.get(v) ?? [];
        list.push(r);
        byClass.set(v, list);
      }
      const out: number[] = [];
      // Class order follows the profile (most frequent first) so the draw does not depend on Map insertion order.
      const order = [...byClass.keys()].sort(
        (a, b) => byClass.get(b)!.length - byClass.get(a)!.length || (a < b ? -1 : 1),
      );
      for (const value of order) {
        const rows = byClass.get(value)!;
        // Every class keeps at least one training row; a class with one row stays in training.
        const take =
          rows.length < 2
            ? 0
            : Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * split.testFraction)));
        out.push(...shuffle(rows, random).slice(0, take));
      }
      if (out.length === 0) return shuffle(labelled, random).slice(0, testCount(n, split.testFraction));
      return out;
    }
    case 'group': {
      if (!split.column) throw new LinguacodusError('bad_input', 'A group split needs the group column.');
      const g = column(table, split.column);
      const byGroup = new Map<string, number[]>();
      for (const r of labelled) {
        const v = table.rows[r]![g] ?? '';
        const list = byGroup.get(v) ?? [];
        list.push(r);
        byGroup.set(v, list);
      }
      if (byGroup.size < 2) {
        throw new LinguacodusError(
          'bad_input',
          `A split by \`${split.column}\` needs at least two groups; the data has ${byGroup.size}.`,
        );
      }
      const groups = shuffle([...byGroup.keys()].sort(), random);
      const want = testCount(n, split.testFraction);
      const out: number[] = [];
      for (const group of groups.slice(0, -1)) {
        if (out.length >= want) break;
        const rows = byGroup.get(group)!;
        // Stop short when one more group would overshoot the fraction by more than stopping undershoots it.
        if (out.length > 0 && out.length + rows.length - want > want - out.length) break;
        out.push(...rows);
      }
      return out;
    }
    case 'time': {
      const ordered = split.column
        ? timeOrder(labelled.map((r) => table.rows[r]![column(table, split.column!)] ?? null)).map(
            (k) => labelled[k]!,
          )
        : labelled;
      return ordered.slice(n - testCount(n, split.testFraction));
    }
  }
  // Unreachable with a valid spec; kept so a new split kind fails loudly rather than silently.
  throw new LinguacodusError('internal', `Unknown split kind in ${JSON.stringify(split)}.`);
}

/**
 * Splits the labelled rows as the task says (seeded). Rows with a missing target are neither trained on nor scored.
 * `train` keeps the targets; `test` has them removed; `labels` holds id + targets of the held-out rows.
 */
export function splitHoldout(table: Table, spec: TaskSpec, profile: DataProfile): HoldoutSplit {
  const data = withIdColumn(table, spec);
  const targetIndexes = spec.targets.map((t) => column(data, t));
  const labelled: number[] = [];
  data.rows.forEach((row, r) => {
    if (targetIndexes.every((i) => row[i] !== null && row[i] !== undefined)) labelled.push(r);
  });
  if (labelled.length < 2) {
    throw new LinguacodusError(
      'bad_input',
      `Only ${labelled.length} row(s) have a value for ${spec.targets.join(', ')}; I need at least two labelled rows to hold some out.`,
    );
  }
  const test = heldOut(data, labelled, spec, profile);
  const inTest = new Set(test);
  // Time splits keep the held-out rows in time order; the others keep file order.
  const testRows = spec.split.kind === 'time' ? test : [...test].sort((a, b) => a - b);
  const trainRows = labelled.filter((r) => !inTest.has(r));

  const hidden = new Set(spec.drop.filter((c) => c !== spec.idColumn));
  const visible = data.columns.filter((c) => !hidden.has(c));
  const targets = new Set(spec.targets);
  return {
    train: selectColumns(data, visible, trainRows),
    test: selectColumns(
      data,
      visible.filter((c) => !targets.has(c)),
      testRows,
    ),
    labels: selectColumns(data, [spec.idColumn, ...spec.targets], testRows),
  };
}

/** Writes train.csv and test.csv (never the labels) into the work folder the generated code runs in. */
export async function writeHoldoutFiles(
  dir: string,
  split: Pick<HoldoutSplit, 'train' | 'test'>,
): Promise<{ train: string; test: string }> {
  await mkdir(dir, { recursive: true });
  const train = join(dir, TRAIN_FILE);
  const test = join(dir, TEST_FILE);
  await writeCsv(train, split.train);
  await writeCsv(test, split.test);
  return { train, test };
}

/** The true values of the held-out rows in the shape the metric scores. */
function truthOf(labels: Table, spec: TaskSpec, profile: DataProfile) {
  const classes = profile.target.classes?.map((c) => c.value) ?? [];
  const targetCols = spec.targets.map((t) => column(labels, t));
  return {
    numbers: labels.rows.map((row) => targetCols.map((i) => Number(row[i]))),
    labels: labels.rows.map((row) => {
      const v = row[targetCols[0]!]!;
      return canonicalLabel(v, classes) ?? v;
    }),
  };
}

/** Scores checked predictions against the held-out labels with the task's metric. */
export function scorePredictions(
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
      const i = column(train, t);
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
  const target = column(train, spec.targets[0]!);
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

/** Where the generated code must leave its submission, for callers that only know the work folder. */
export const submissionPath = (dir: string) => join(dir, SUBMISSION_FILE);
