// Writes tables as CSV for the generated code: the harness's train.csv and test.csv, and the truth its chart reads.
import { writeFile } from 'node:fs/promises';
import type { Table } from '../intake/index.ts';

/** Quotes a field only when it needs it (delimiter, quote, newline, or edge spaces). */
function quoteField(value: string | null): string {
  if (value === null) return '';
  if (/[",\r\n]/.test(value) || value !== value.trim()) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

/** The CSV text of a table: comma-separated, LF line ends, missing values empty. */
export function formatCsv(table: Table): string {
  const out: string[] = [table.columns.map(quoteField).join(',')];
  for (const row of table.rows) out.push(row.map(quoteField).join(','));
  return `${out.join('\n')}\n`;
}

export async function writeCsv(path: string, table: Table): Promise<void> {
  await writeFile(path, formatCsv(table), 'utf8');
}
