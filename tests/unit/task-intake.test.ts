// Task intake: what is stated is used, what is missing is inferred from text and data and said to be inferred.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { formatCsv, seededRandom } from '../../core/harness/index.ts';
import { type ColumnFact, DEFAULT_INTAKE_LIMITS, intakeTask, matchColumn } from '../../core/intake/index.ts';
import { decideTargets, rankTargets } from '../../core/intake/rank-targets.ts';
import type { TaskInput } from '../../core/types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-intake-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, columns: string[], rows: (string | null)[][]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, formatCsv({ columns, rows }));
  return path;
}

/** Houses: an id, numeric and categorical features, a numeric price and a yes/no "sold" label. */
async function houses(name = 'houses.csv', n = 200): Promise<string> {
  const r = seededRandom(7);
  const rows = Array.from({ length: n }, (_, i) => {
    const area = Math.round(40 + r() * 160);
    const city = ['Paris', 'Lyon', 'Nice'][i % 3]!;
    return [
      String(1000 + i),
      String(area),
      city,
      String(area * 3100 + Math.round(r() * 5000)),
      r() < 0.3 ? 'yes' : 'no',
    ];
  });
  return csv(name, ['HouseId', 'Square Meters', 'city', 'Sale_Price', 'sold'], rows);
}

async function failure(promise: Promise<unknown>): Promise<LinguacodusError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinguacodusError);
  return error as LinguacodusError;
}

const intake = (input: TaskInput) => intakeTask(input, DEFAULT_INTAKE_LIMITS);

describe('target', () => {
  it('is read from the text, case- and space-insensitively, and said to be inferred', async () => {
    const file = await houses();
    const { spec, profile } = await intake({
      text: 'Predict the sale price of each house from its size.',
      files: [file],
    });
    expect(spec.targets).toEqual(['Sale_Price']);
    expect(profile.target.type).toBe('regression');
    expect(spec.inferred.join(' ')).toContain('`Sale_Price`');
  });

  it('is read after "target:" without quotes', async () => {
    const { spec } = await intake({ text: 'target: sale price. metric: MAE', files: [await houses()] });
    expect(spec.targets).toEqual(['Sale_Price']);
    expect(spec.metric).toBe('mae');
  });

  it('is read from a backticked name', async () => {
    const file = await houses();
    const { spec } = await intake({ text: 'The target is `sold`. Use the other columns.', files: [file] });
    expect(spec.targets).toEqual(['sold']);
  });

  it('is the column missing from the test file', async () => {
    const train = await houses('train.csv');
    const test = await csv(
      'test.csv',
      ['HouseId', 'Square Meters', 'city', 'sold'],
      [['1', '50', 'Paris', 'no']],
    );
    const { spec } = await intake({ text: 'Here is my housing data.', files: [test, train] });
    expect(spec.trainFile).toBe(train);
    expect(spec.testFile).toBe(test);
    expect(spec.targets).toEqual(['Sale_Price']);
    expect(spec.inferred.join(' ')).toContain('missing from test.csv');
  });

  it('a feature missing from the test file is dropped, and a test file without the named id column refused', async () => {
    const train = await houses('train2.csv');
    const test = await csv('test2.csv', ['HouseId', 'Square Meters'], [['1', '50']]);
    const { spec } = await intake({ text: 'predict the sale price', files: [train, test] });
    expect(spec.testFile).toBe(test);
    expect(spec.drop).toEqual(['city', 'sold']);
    expect(spec.inferred.join(' ')).toContain(
      '`city`, `sold` are not in test2.csv, so not used as a feature.',
    );
    const noId = await csv('test3.csv', ['Square Meters', 'city', 'sold'], [['50', 'Nice', 'no']]);
    const numbered = await intake({
      text: 'predict the sale price',
      files: [train],
      overrides: { testFile: noId },
    });
    expect(numbered.spec.idColumn).toBe('row_id');
    const error = await failure(
      intake({
        text: 'predict the sale price',
        files: [train],
        overrides: { testFile: noId, idColumn: 'HouseId' },
      }),
    );
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain('test3.csv has no id column `HouseId`');
  });

  it('is asked for, listing the columns, when nothing names it', async () => {
    const file = await houses();
    const error = await failure(intake({ text: 'Here is some data.', files: [file] }));
    expect(error.code).toBe('no_target');
    expect(error.message).toContain('Which column should I predict?');
    expect(error.message).toContain('HouseId, Square Meters, city, Sale_Price, sold');
  });

  it('an override naming a column that is not there is a no_target error', async () => {
    const file = await houses();
    const error = await failure(intake({ text: '', files: [file], overrides: { target: 'colour' } }));
    expect(error.code).toBe('no_target');
    expect(error.message).toContain('"colour"');
  });

  it('finds several targets joined by "and", and class names standing for a column', () => {
    const fact = (name: string, kind: ColumnFact['kind'], values: string[] = []): ColumnFact => ({
      name,
      kind,
      distinct: values.length || 500,
      values,
      integer: false,
    });
    const pick = (text: string, facts: ColumnFact[]) =>
      decideTargets(
        rankTargets(text, facts, { metric: null, metricWants: null, excluded: new Set() }),
        facts,
        text,
        null,
      );
    const summaries = [
      fact('student_id', 'id'),
      fact('text', 'text'),
      fact('content', 'numeric'),
      fact('wording', 'numeric'),
    ];
    expect(pick('predict its content and wording scores from the text', summaries)).toEqual([
      'content',
      'wording',
    ]);
    const sms = [fact('type', 'categorical', ['ham', 'spam']), fact('text', 'text')];
    expect(pick('predict whether a message is spam from its text', sms)).toEqual(['type']);
    expect(matchColumn(['Machine failure'], 'machine_failure')).toBe('Machine failure');
  });
});

