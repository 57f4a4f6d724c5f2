// The id column step: the column the user named (checked to be unique), else one that identifies the rows, else
// a new `row_id` the harness adds.
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import { requireColumn } from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { looksLikeIdName } from './data-profile.ts';
import { type Inferred, inferred, stated } from './inference.ts';
import type { Stated } from './stated-fields.ts';

/** The id column the harness adds when the data has none. */
export const ADDED_ID_COLUMN = 'row_id';

export interface IdColumn {
  idColumn: string;
  /** True when the harness adds the column (numbering the rows) rather than finding it in the data. */
  idAdded: boolean;
}

function idCandidates(table: Table, exclude: Set<string>): string[] {
  const n = table.rows.length;
  return table.columns.filter((column, index) => {
    if (exclude.has(column) || !looksLikeIdName(column)) return false;
    const seen = new Set<string>();
    for (const row of table.rows) {
      const v = row[index];
      if (v === null || v === undefined || seen.has(v)) return false;
      seen.add(v);
    }
    return seen.size === n;
  });
}

/** Predictions are matched to rows by id, so an id column needs one distinct value on every row. */
function checkIdUnique(table: Table, column: string, file: string): void {
  const index = table.columns.indexOf(column);
  const seen = new Set<string>();
  table.rows.forEach((row, r) => {
    const v = row[index];
    if (v === null || v === undefined) {
      throw new LinguacodusError(
        'bad_input',
        `The id column \`${column}\` is empty on line ${r + 2} of ${file}; name a column with a value on every row, or none and I will number the rows.`,
      );
    }
    if (seen.has(v)) {
      throw new LinguacodusError(
        'bad_input',
        `The id column \`${column}\` repeats ${JSON.stringify(v)} (line ${r + 2} of ${file}); name a column with one distinct value per row, or none and I will number the rows.`,
      );
    }
    seen.add(v);
  });
}

/** The id column; one the unlabelled file lacks cannot match its predictions, so it is not a candidate. */
export function inferIdColumn(
  table: Table,
  trainFile: string,
  named: Stated<string> | undefined,
  targets: string[],
  testTable: Table | null,
): Inferred<IdColumn> {
  const found = named
    ? stated(namedIdColumn(table, trainFile, named.value), named.said)
    : foundIdColumn(table, targets, testTable);
  const { idColumn } = found.value;
  if (targets.includes(idColumn)) {
    throw new LinguacodusError('bad_input', `\`${idColumn}\` cannot be both the id column and the target.`);
  }
  return found;
}

function namedIdColumn(table: Table, trainFile: string, named: string): IdColumn {
  const idColumn = requireColumn(table, named, 'id', trainFile);
  checkIdUnique(table, idColumn, basename(trainFile));
  return { idColumn, idAdded: false };
}

function foundIdColumn(table: Table, targets: string[], testTable: Table | null): Inferred<IdColumn> {
  const candidates = idCandidates(table, new Set(targets)).filter(
    (c) => !testTable || testTable.columns.includes(c),
  );
  const found = candidates.find((c) => c.toLowerCase() === 'id') ?? candidates[0];
  if (found) {
    return inferred(
      { idColumn: found, idAdded: false },
      `\`${found}\` identifies the rows (one unique value per row), so it is the id column.`,
    );
  }
  let idColumn = ADDED_ID_COLUMN;
  while (table.columns.includes(idColumn)) idColumn = `${idColumn}_`;
  return inferred(
    { idColumn, idAdded: true },
    `No id column was found, so rows are numbered in a new \`${idColumn}\` column.`,
  );
}
