// Reads the CSV files users hand in: tolerant of real-world quirks, strict about broken files and limits.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { IntakeLimits } from '../types.ts';

/** A parsed CSV: column names and rows of raw strings, `null` where the value is missing. */
export interface Table {
  columns: string[];
  rows: (string | null)[][];
}

/** The limits the product ships with: the one source of the defaults (bot/config.ts's MAX_UPLOAD_MB, MAX_ROWS, MAX_COLUMNS). */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 2_000,
};

/** Tokens read as missing, as pandas does for the common ones (not "None": Ames uses it as a category). */
const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  'NAN',
  'null',
  'NULL',
  'Null',
  '#N/A',
  '<NA>',
]);

export type Delimiter = ',' | ';' | '\t';
const DELIMITERS: Delimiter[] = [',', ';', '\t'];

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

const formatCount = (n: number) => n.toLocaleString('en-US');
const formatMb = (bytes: number) => {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
};

function badCsv(name: string, line: number | null, what: string, cause?: unknown): LinguacodusError {
  const where = line === null ? name : `${name}, line ${formatCount(line)}`;
  return new LinguacodusError('bad_csv', `${where}: ${what}`, { cause });
}

/** Reads a CSV file from disk, checking the size limit before reading it. */
export async function readCsv(path: string, limits: IntakeLimits): Promise<Table> {
  const name = basename(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new LinguacodusError('bad_input', `${name} could not be opened.`, { cause: error });
  }
  checkBytes(name, size, limits);
  const bytes = await readFile(path);
  return parseCsvBytes(bytes, name, limits);
}

function checkBytes(name: string, size: number, limits: IntakeLimits): void {
  if (size > limits.maxBytes) {
    throw new LinguacodusError(
      'too_large',
      `${name} is ${formatMb(size)}; the limit is ${formatMb(limits.maxBytes)} (MAX_UPLOAD_MB).`,
    );
  }
}

/** Decodes bytes as UTF-8 (BOM stripped) and parses them; `name` is used in error messages. */
export function parseCsvBytes(bytes: Uint8Array, name: string, limits: IntakeLimits): Table {
  checkBytes(name, bytes.byteLength, limits);
  if (bytes.byteLength === 0) throw badCsv(name, null, 'the file is empty.');
  // Common wrong uploads get a message saying what to do instead.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw badCsv(name, null, 'the file is UTF-16 text; save it as UTF-8 CSV and send it again.');
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw badCsv(
      name,
      null,
      'this is a ZIP or Excel file, not a CSV; export the sheet as CSV and send that.',
    );
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw badCsv(
      name,
      lineAtByte(bytes, nul),
      'this looks like a binary file, not a CSV (it holds NUL bytes).',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    const line = bad === -1 ? null : countLines(lossy, bad);
    throw badCsv(name, line, 'the file is not UTF-8 text; save it as UTF-8 CSV and send it again.', error);
  }
  return parseCsvText(text, name, limits);
}

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === LF) line++;
  return line;
}

function countLines(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Picks the delimiter that splits the first lines into the same number (>1) of fields most often. */
export function sniffDelimiter(text: string): Delimiter {
  const sample = firstLines(text, 20);
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = sample.map((line) => countOutsideQuotes(line, d));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((c) => c === header).length;
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

function firstLines(text: string, n: number): string[] {
  const lines: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length && lines.length < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === LF && !inQuotes) {
      lines.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (lines.length < n && start < text.length) lines.push(text.slice(start));
  return lines.filter((l) => l.trim() !== '');
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === d && !inQuotes) n++;
  }
  return n;
}

const looksNumeric = (v: string) => /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v);

/**
 * Parses CSV text (RFC 4180 plus common habits): sniffed delimiter, quoted fields with delimiters, newlines and
 * doubled quotes, CRLF or LF, blank lines skipped, missing tokens as null.
 */
