// Reads the CSV files users hand in: tolerant of real-world quirks, strict about broken files and limits. The
// parsing is csv-parse's (the node-csv project), streamed from disk; what is ours is the sniffing of the delimiter and
// the encoding, the missing-value tokens, the header's names, the limits and the messages that name a file's line.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type InfoRecord, type Options, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
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

const formatCount = (n: number) => n.toLocaleString('en-US');
const formatMb = (bytes: number) => {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
};

function badCsv(name: string, line: number | null, what: string, cause?: unknown): LinguacodusError {
  const where = line === null ? name : `${name}, line ${formatCount(line)}`;
  return new LinguacodusError('bad_csv', `${where}: ${what}`, { cause });
}

/** Reads a CSV file from disk, checking the size limit before reading it, and parsing it as it streams in. */
export async function readCsv(path: string, limits: IntakeLimits): Promise<Table> {
  const name = basename(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new LinguacodusError('bad_input', `${name} could not be opened.`, { cause: error });
  }
  checkBytes(name, size, limits);
  if (size === 0) throw badCsv(name, null, 'the file is empty.');
  const chunks = decodedChunks(createReadStream(path, { highWaterMark: 1 << 20 }), name)[
    Symbol.asyncIterator
  ]();
  // The delimiter is sniffed from the first lines, before the parser is made.
  const head: string[] = [];
  let sample = '';
  while (sample.length < SNIFF_CHARS && countLines(sample, sample.length) <= SNIFF_LINES) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    sample += next.value;
  }
  const text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  if (text.trim() === '') throw badCsv(name, null, 'the file is empty.');
  const builder = new TableBuilder(name, limits);
  const parser = parse(fastOptions(sniffDelimiter(text)));
  const source = Readable.from(
    (async function* () {
      yield* head;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
  parser.on('data', (record: string[]) => {
    try {
      builder.add(record, null, null);
    } catch (error) {
      parser.destroy(error as Error);
    }
  });
  try {
    await pipeline(source, parser);
  } catch (error) {
    // A parse error or a blank line: the file is read again, whole, by the exact path, for the exact message.
    if (error instanceof NeedsExactParse || isParserError(error)) {
      return parseCsvBytes(await readFile(path), name, limits);
    }
    throw error;
  }
  return builder.finish();
}

/** How much of the start the delimiter is sniffed from. */
const SNIFF_LINES = 20;
const SNIFF_CHARS = 64 * 1024;

/**
 * The file's bytes as text, checked as they come: not UTF-16, not a ZIP (Excel), no NUL bytes, valid UTF-8; each
 * refusal names the line it is on.
 */
async function* decodedChunks(stream: AsyncIterable<Buffer>, name: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let line = 1;
  let first = true;
  for await (const chunk of stream) {
    if (first) {
      checkLeadingBytes(chunk, name);
      first = false;
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) throw binary(name, line + lineAtByte(chunk, nul) - 1);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (error) {
      const lossy = new TextDecoder('utf-8').decode(chunk);
      const bad = lossy.indexOf('\uFFFD');
      throw notUtf8(name, bad === -1 ? null : line + countLines(lossy, bad) - 1, error);
    }
    line += lineAtByte(chunk, chunk.length) - 1;
    yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (error) {
    throw notUtf8(name, line, error);
  }
}

function checkBytes(name: string, size: number, limits: IntakeLimits): void {
  if (size > limits.maxBytes) {
    throw new LinguacodusError(
      'too_large',
      `${name} is ${formatMb(size)}; the limit is ${formatMb(limits.maxBytes)} (MAX_UPLOAD_MB).`,
    );
  }
}

/** Common wrong uploads get a message saying what to do instead. */
function checkLeadingBytes(bytes: Uint8Array, name: string): void {
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
}

const binary = (name: string, line: number) =>
  badCsv(name, line, 'this looks like a binary file, not a CSV (it holds NUL bytes).');
const notUtf8 = (name: string, line: number | null, cause: unknown) =>
  badCsv(name, line, 'the file is not UTF-8 text; save it as UTF-8 CSV and send it again.', cause);

/** Decodes bytes as UTF-8 (BOM stripped) and parses them; `name` is used in error messages. */
export function parseCsvBytes(bytes: Uint8Array, name: string, limits: IntakeLimits): Table {
  checkBytes(name, bytes.byteLength, limits);
  if (bytes.byteLength === 0) throw badCsv(name, null, 'the file is empty.');
  checkLeadingBytes(bytes, name);
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw binary(name, lineAtByte(bytes, nul));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    throw notUtf8(name, bad === -1 ? null : countLines(lossy, bad), error);
  }
  return parseCsvText(text, name, limits);
}

/** The line (1-based) that the byte at `offset` is on. */
function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(LF); i !== -1 && i < offset; i = bytes.indexOf(LF, i + 1)) line++;
  return line;
}

