// Submission checks: each kind of malformed submission gets a message precise enough for the repair loop to act on.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { canonicalId, canonicalLabel, checkSubmission } from '../../core/harness/index.ts';
import type { Table } from '../../core/intake/index.ts';
import { profileTable } from '../../core/intake/index.ts';
import { type TaskSpec, taskSpecSchema } from '../../core/types.ts';

const base = {
  description: 'test',
  dataType: 'tabular',
  idColumn: 'id',
  trainFile: '/nowhere/train.csv',
  split: { kind: 'random', testFraction: 0.2, seed: 42 },
} as const;
const spec = (metric: TaskSpec['metric'], targets: string[]) =>
  taskSpecSchema.parse({ ...base, metric, targets });

const training: Table = {
  columns: ['id', 'price', 'quality', 'spam', 'a', 'b'],
  rows: Array.from({ length: 30 }, (_, i) => [
    String(i),
    String(100 + i * 3.5),
    String(3 + (i % 3)),
    i % 4 === 0 ? 'spam' : 'ham',
    String(i / 10),
    String(i / 20),
  ]),
};
const regressionProfile = profileTable(training, { targets: ['price'], idColumn: 'id' });
const binaryProfile = profileTable(training, { targets: ['spam'], idColumn: 'id' });
const multiProfile = profileTable(training, { targets: ['quality'], idColumn: 'id' });
const ids = ['10', '11', '12'];

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LinguacodusError);
    expect((error as LinguacodusError).code).toBe('bad_submission');
    return (error as Error).message;
  }
  throw new Error('expected a bad_submission error');
}

const table = (columns: string[], rows: (string | null)[][]): Table => ({ columns, rows });

describe('valid submissions', () => {
  it('regression predictions come back in the order of the expected ids', () => {
    const out = checkSubmission(
      table(
        ['id', 'price'],
        [
          ['12', '3'],
          ['10.0', '1'],
          ['11', '2e0'],
        ],
      ),
      ids,
      spec('rmse', ['price']),
      regressionProfile,
    );
    expect(out).toEqual({ kind: 'regression', ids, columns: ['price'], values: [[1], [2], [3]] });
  });

  it('labels are mapped onto the classes ("4.0" is class "4")', () => {
    const out = checkSubmission(
      table(
        ['id', 'quality'],
        [
          ['10', '4.0'],
          ['11', '3'],
          ['12', '5'],
        ],
      ),
      ids,
      spec('accuracy', ['quality']),
      multiProfile,
    );
    expect(out).toMatchObject({ kind: 'label', labels: ['4', '3', '5'] });
  });

  it('multiclass probabilities have one column per class, binary ones the positive class', () => {
    const multi = checkSubmission(
      table(
        ['id', '5', '4', '3'],
        ids.map((id) => [id, '0.2', '0.3', '0.5']),
      ),
      ids,
      spec('log-loss', ['quality']),
      multiProfile,
    );
    expect(multi).toMatchObject({ kind: 'probability', classes: ['3', '4', '5'] });
    expect(multi.kind === 'probability' && multi.values[0]).toEqual([0.5, 0.3, 0.2]);
    const binary = checkSubmission(
      table(
        ['id', 'spam'],
        ids.map((id) => [id, '0.7']),
      ),
      ids,
      spec('roc-auc', ['spam']),
      binaryProfile,
    );
    expect(binary).toMatchObject({ kind: 'probability', classes: ['spam'], values: [[0.7], [0.7], [0.7]] });
  });
});

describe('malformed submissions', () => {
  it('missing columns list what is expected and what was found', () => {
    const message = refusal(() =>
      checkSubmission(
        table(
          ['id', 'prediction'],
          ids.map((id) => [id, '1']),
        ),
        ids,
        spec('rmse', ['price']),
        regressionProfile,
      ),
    );
    expect(message).toBe(
      'submission.csv lacks the column `price`. Expected exactly the columns `id`, `price`; found `id`, `prediction`.',
    );
    const multi = refusal(() =>
      checkSubmission(
        table(
          ['id', 'quality'],
          ids.map((id) => [id, '3']),
        ),
        ids,
        spec('roc-auc', ['quality']),
        multiProfile,
      ),
    );
    expect(multi).toContain('lacks the columns `3`, `4`, `5`');
  });

  it('wrong length, missing ids and unknown ids, with examples', () => {
    const message = refusal(() =>
      checkSubmission(
        table(
          ['id', 'price'],
          [
            ['10', '1'],
            ['99', '2'],
          ],
        ),
        ids,
        spec('rmse', ['price']),
        regressionProfile,
      ),
    );
    expect(message).toContain('submission.csv has 2 rows; expected 3 (one per row of test.csv).');
    expect(message).toContain('1 ids are not rows of test.csv, e.g. "99"');
    expect(message).toContain('2 ids of test.csv have no prediction, e.g. "11", "12".');
  });

  it('duplicate ids', () => {
    const message = refusal(() =>
      checkSubmission(
        table(
          ['id', 'price'],
          [
            ['10', '1'],
            ['11', '2'],
            ['12', '3'],
            ['12', '4'],
          ],
        ),
        ids,
        spec('rmse', ['price']),
        regressionProfile,
      ),
    );
    expect(message).toContain('1 ids appear more than once, e.g. "12".');
  });

  it('NaN and non-numeric values name the column, line and id', () => {
    const nan = refusal(() =>
      checkSubmission(
        table(
          ['id', 'price'],
          [
            ['10', '1'],
            ['11', null],
            ['12', '3'],
          ],
        ),
        ids,
        spec('rmse', ['price']),
        regressionProfile,
      ),
    );
    expect(nan).toBe('Column `price` is empty (or NaN) on line 3 (id "11"); every row needs a number.');
    const text = refusal(() =>
      checkSubmission(
        table(
          ['id', 'spam'],
          ids.map((id) => [id, 'ham']),
        ),
        ids,
        spec('roc-auc', ['spam']),
        binaryProfile,
      ),
    );
    expect(text).toContain('non-numeric value "ham" on line 2 (id "10")');
    expect(text).toContain('probability that `spam` equals "spam"');
  });

  it('probabilities out of range and labels that are not classes', () => {
    const range = refusal(() =>
      checkSubmission(
        table(
          ['id', 'spam'],
          ids.map((id) => [id, '1.5']),
        ),
        ids,
        spec('roc-auc', ['spam']),
        binaryProfile,
      ),
    );
    expect(range).toContain('probabilities between 0 and 1');
    const label = refusal(() =>
      checkSubmission(
        table(
          ['id', 'quality'],
          ids.map((id) => [id, '0.42']),
        ),
        ids,
        spec('accuracy', ['quality']),
        multiProfile,
      ),
    );
    expect(label).toContain('"0.42"');
    expect(label).toContain('not a class of the target; expected one of "3", "4", "5"');
  });
});

describe('canonical forms', () => {
  it('compares whole-number ids by value and keeps hex-like ids as text', () => {
    expect(canonicalId('007')).toBe('7');
    expect(canonicalId('7.0')).toBe('7');
    expect(canonicalId('38059e721129')).toBe('38059e721129');
    expect(canonicalId(' abc ')).toBe('abc');
  });

  it('maps labels by value or case, and refuses strangers', () => {
    expect(canonicalLabel('1.0', ['0', '1'])).toBe('1');
    expect(canonicalLabel('True', ['true', 'false'])).toBe('true');
    expect(canonicalLabel('maybe', ['yes', 'no'])).toBeNull();
  });
});