describe('id column', () => {
  it('is a unique id-like column when there is one', async () => {
    const { spec } = await intake({ text: 'predict sold', files: [await houses()] });
    expect(spec.idColumn).toBe('HouseId');
    expect(spec.idAdded).toBe(false);
  });

  it('an override naming a column with repeated values is refused', async () => {
    const error = await failure(
      intake({ text: 'predict sold', files: [await houses()], overrides: { idColumn: 'city' } }),
    );
    expect(error.code).toBe('bad_input');
    expect(error.message).toBe(
      'The id column `city` repeats "Paris" (line 5 of houses.csv); name a column with one distinct value per row, or none and I will number the rows.',
    );
  });

  it('is an added row_id otherwise', async () => {
    const file = await csv(
      'noid.csv',
      ['x', 'y'],
      [
        ['1', '2'],
        ['2', '4'],
        ['3', '6'],
      ],
    );
    const { spec } = await intake({ text: 'predict y', files: [file] });
    expect(spec.idColumn).toBe('row_id');
    expect(spec.idAdded).toBe(true);
    expect(spec.inferred.join(' ')).toContain('row_id');
  });
});

describe('metric', () => {
  it('is read from the text by any common spelling', async () => {
    const file = await houses();
    const { spec } = await intake({
      text: 'predict sale price; scored by mean absolute error',
      files: [file],
    });
    expect(spec.metric).toBe('mae');
    expect(spec.inferred.join(' ')).toContain('MAE, as named in the task');
  });

  it('defaults by target type, saying so', async () => {
    const file = await houses();
    const binary = await intake({ text: 'predict sold', files: [file] });
    expect(binary.spec.metric).toBe('roc-auc');
    expect(binary.spec.inferred.join(' ')).toContain('ROC AUC is the default for a two-class target');
    const regression = await intake({ text: 'predict sale price', files: [file] });
    expect(regression.spec.metric).toBe('rmse');
  });

  it('an unknown override is an unknown_metric error listing the known ones', async () => {
    const error = await failure(
      intake({ text: 'predict sold', files: [await houses()], overrides: { metric: 'vibes' } }),
    );
    expect(error.code).toBe('unknown_metric');
    expect(error.message).toContain('roc-auc');
  });

  it('a classification metric turns a few-valued integer target into classes; a mismatch is refused', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [String(i % 7), String(3 + (i % 20))]);
    const file = await csv('ages.csv', ['shell', 'age'], rows);
    const asClasses = await intake({ text: 'predict age; accuracy', files: [file] });
    expect(asClasses.profile.target.type).toBe('multiclass');
    const error = await failure(intake({ text: 'predict sold, scored with RMSE', files: [await houses()] }));
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain('RMSE does not fit');
  });
});

