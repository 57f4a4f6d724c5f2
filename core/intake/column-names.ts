// Column names as people write them: matched loosely ("Machine failure" is `machine_failure`), listed in messages.
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { Table } from './csv-reader.ts';

/** Lower-case words only, so "Machine failure", "machine_failure" and "MACHINE-FAILURE" compare equal. */
export function normalizeName(name: string): string {
  return normalizeText(name.replace(/\[[^\]]*\]|\([^)]*\)/g, ' '));
}

/** Text as lower-case words: camelCase split, punctuation dropped ("SalePrice (USD)" -> "sale price usd"). */
export function normalizeText(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Finds a column a text names: exact, or case/space/underscore-insensitive. */
export function matchColumn(columns: string[], name: string): string | null {
  if (columns.includes(name)) return name;
  const lower = name.trim().toLowerCase();
  const byLower = columns.find((c) => c.toLowerCase() === lower);
  if (byLower) return byLower;
  const norm = normalizeName(name);
  if (norm === '') return null;
  return columns.find((c) => normalizeName(c) === norm) ?? null;
}

/** The columns a stated value names: one column, or several listed ("content, wording", "a and b"); null if not. */
export function namedColumns(columns: string[], value: string): string[] | null {
  const whole = matchColumn(columns, value);
  if (whole) return [whole];
  const parts = value.split(/\s*,\s*|\s+and\s+/).filter(Boolean);
  const found = parts.map((p) => matchColumn(columns, p));
  return parts.length > 1 && found.every((c) => c !== null) ? (found as string[]) : null;
}

export function joinNames(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}

/** The columns for a message, the first 40 of a wide table. */
export function listColumns(columns: string[]): string {
  const shown = columns.slice(0, 40).join(', ');
  return columns.length > 40 ? `${shown}, ... (${columns.length} in all)` : shown;
}

/** The column a user named, or an error listing the columns there are. */
export function requireColumn(table: Table, name: string, what: string, file: string): string {
  const column = matchColumn(table.columns, name);
  if (column === null) {
    throw new LinguacodusError(
      what === 'target' ? 'no_target' : 'bad_input',
      `The ${what} column "${name}" is not in ${basename(file)}. Columns: ${listColumns(table.columns)}.`,
    );
  }
  return column;
}