export function parseCsvText(text: string, name: string, limits: IntakeLimits): Table {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.trim() === '') throw badCsv(name, null, 'the file is empty.');
  const delim = sniffDelimiter(src).charCodeAt(0);
  const n = src.length;

  let columns: string[] | null = null;
  const rows: (string | null)[][] = [];
  let dataRows = 0;
  let line = 1;
  let i = 0;

  while (i < n) {
    const rowLine = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    // One record: fields until an unquoted newline or the end of the text.
    for (;;) {
      let value: string;
      let wasQuoted = false;
      if (src.charCodeAt(i) === QUOTE) {
        wasQuoted = true;
        const openLine = line;
        let j = i + 1;
        let chunks = '';
        for (;;) {
          const q = src.indexOf('"', j);
          if (q === -1) {
            throw badCsv(name, openLine, 'a quoted field is never closed (unterminated quote).');
          }
          line += countNewlines(src, j, q);
          if (src.charCodeAt(q + 1) === QUOTE) {
            chunks += src.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          chunks += src.slice(j, q);
          i = q + 1;
          break;
        }
        value = chunks;
        // Text after a closing quote (`"ab"c,`) is kept, as Python's csv module does.
        const next = src.charCodeAt(i);
        if (i < n && next !== delim && next !== LF && next !== CR) {
          let k = i;
          while (k < n) {
            const c = src.charCodeAt(k);
            if (c === delim || c === LF || c === CR) break;
            k++;
          }
          value += src.slice(i, k);
          i = k;
        }
      } else {
        let k = i;
        while (k < n) {
          const c = src.charCodeAt(k);
          if (c === delim || c === LF || c === CR) break;
          k++;
        }
        value = src.slice(i, k);
        i = k;
      }
      fields.push(value);
      quoted.push(wasQuoted);
      const c = src.charCodeAt(i);
      if (i < n && c === delim) {
        i++;
        continue;
      }
      if (c === CR) i++;
      if (src.charCodeAt(i) === LF) i++;
      line++;
      break;
    }

    const blank = fields.length === 1 && fields[0]!.trim() === '' && !quoted[0];
    if (blank) continue;

    if (columns === null) {
      columns = headerFrom(fields, name, limits);
      continue;
    }
    if (fields.length !== columns.length) {
      // A trailing delimiter on every line gives one extra empty field; tolerate exactly that.
      const trailing = fields.length === columns.length + 1 && fields[fields.length - 1] === '';
      if (!trailing) {
        throw badCsv(
          name,
          rowLine,
          `expected ${columns.length} fields (as in the header) but found ${fields.length}.`,
        );
      }
      fields.pop();
    }
    dataRows++;
    if (dataRows <= limits.maxRows) {
      const row: (string | null)[] = new Array(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const v = fields[f]!;
        row[f] = MISSING_TOKENS.has(v) || (v.length < 6 && MISSING_TOKENS.has(v.trim())) ? null : v;
      }
      rows.push(row);
    }
  }

  if (columns === null) throw badCsv(name, null, 'the file is empty.');
  if (dataRows > limits.maxRows) {
    throw new LinguacodusError(
      'too_large',
      `${name} has ${formatCount(dataRows)} rows; the limit is ${formatCount(limits.maxRows)} (MAX_ROWS).`,
    );
  }
  if (dataRows === 0) throw badCsv(name, null, 'the file has a header but no data rows.');
  return { columns, rows };
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = text.indexOf('\n', from); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

function headerFrom(fields: string[], name: string, limits: IntakeLimits): string[] {
  if (fields.length > limits.maxColumns) {
    throw new LinguacodusError(
      'too_large',
      `${name} has ${formatCount(fields.length)} columns; the limit is ${formatCount(limits.maxColumns)} (MAX_COLUMNS).`,
    );
  }
  const trimmed = fields.map((f) => f.trim());
  if (trimmed.length > 1 && trimmed.every((f) => f === '' || looksNumeric(f))) {
    throw badCsv(
      name,
      1,
      'the first line holds numbers, not column names; add a header line naming each column.',
    );
  }
  // Unnamed and repeated columns get unique names, as pandas gives them.
  const seen = new Map<string, number>();
  return trimmed.map((raw, index) => {
    const base = raw === '' ? `Unnamed: ${index}` : raw;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}.${count}`;
  });
}

/** The values of one column. */
export function columnValues(table: Table, column: string): (string | null)[] {
  const index = table.columns.indexOf(column);
  if (index === -1) throw new LinguacodusError('internal', `Column ${column} is not in the table.`);
  return table.rows.map((row) => row[index] ?? null);
}