describe('data type and split', () => {
  it('text when a long free-text column carries the signal', async () => {
    const r = seededRandom(3);
    const words = ['great', 'awful', 'product', 'would', 'buy', 'again', 'never', 'the', 'service', 'was'];
    const rows = Array.from({ length: 80 }, (_, i) => [
      String(i),
      Array.from({ length: 12 }, () => words[Math.floor(r() * words.length)]).join(' '),
      r() < 0.5 ? 'pos' : 'neg',
    ]);
    const { spec } = await intake({
      text: 'predict the sentiment label of each review',
      files: [await csv('reviews.csv', ['id', 'review', 'label'], rows)],
    });
    expect(spec.targets).toEqual(['label']);
    expect(spec.dataType).toBe('text');
    expect(spec.split.kind).toBe('stratified');
  });

  it('time series when the data has dates and the text speaks of forecasting; the split is by time', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const d = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
      return [d, String(10 + Math.sin(i / 5))];
    });
    const { spec, profile } = await intake({
      text: 'Forecast the daily temperature.',
      files: [await csv('temp.csv', ['Date', 'Temp'], rows)],
    });
    expect(profile.columns.find((c) => c.name === 'Date')?.kind).toBe('datetime');
    expect(spec.targets).toEqual(['Temp']);
    expect(spec.dataType).toBe('time series');
    expect(spec.split).toMatchObject({ kind: 'time', column: 'Date', seed: 42 });
  });

  it('group when the text names a group column; random for plain regression', async () => {
    const file = await houses();
    const grouped = await intake({ text: 'predict sale price; rows are grouped by city', files: [file] });
    expect(grouped.spec.split).toMatchObject({ kind: 'group', column: 'city' });
    const plain = await intake({ text: 'predict sale price', files: [file] });
    expect(plain.spec.split).toEqual({ kind: 'random', testFraction: 0.25, seed: 42 });
  });

  it('group when held-out rows belong to groups not seen in training', async () => {
    const file = await houses();
    const { spec } = await intake({
      text: 'predict sale price; each held-out house is in a city not seen in training',
      files: [file],
    });
    expect(spec.split).toMatchObject({ kind: 'group', column: 'city' });
    expect(spec.inferred.join(' ')).toContain('Whole groups of `city`');
  });

  it('a group split override without a column takes it from the text, or asks', async () => {
    const file = await houses();
    const named = await intake({
      text: 'predict sale price, grouped by city',
      files: [file],
      overrides: { split: { kind: 'group' } },
    });
    expect(named.spec.split.column).toBe('city');
    const error = await failure(
      intake({ text: 'predict sale price', files: [file], overrides: { split: { kind: 'group' } } }),
    );
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain('group column');
  });

  it('overrides win over inference', async () => {
    const file = await houses();
    const { spec } = await intake({
      text: 'predict sale price',
      files: [file],
      overrides: { dataType: 'tabular', drop: ['city'], split: { kind: 'random', testFraction: 0.3 } },
    });
    expect(spec.drop).toEqual(['city']);
    expect(spec.split).toEqual({ kind: 'random', testFraction: 0.3, seed: 42 });
  });
});

describe('refusals', () => {
  it('an empty task', async () => {
    expect((await failure(intake({ text: '  ', files: [] }))).code).toBe('empty_task');
  });

  it('a task with no CSV', async () => {
    const error = await failure(intake({ text: 'predict price', files: [] }));
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain('CSV');
  });
});
