// Checks a submission against the held-out ids and the task's layout, with messages the repair loop can act on.

import { LinguacodusError } from '../errors.ts';
import type { Table } from '../intake/index.ts';
import { isNumberString, matchColumn } from '../intake/index.ts';
import type { DataProfile, TaskSpec } from '../types.ts';
import { positiveClass, SUBMISSION_FILE, submissionColumns, TEST_FILE } from './harness-contract.ts';
import { METRICS } from './metrics.ts';

/** A valid submission's predictions, in the order of the expected ids. */
export type SubmissionPredictions =
  | { kind: 'regression'; ids: string[]; columns: string[]; values: number[][] }
  | { kind: 'label'; ids: string[]; column: string; labels: string[] }
  | { kind: 'probability'; ids: string[]; classes: string[]; values: number[][] };

const EXAMPLES = 5;
const count = (n: number) => n.toLocaleString('en-US');
const examples = (xs: string[]) =>
  `${xs
    .slice(0, EXAMPLES)
    .map((x) => JSON.stringify(x))
    .join(', ')}${xs.length > EXAMPLES ? ', ...' : ''}`;

/**
 * Ids compare as written, except that whole numbers compare by value ("7", "007" and "7.0" are the same row, as they
 * are after pandas reads and writes them). Hex-like ids such as "38059e721129" stay text.
 */
export function canonicalId(value: string): string {
  const v = value.trim();
  const whole = /^([-+]?)(\d+)(?:\.0*)?$/.exec(v);
  if (!whole) return v;
  const digits = whole[2]!.replace(/^0+(?=\d)/, '');
  return `${whole[1] === '-' && digits !== '0' ? '-' : ''}${digits}`;
}

/** Maps a predicted label onto a known class: exact, then by numeric value, then ignoring case. */
export function canonicalLabel(value: string, classes: readonly string[]): string | null {
  if (classes.includes(value)) return value;
  const v = value.trim();
  if (classes.includes(v)) return v;
  if (isNumberString(v)) {
    const match = classes.find((c) => isNumberString(c) && Number(c) === Number(v));
    if (match !== undefined) return match;
  }
  const lower = v.toLowerCase();
  return classes.find((c) => c.toLowerCase() === lower) ?? null;
}

function bad(message: string): LinguacodusError {
  return new LinguacodusError('bad_submission', message);
}

/** Finds an expected column in the submission, tolerating case, spacing and "3.0" for class "3". */
function findColumn(columns: string[], expected: string): number {
  const exact = columns.indexOf(expected);
  if (exact !== -1) return exact;
  const loose = matchColumn(columns, expected);
  if (loose !== null) return columns.indexOf(loose);
  if (isNumberString(expected)) {
    return columns.findIndex((c) => isNumberString(c) && Number(c) === Number(expected));
  }
  return -1;
}

/**
 * Checks a parsed submission.csv: the expected columns, exactly one row per expected id, and a usable value in every
 * cell. Returns the predictions aligned with `expectedIds`, or throws `bad_submission` saying what to fix.
 */
