// The holdout protocol: seeded splits of each kind, hidden labels, files for the code, scoring and baselines.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import {
  baselineScore,
  prepareUnlabelled,
  scoreSubmission,
  scoreSubmissionTable,
  seededRandom,
  splitHoldout,
  writeHoldoutFiles,
} from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, profileTable, readCsv, type Table } from '../../core/intake/index.ts';
import { type TaskSpec, taskSpecSchema } from '../../core/types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-holdout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 100 rows: a time stamp (shuffled in the file), a group, a feature, a leaking column, a class and a number. */
function data(): Table {
  const random = seededRandom(5);
  const rows = Array.from({ length: 100 }, (_, i) => {
    const day = new Date(Date.UTC(2022, 0, 1 + ((i * 37) % 100))).toISOString().slice(0, 10);
    return [
      day,
      `g${i % 10}`,
      String(Math.round(random() * 100)),
      'leak',
      i % 5 === 0 ? 'rare' : 'common',
      i === 3 ? null : String(i * 1.5),
    ];
  });
  return { columns: ['date', 'group', 'x', 'leaky', 'label', 'y'], rows };
}

function spec(overrides: Partial<TaskSpec> & Pick<TaskSpec, 'targets' | 'metric' | 'split'>): TaskSpec {
  return taskSpecSchema.parse({
    description: 'test task',
    dataType: 'tabular',
    idColumn: 'row_id',
    idAdded: true,
    trainFile: '/nowhere/train.csv',
    drop: ['leaky'],
    ...overrides,
  });
}

const regression = spec({
  targets: ['y'],
  metric: 'rmse',
  split: { kind: 'random', testFraction: 0.2, seed: 42 },
});
const regressionProfile = profileTable(data(), { targets: ['y'] });
const col = (t: Table, name: string) => t.rows.map((r) => r[t.columns.indexOf(name)]);

