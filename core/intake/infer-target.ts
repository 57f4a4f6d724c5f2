// The target step: the column(s) the user named, else what the task text asks to predict, else the columns the
// file to predict for lacks.
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import {
  joinNames,
  listColumns,
  matchColumn,
  normalizeName,
  normalizeText,
  requireColumn,
} from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { isNumberString } from './data-profile.ts';
import { ADDED_ID_COLUMN } from './infer-id-column.ts';
import { type Inferred, inferred, stated } from './inference.ts';
import type { Unlabelled } from './task-files.ts';

const TARGET_KEYWORDS =
  /\b(predict(?:s|ing|ion of)?|forecast(?:s|ing)?|estimat(?:e|es|ing)|classify(?:ing)?|classification of|detect(?:s|ing)?|regress(?:ion of)?|target(?: column| variable)?(?: is| =|:)?|label(?: is|:)?|model(?:ling)?)\b/gi;
// Where the thing to predict ends and the features begin.
const SEGMENT_END = /\b(?:from|using|based on|given|with|by)\b|[.;:!?](?=\s|$)|\n/i;

/** Positions (in normalised text) where each column is mentioned as whole words, plural allowed. */
function mentions(normText: string, columns: string[]): { column: string; at: number; length: number }[] {
  const found: { column: string; at: number; length: number }[] = [];
  for (const column of columns) {
    const norm = normalizeName(column);
    if (norm === '') continue;
    const re = new RegExp(`(?:^| )(${norm.replace(/ /g, ' ')})(?:e?s)?(?= |$)`, 'g');
    for (const m of normText.matchAll(re)) {
      found.push({ column, at: (m.index ?? 0) + (m[0].startsWith(' ') ? 1 : 0), length: m[1]!.length });
    }
  }
  // Longer names win where mentions overlap ("median house value" over "value").
  found.sort((a, b) => b.length - a.length);
  const kept: typeof found = [];
  for (const f of found) {
    if (kept.some((k) => f.at < k.at + k.length && f.at + f.length > k.at)) continue;
    kept.push(f);
  }
  return kept.sort((a, b) => a.at - b.at);
}

/**
 * The target column(s) a text names: a backticked column after a target keyword, else the columns mentioned between
 * a keyword ("predict", "forecast", "target") and where the features start ("from", "using"), else a column whose
 * class values are mentioned there ("spam", ">50K"), else a short column name the text spells out ("Temp" for
 * "temperature"). `classValues` maps categorical columns to their values. Null when nothing fits.
 */
export function findTargetInText(
  text: string,
  columns: string[],
  classValues: ReadonlyMap<string, string[]> = new Map(),
): string[] | null {
  const candidates = columns.filter((c) => c !== ADDED_ID_COLUMN);
  for (const m of text.matchAll(/target(?:\s+column)?s?\s*(?:is|are|=|:)?\s*`([^`]+)`/gi)) {
    const column = matchColumn(candidates, m[1]!);
    if (column) return [column];
  }
  for (const keyword of text.matchAll(TARGET_KEYWORDS)) {
    const start = (keyword.index ?? 0) + keyword[0].length;
    // "target: price" and "the label is price": skip the joining word before looking for the name.
    const rest = text.slice(start, start + 200).replace(/^\s*(?:is\b|are\b|=|:)\s*/i, ' ');
    const endAt = rest.search(SEGMENT_END);
    const segmentEnd = endAt === -1 ? rest.length : endAt;
    // Backticked names may hold characters (dots, brackets) that end a segment; look at them first.
    const ticked = [...rest.matchAll(/`([^`]+)`/g)]
      .filter((t) => (t.index ?? 0) <= segmentEnd)
      .map((t) => matchColumn(candidates, t[1]!))
      .filter((c): c is string => c !== null);
    if (ticked.length > 0) return [...new Set(ticked)];
    const segment = rest.slice(0, segmentEnd);
    const words = normalizeText(segment);
    if (words === '') continue;
    const found = mentions(words, candidates);
    if (found.length > 0) {
      const names = [...new Set(found.map((f) => f.column))];
      // Several columns joined by "and" or commas are several targets ("its content and wording scores").
      if (names.length > 1 && /\band\b|,/.test(segment)) return names;
      return [names[0]!];
    }
    const padded = ` ${words} `;
    for (const [column, values] of classValues) {
      if (!candidates.includes(column)) continue;
      const named = values.some((v) => {
        const norm = normalizeText(v);
        return norm.length >= 2 && !/^[0-9 ]+$/.test(norm) && padded.includes(` ${norm} `);
      });
      if (named) return [column];
    }
    const tokens = words.split(' ');
    const abbreviated = candidates.find((c) => {
      const norm = normalizeName(c);
      return (
        norm.length >= 4 &&
        !norm.includes(' ') &&
        tokens.some((t) => t.length > norm.length && t.startsWith(norm))
      );
    });
    if (abbreviated) return [abbreviated];
  }
  return null;
}

/** Values of the few-valued text columns, for recognising a target by its classes ("spam or ham"). */
function classValuesOf(table: Table): Map<string, string[]> {
  const out = new Map<string, string[]>();
  table.columns.forEach((column, index) => {
    const values = new Set<string>();
    for (const row of table.rows) {
      const v = row[index];
      if (v === null || v === undefined) continue;
      values.add(v);
      if (values.size > 20) return;
    }
    if (values.size >= 2 && ![...values].every(isNumberString)) out.set(column, [...values]);
  });
  return out;
}

/** The target column(s), each once; throws `no_target` listing the columns when nothing names one. */
export function inferTargets(
  text: string,
  table: Table,
  trainFile: string,
  named: string | string[] | undefined,
  unlabelled: Unlabelled,
): Inferred<string[]> {
  const found =
    named !== undefined
      ? stated(namedTargets(table, trainFile, named))
      : foundTargets(text, table, trainFile, unlabelled);
  return { ...found, value: [...new Set(found.value)] };
}

function namedTargets(table: Table, trainFile: string, named: string | string[]): string[] {
  return (Array.isArray(named) ? named : [named]).map((t) => requireColumn(table, t, 'target', trainFile));
}

function foundTargets(
  text: string,
  table: Table,
  trainFile: string,
  unlabelled: Unlabelled,
): Inferred<string[]> {
  const fromText = findTargetInText(text, table.columns, classValuesOf(table));
  if (fromText)
    return inferred(fromText, `The target is ${joinNames(fromText)}, from what the task asks to predict.`);
  const { testTable, testFile } = unlabelled;
  const absent =
    testTable && testFile
      ? table.columns.filter((c) => !testTable.columns.includes(c) && c !== ADDED_ID_COLUMN)
      : [];
  if (testFile && absent.length > 0) {
    return inferred(
      absent,
      `The target is ${joinNames(absent)}: the column${absent.length > 1 ? 's' : ''} missing from ${basename(testFile)}.`,
    );
  }
  throw new LinguacodusError(
    'no_target',
    `Which column should I predict? Name it in the task (e.g. "target: ${table.columns[table.columns.length - 1]}"). Columns in ${basename(trainFile)}: ${listColumns(table.columns)}.`,
  );
}
