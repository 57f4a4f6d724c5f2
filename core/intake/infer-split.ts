// The holdout split step: the split the user asked for, else whole groups the text names, the latest rows of a
// time series, a stratified split for classes, or random rows.
import { LinguacodusError } from '../errors.ts';
import type { DataProfile, DataType, Split } from '../types.ts';
import { matchColumn, requireColumn } from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { type Inferred, inferred, stated } from './inference.ts';

const SEED = 42;

/**
 * The column a text says rows are grouped by ("grouped by city", "a prompt not seen in training", "unseen
 * patients"), when it is a column with real groups (fewer distinct values than rows).
 */
function groupColumnFromText(text: string, table: Table): string | null {
  const patterns = [
    /\bgroup(?:ed|s)?\s+(?:by\s+)?(?:the\s+)?`?([^`\s,.;]+(?:\s[^`\s,.;]+)?)`?/gi,
    /\b(?:an?|the)\s+`?([\w#-]+)`?\s+(?:that was |that is )?not seen in training/gi,
    /\bunseen\s+`?([\w#-]+)`?/gi,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const words = m[1]!.trim();
      const first = words.split(/\s/)[0]!;
      const singular = first.replace(/s$/i, '');
      const tries = [words, first, singular, `${singular}_id`, `${singular} id`, `${singular}Id`];
      for (const attempt of tries) {
        const column = matchColumn(table.columns, attempt);
        if (column === null) continue;
        const index = table.columns.indexOf(column);
        const distinct = new Set(table.rows.map((row) => row[index] ?? ''));
        if (distinct.size >= 2 && distinct.size < table.rows.length) return column;
      }
    }
  }
  return null;
}

export function inferSplit(
  text: string,
  table: Table,
  profile: DataProfile,
  dataType: DataType,
  given: Partial<Split> | undefined,
): Inferred<Split> {
  const rows = profile.rows;
  const testFraction = given?.testFraction ?? (rows >= 5000 ? 0.2 : 0.25);
  const seed = given?.seed ?? SEED;
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  const timeColumn = profile.columns.find((c) => c.kind === 'datetime')?.name;
  const checked = (column: string | undefined) =>
    column === undefined ? undefined : requireColumn(table, column, 'split', 'the training file');

  if (given?.kind) {
    let column = given.column ?? (given.kind === 'time' ? timeColumn : undefined);
    if (given.kind === 'group' && column === undefined) {
      column = groupColumnFromText(text, table) ?? undefined;
      if (column === undefined) {
        throw new LinguacodusError(
          'bad_input',
          `A split by group needs the group column; name it (e.g. "grouped by \`${table.columns[0]}\`").`,
        );
      }
    }
    return stated({ kind: given.kind, testFraction, seed, column: checked(column) });
  }
  const pct = `${Math.round(testFraction * 100)}%`;
  const groupColumn = groupColumnFromText(text, table);
  if (groupColumn) {
    return inferred(
      { kind: 'group', testFraction, seed, column: groupColumn },
      `Whole groups of \`${groupColumn}\` (about ${pct} of the rows) are held out for scoring, as the task describes.`,
    );
  }
  if (dataType === 'time series') {
    return inferred(
      { kind: 'time', testFraction, seed, column: timeColumn },
      `The last ${pct} of the rows${timeColumn ? ` by \`${timeColumn}\`` : ' in file order'} are held out for scoring.`,
    );
  }
  if (classification) {
    return inferred(
      { kind: 'stratified', testFraction, seed },
      `${pct} of the rows are held out for scoring, stratified by class.`,
    );
  }
  return inferred(
    { kind: 'random', testFraction, seed },
    `${pct} of the rows, chosen at random, are held out for scoring.`,
  );
}