export function checkSubmission(
  table: Table,
  expectedIds: string[],
  spec: TaskSpec,
  profile: DataProfile,
): SubmissionPredictions {
  const expected = submissionColumns(spec, profile);
  const indexes = expected.map((c) => findColumn(table.columns, c));
  const missingColumns = expected.filter((_, k) => indexes[k] === -1);
  if (missingColumns.length > 0) {
    throw bad(
      `${SUBMISSION_FILE} lacks the column${missingColumns.length > 1 ? 's' : ''} ${missingColumns.map((c) => `\`${c}\``).join(', ')}. ` +
        `Expected exactly the columns ${expected.map((c) => `\`${c}\``).join(', ')}; found ${table.columns.map((c) => `\`${c}\``).join(', ') || 'none'}.`,
    );
  }

  // Ids: one row per expected id, no strangers, no repeats.
  const idIndex = indexes[0]!;
  // Ids that only differ in leading zeros ("07" and "7") are compared exactly instead.
  const canonical = new Set(expectedIds.map(canonicalId)).size === expectedIds.length;
  const key = canonical ? canonicalId : (id: string) => id;
  const expectedSet = new Map<string, number>();
  expectedIds.forEach((id, k) => {
    expectedSet.set(key(id), k);
  });
  const rowOf = new Array<number>(expectedIds.length).fill(-1);
  const duplicates: string[] = [];
  const unknown: string[] = [];
  const emptyIdLines: number[] = [];
  table.rows.forEach((row, r) => {
    const raw = row[idIndex];
    if (raw === null || raw === undefined) {
      emptyIdLines.push(r + 2);
      return;
    }
    const k = expectedSet.get(key(raw));
    if (k === undefined) unknown.push(raw);
    else if (rowOf[k] !== -1) duplicates.push(raw);
    else rowOf[k] = r;
  });
  const missingIds = expectedIds.filter((_, k) => rowOf[k] === -1);
  const problems: string[] = [];
  if (table.rows.length !== expectedIds.length) {
    problems.push(
      `${SUBMISSION_FILE} has ${count(table.rows.length)} rows; expected ${count(expectedIds.length)} (one per row of ${TEST_FILE}).`,
    );
  }
  if (emptyIdLines.length > 0) {
    problems.push(
      `The id column \`${spec.idColumn}\` is empty on line${emptyIdLines.length > 1 ? 's' : ''} ${emptyIdLines.slice(0, EXAMPLES).join(', ')}.`,
    );
  }
  if (duplicates.length > 0) {
    problems.push(`${count(duplicates.length)} ids appear more than once, e.g. ${examples(duplicates)}.`);
  }
  if (unknown.length > 0) {
    problems.push(
      `${count(unknown.length)} ids are not rows of ${TEST_FILE}, e.g. ${examples(unknown)}; copy \`${spec.idColumn}\` from ${TEST_FILE} unchanged.`,
    );
  }
  if (missingIds.length > 0) {
    problems.push(
      `${count(missingIds.length)} ids of ${TEST_FILE} have no prediction, e.g. ${examples(missingIds)}.`,
    );
  }
  if (problems.length > 0) throw bad(problems.join(' '));

  const metric = METRICS[spec.metric];
  const cell = (k: number, col: number) => table.rows[rowOf[k]!]![col] ?? null;
  const where = (k: number) => `line ${rowOf[k]! + 2} (id ${JSON.stringify(expectedIds[k])})`;

  if (metric.kind === 'label') {
    const column = spec.targets[0]!;
    const classes = profile.target.classes?.map((c) => c.value) ?? [];
    const col = indexes[1]!;
    const labels = expectedIds.map((_, k) => {
      const raw = cell(k, col);
      if (raw === null)
        throw bad(`Column \`${column}\` is empty (or NaN) on ${where(k)}; predict a class for every row.`);
      const label = canonicalLabel(raw, classes);
      if (label === null) {
        throw bad(
          `Column \`${column}\` holds ${JSON.stringify(raw)} on ${where(k)}, which is not a class of the target; expected one of ${examples(classes)}. Predict class labels, not probabilities or codes.`,
        );
      }
      return label;
    });
    return { kind: 'label', ids: expectedIds, column, labels };
  }

  const numeric = (k: number, col: number, name: string, probability: boolean): number => {
    const raw = cell(k, col);
    if (raw === null) {
      throw bad(`Column \`${name}\` is empty (or NaN) on ${where(k)}; every row needs a number.`);
    }
    if (!isNumberString(raw)) {
      const hint = probability
        ? ` Write the predicted probability${profile.target.type === 'binary' ? ` that \`${spec.targets[0]}\` equals ${JSON.stringify(positiveClass(profile))}` : ' of each class'}, not a label.`
        : '';
      throw bad(
        `Column \`${name}\` holds the non-numeric value ${JSON.stringify(raw)} on ${where(k)}.${hint}`,
      );
    }
    const value = Number(raw);
    if (!Number.isFinite(value))
      throw bad(`Column \`${name}\` holds ${raw} on ${where(k)}; expected a finite number.`);
    if (probability && (value < 0 || value > 1)) {
      throw bad(`Column \`${name}\` should hold probabilities between 0 and 1, but ${where(k)} has ${raw}.`);
    }
    return value;
  };

  const valueColumns = expected.slice(1);
  const values = expectedIds.map((_, k) =>
    valueColumns.map((name, c) => numeric(k, indexes[c + 1]!, name, metric.kind === 'probability')),
  );
  if (metric.kind === 'regression')
    return { kind: 'regression', ids: expectedIds, columns: valueColumns, values };
  // Binary probability submissions hold one column: P(target == positive class).
  const classes =
    profile.target.type === 'binary'
      ? [positiveClass(profile) ?? '']
      : (profile.target.classes ?? []).map((c) => c.value);
  return { kind: 'probability', ids: expectedIds, classes, values };
}