describe('splitHoldout', () => {
  it('adds row_id, drops leaking columns, hides the target and keeps labels aside', () => {
    const split = splitHoldout(data(), regression, regressionProfile);
    expect(split.train.columns).toEqual(['row_id', 'date', 'group', 'x', 'label', 'y']);
    expect(split.test.columns).toEqual(['row_id', 'date', 'group', 'x', 'label']);
    expect(split.labels.columns).toEqual(['row_id', 'y']);
    expect(col(split.test, 'row_id')).toEqual(col(split.labels, 'row_id'));
    // The row with a missing target is neither trained on nor scored.
    expect([...col(split.train, 'row_id'), ...col(split.test, 'row_id')]).not.toContain('3');
    expect(split.train.rows.length + split.test.rows.length).toBe(99);
    expect(split.test.rows).toHaveLength(20);
    const trainIds = new Set(col(split.train, 'row_id'));
    expect(col(split.test, 'row_id').some((id) => trainIds.has(id))).toBe(false);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = col(splitHoldout(data(), regression, regressionProfile).labels, 'row_id');
    const b = col(splitHoldout(data(), regression, regressionProfile).labels, 'row_id');
    const other = spec({ ...regression, split: { ...regression.split, seed: 7 } });
    const c = col(splitHoldout(data(), other, regressionProfile).labels, 'row_id');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('stratified keeps the class balance', () => {
    const s = spec({
      targets: ['label'],
      metric: 'accuracy',
      split: { kind: 'stratified', testFraction: 0.25, seed: 42 },
    });
    const split = splitHoldout(data(), s, profileTable(data(), { targets: ['label'] }));
    const labels = col(split.labels, 'label');
    expect(labels.filter((l) => l === 'rare')).toHaveLength(5);
    expect(labels.filter((l) => l === 'common')).toHaveLength(20);
  });

  it('stratified on a numeric target is a random split', () => {
    const s = spec({ ...regression, split: { kind: 'stratified', testFraction: 0.2, seed: 42 } });
    expect(col(splitHoldout(data(), s, regressionProfile).labels, 'row_id')).toEqual(
      col(splitHoldout(data(), regression, regressionProfile).labels, 'row_id'),
    );
  });

  it('by group never puts one group on both sides', () => {
    const s = spec({ ...regression, split: { kind: 'group', column: 'group', testFraction: 0.3, seed: 42 } });
    const split = splitHoldout(data(), s, regressionProfile);
    const testGroups = new Set(col(split.test, 'group'));
    expect(testGroups.size).toBe(3);
    expect(col(split.train, 'group').some((g) => testGroups.has(g))).toBe(false);
  });

  it('by time holds out the latest rows, by a column or in file order', () => {
    const byDate = spec({
      ...regression,
      split: { kind: 'time', column: 'date', testFraction: 0.1, seed: 42 },
    });
    const split = splitHoldout(data(), byDate, regressionProfile);
    const latestTrain = col(split.train, 'date').sort().at(-1)!;
    expect(col(split.test, 'date').every((d) => d! > latestTrain)).toBe(true);
    expect(col(split.test, 'date')).toEqual([...col(split.test, 'date')].sort());
    const fileOrder = spec({ ...regression, split: { kind: 'time', testFraction: 0.1, seed: 42 } });
    expect(col(splitHoldout(data(), fileOrder, regressionProfile).labels, 'row_id')).toEqual([
      '90',
      '91',
      '92',
      '93',
      '94',
      '95',
      '96',
      '97',
      '98',
      '99',
    ]);
  });

  it('refuses data with fewer than two labelled rows', () => {
    const table: Table = {
      columns: ['x', 'y'],
      rows: [
        ['1', '2'],
        ['2', null],
      ],
    };
    expect(() => splitHoldout(table, regression, profileTable(table, { targets: ['y'] }))).toThrow(
      LinguacodusError,
    );
  });
});

describe('files and scoring', () => {
  it('writes train.csv and test.csv only, and scores a submission file', async () => {
    const split = splitHoldout(data(), regression, regressionProfile);
    const work = join(dir, 'work');
    const paths = await writeHoldoutFiles(work, split);
    expect(paths).toEqual({ train: join(work, 'train.csv'), test: join(work, 'test.csv') });
    const test = await readCsv(paths.test, DEFAULT_INTAKE_LIMITS);
    expect(test.columns).not.toContain('y');
    expect(await readFile(paths.train, 'utf8')).toContain('row_id,date,group,x,label,y');

    // Every prediction off by exactly 2: RMSE 2, whatever the rows.
    const lines = ['row_id,y', ...split.labels.rows.map(([id, y]) => `${id},${Number(y) + 2}`)];
    const submission = join(work, 'submission.csv');
    await writeFile(submission, lines.join('\n'));
    const scored = await scoreSubmission(submission, split.labels, regression, regressionProfile);
    expect(scored.metric).toBe('rmse');
    expect(scored.higherIsBetter).toBe(false);
    expect(scored.score).toBeCloseTo(2, 12);
  });

  it('an unreadable submission is a bad_submission', async () => {
    const split = splitHoldout(data(), regression, regressionProfile);
    const path = join(dir, 'broken.csv');
    await writeFile(path, 'row_id,y\n1,"open\n');
    const error = await scoreSubmission(path, split.labels, regression, regressionProfile).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LinguacodusError);
    expect((error as LinguacodusError).code).toBe('bad_submission');
    expect((error as Error).message).toContain('unterminated quote');
  });

  it('scores probabilities for ROC AUC, with the positive class chosen by the contract', () => {
    const s = spec({
      targets: ['label'],
      metric: 'roc-auc',
      split: { kind: 'stratified', testFraction: 0.25, seed: 42 },
    });
    const profile = profileTable(data(), { targets: ['label'] });
    const split = splitHoldout(data(), s, profile);
    // "rare" is the minority class, hence the positive one; a perfect ranking scores 1, a reversed one 0.
    const rows = split.labels.rows.map(([id, label]) => [id!, label === 'rare' ? '0.9' : '0.1']);
    expect(scoreSubmissionTable({ columns: ['row_id', 'label'], rows }, split.labels, s, profile).score).toBe(
      1,
    );
    const reversed = rows.map(([id, p]) => [id!, String(1 - Number(p))]);
    expect(
      scoreSubmissionTable({ columns: ['row_id', 'label'], rows: reversed }, split.labels, s, profile).score,
    ).toBe(0);
  });
});

describe('baselineScore', () => {
  it('predicts the training mean for regression', () => {
    const split = splitHoldout(data(), regression, regressionProfile);
    const ys = col(split.train, 'y').map(Number);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const truth = col(split.labels, 'y').map(Number);
    const rmse = Math.sqrt(truth.reduce((a, t) => a + (t - mean) ** 2, 0) / truth.length);
    const baseline = baselineScore(split.train, split.labels, regression, regressionProfile);
    expect(baseline.name).toBe('mean of the training target');
    expect(baseline.score).toBeCloseTo(rmse, 9);
  });

  it('predicts the majority class for accuracy and the prior for ROC AUC', () => {
    const profile = profileTable(data(), { targets: ['label'] });
    const accuracy = spec({
      targets: ['label'],
      metric: 'accuracy',
      split: { kind: 'stratified', testFraction: 0.25, seed: 42 },
    });
    const split = splitHoldout(data(), accuracy, profile);
    expect(baselineScore(split.train, split.labels, accuracy, profile)).toEqual({
      name: 'majority class (common)',
      score: 0.8,
    });
    const auc = spec({ ...accuracy, metric: 'roc-auc' });
    expect(baselineScore(split.train, split.labels, auc, profile)).toEqual({
      name: 'class prior',
      score: 0.5,
    });
  });
});

describe('prepareUnlabelled', () => {
  it('numbers the rows and removes leaking and target columns from a user test file', () => {
    const table: Table = {
      columns: ['x', 'leaky', 'y'],
      rows: [
        ['1', 'a', null],
        ['2', 'b', null],
      ],
    };
    expect(prepareUnlabelled(table, regression)).toEqual({
      columns: ['row_id', 'x'],
      rows: [
        ['0', '1'],
        ['1', '2'],
      ],
    });
  });
});