function countLines(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Picks the delimiter that splits the first lines into the same number (>1) of fields most often. */
export function sniffDelimiter(text: string): Delimiter {
  const sample = firstLines(text, SNIFF_LINES);
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
 * csv-parse's options for our CSVs (RFC 4180 plus common habits): the sniffed delimiter, quoted fields with
 * delimiters, newlines and doubled quotes, CRLF, LF or CR, a BOM; rows of another length are ours to judge (a
 * trailing delimiter is tolerated), and text after a closing quote is kept with the quotes (`"ab"c` reads `"ab"c`;
 * the hand-written reader before it read `abc`, as Python's csv module does). This is the fast path: records come
 * as plain arrays; a blank line or a parse error sends the file to the exact path (exactOptions).
 */
function fastOptions(delimiter: Delimiter): Options {
  return {
    delimiter,
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
  };
}

/**
 * The exact path: empty lines skipped and counted, each record with its raw text (so that `""` is a value and not a
 * blank line) handed to the table as soon as it is parsed, so that the first broken line is the one reported.
 */
function exactOptions(delimiter: Delimiter, builder: TableBuilder): Options {
  return {
    ...fastOptions(delimiter),
    skip_empty_lines: true,
    raw: true,
    // With `raw`, csv-parse hands each record over as `{record, raw}`.
    on_record: ((parsed: { record: string[]; raw: string }, context: InfoRecord) => {
      builder.add(parsed.record, parsed.raw, context.empty_lines);
      return null;
    }) as unknown as Options['on_record'],
  };
}

/** A blank line met on the fast path: only the exact path tells it from a quoted empty value. */
class NeedsExactParse extends Error {}

const isParserError = (error: unknown) =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('CSV_');

/**
 * Parses CSV text with csv-parse (see parserOptions) into a table: missing tokens as null, the header's names made
 * unique, the limits and the broken rows refused with the line they start on.
 */
export function parseCsvText(text: string, name: string, limits: IntakeLimits): Table {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (src.trim() === '') throw badCsv(name, null, 'the file is empty.');
  const delimiter = sniffDelimiter(src);
  try {
    const builder = new TableBuilder(name, limits);
    for (const record of parseSync(src, fastOptions(delimiter)) as string[][])
      builder.add(record, null, null);
    return builder.finish();
  } catch (error) {
    if (!(error instanceof NeedsExactParse) && !isParserError(error)) throw error;
  }
  const builder = new TableBuilder(name, limits);
  try {
    parseSync(src, exactOptions(delimiter, builder));
  } catch (error) {
    throw builder.failure(error);
  }
  return builder.finish();
}

/** Rows as the parser gives them, into a table: header, field counts, missing values and the limits. */
class TableBuilder {
  private columns: string[] | null = null;
  private readonly rows: (string | null)[][] = [];
  private dataRows = 0;
  /** Where the last record ended and how many empty lines had been skipped by then (for a broken record's line). */
  private lastLine = 0;
  private lastEmpty = 0;

  constructor(
    private readonly name: string,
    private readonly limits: IntakeLimits,
  ) {}

  /**
   * One record. `raw` and `emptyLines` come from the exact path; without them (the fast path) a blank record throws
   * NeedsExactParse.
   */
  add(fields: string[], raw: string | null, emptyLines: number | null): void {
    const blank = fields.length === 1 && fields[0]!.trim() === '';
    if (blank && raw === null) throw new NeedsExactParse();
    // Lines are counted here, not by the parser (which counts a CRLF inside quotes as two): a record starts on the
    // line after the last one and any empty lines skipped since, and ends as many lines on as its quoted fields break.
    const skipped = emptyLines === null ? 0 : emptyLines - this.lastEmpty;
    const rowLine = this.lastLine + 1 + skipped;
    let breaks = 0;
    for (const v of fields) {
      if (v.indexOf('\n') !== -1 || v.indexOf('\r') !== -1) breaks += v.match(/\r\n|\n|\r/g)?.length ?? 0;
    }
    this.lastLine = rowLine + breaks;
    if (emptyLines !== null) this.lastEmpty = emptyLines;
    // A line of spaces is blank; a quoted empty field is not.
    if (blank && !raw?.includes('"')) return;
    if (this.columns === null) {
      this.columns = headerFrom(fields, this.name, this.limits);
      return;
    }
    const columns = this.columns;
    if (fields.length !== columns.length) {
      // A trailing delimiter on every line gives one extra empty field; tolerate exactly that.
      const trailing = fields.length === columns.length + 1 && fields[fields.length - 1] === '';
      if (!trailing) {
        throw badCsv(
          this.name,
          rowLine,
          `expected ${columns.length} fields (as in the header) but found ${fields.length}.`,
        );
      }
      fields.pop();
    }
    this.dataRows++;
    if (this.dataRows <= this.limits.maxRows) {
      const row: (string | null)[] = new Array(fields.length);
      for (let f = 0; f < fields.length; f++) {
        const v = fields[f]!;
        row[f] = MISSING_TOKENS.has(v) || (v.length < 6 && MISSING_TOKENS.has(v.trim())) ? null : v;
      }
      this.rows.push(row);
    }
  }

  /** A parser's error as ours, with the line it names; our own errors pass through. */
  failure(error: unknown): unknown {
    if (error instanceof LinguacodusError) return error;
    const e = error as { code?: string; lines?: number; empty_lines?: number; message?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The quote opened on the record's first line: the first line after the last whole record and any blank ones.
      const line = this.lastLine + 1 + Math.max(0, (e.empty_lines ?? this.lastEmpty) - this.lastEmpty);
      return badCsv(this.name, line, 'a quoted field is never closed (unterminated quote).', error);
    }
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      const what = (e.message ?? 'it could not be parsed').replace(/\s*at line \d+\.?$/, '');
      return badCsv(this.name, e.lines ?? null, `${what}.`.replace(/\.\.$/, '.'), error);
    }
    return error;
  }

  finish(): Table {
    const { name, limits, dataRows } = this;
    if (this.columns === null) throw badCsv(name, null, 'the file is empty.');
    if (dataRows > limits.maxRows) {
      throw new LinguacodusError(
        'too_large',
        `${name} has ${formatCount(dataRows)} rows; the limit is ${formatCount(limits.maxRows)} (MAX_ROWS).`,
      );
    }
    if (dataRows === 0) throw badCsv(name, null, 'the file has a header but no data rows.');
    return { columns: this.columns, rows: this.rows };
  }
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
