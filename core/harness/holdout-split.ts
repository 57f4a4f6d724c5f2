// The holdout split: the harness holds out labelled rows as the task says (seeded), and gives the generated code
// the training part and the held-out rows without their labels.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import { isNumberString, looksLikeDate, type Table } from '../intake/index.ts';
import type { DataProfile, TaskSpec } from '../types.ts';
import { writeCsv } from './csv-writer.ts';
import { TEST_FILE, TRAIN_FILE } from './harness-contract.ts';

export interface HoldoutSplit {
  /** Labelled rows the generated code learns from (id, features, targets). */
  train: Table;
  /** Held-out rows without the target(s). */
  test: Table;
  /** The id and target(s) of the held-out rows, in the order of `test`; never given to generated code. */
  labels: Table;
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

/** The index of a column the task names; a missing one is the user's to fix. */
export function columnIndex(table: Table, name: string): number {
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
  const indexes = columns.map((c) => columnIndex(table, c));
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
      const target = columnIndex(table, spec.targets[0]!);
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
      const g = columnIndex(table, split.column);
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
        ? timeOrder(labelled.map((r) => table.rows[r]![columnIndex(table, split.column!)] ?? null)).map(
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
  const targetIndexes = spec.targets.map((t) => columnIndex(data, t));
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
