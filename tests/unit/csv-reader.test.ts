// CSV reading: real-world quirks accepted, broken files and limits refused with a message naming the line or limit.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { formatCsv, writeCsv } from '../../core/harness/index.ts';
import {
  DEFAULT_INTAKE_LIMITS,
  parseCsvText,
  readCsv,
  sniffDelimiter,
  type Table,
} from '../../core/intake/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<LinguacodusError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinguacodusError);
  return error as LinguacodusError;
}

const parse = (text: string) => parseCsvText(text, 'data.csv', DEFAULT_INTAKE_LIMITS);

describe('readCsv accepts real-world files', () => {
  it('strips a UTF-8 BOM and reads CRLF lines', async () => {
    const path = await fixture('bom.csv', `\uFEFFid,name\r\n1,a\r\n2,b\r\n`);
    expect(await readCsv(path, DEFAULT_INTAKE_LIMITS)).toEqual({
      columns: ['id', 'name'],
      rows: [
        ['1', 'a'],
        ['2', 'b'],
      ],
    });
  });

  it('sniffs semicolons and tabs', () => {
    expect(sniffDelimiter('a;b;c\n1,5;2;3\n')).toBe(';');
    expect(parse('a;b\n1,5;x\n').rows).toEqual([['1,5', 'x']]);
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(parse('a\tb c\n1\t2\n').columns).toEqual(['a', 'b c']);
  });

  it('keeps delimiters, newlines and doubled quotes inside quoted fields', () => {
    const table = parse('id,text,n\n1,"Hello, ""world""\nsecond line",3\n2,plain,4\n');
    expect(table.rows).toEqual([
      ['1', 'Hello, "world"\nsecond line', '3'],
      ['2', 'plain', '4'],
    ]);
  });

  it('reads NA, N/A, NaN, null and empty as missing', () => {
    const table = parse('a,b,c,d,e,f\nNA,N/A,NaN,null,,"x"\n');
    expect(table.rows).toEqual([[null, null, null, null, null, 'x']]);
  });

  it('skips blank lines and tolerates a missing final newline', () => {
    expect(parse('a,b\n1,2\n\n3,4').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('names unnamed and repeated columns', () => {
    expect(parse(',x,x\n1,2,3\n').columns).toEqual(['Unnamed: 0', 'x', 'x.1']);
  });

  it('reads a 40,000-row file', async () => {
    const lines = ['No,year,pm2.5,cbwd'];
    for (let i = 0; i < 40_000; i++) lines.push(`${i + 1},2010,${i % 7 === 0 ? 'NA' : i % 500},NW`);
    const path = await fixture('big.csv', lines.join('\n'));
    const table = await readCsv(path, DEFAULT_INTAKE_LIMITS);
    expect(table.rows).toHaveLength(40_000);
    expect(table.rows[0]).toEqual(['1', '2010', null, 'NW']);
  });
});

describe('readCsv streams the file through csv-parse', () => {
  // Past the reader's 1 MiB chunks: quoted fields, multi-byte characters and broken bytes beyond the first chunk.
  const filler = (rows: number) => Array.from({ length: rows }, (_, i) => `${i},"plain, quoted ${i}",é`);

  it('reads fields and characters that cross a chunk boundary, with the lines counted through them', async () => {
    const lines = ['id,text,word', ...filler(40_000), '40000,"two\r\nlines ""quoted""",ü'];
    const path = await fixture('chunks.csv', `${lines.join('\n')}\n`);
    const table = await readCsv(path, DEFAULT_INTAKE_LIMITS);
    expect(table.rows).toHaveLength(40_001);
    expect(table.rows.at(-1)).toEqual(['40000', 'two\r\nlines "quoted"', 'ü']);
    const ragged = await fixture('chunks-ragged.csv', `${lines.join('\n')}\n1,2\n`);
    expect((await failure(readCsv(ragged, DEFAULT_INTAKE_LIMITS))).message).toBe(
      'chunks-ragged.csv, line 40,004: expected 3 fields (as in the header) but found 2.',
    );
  });

  it('names the line of a NUL byte or a bad UTF-8 byte past the first chunk', async () => {
    const head = Buffer.from(`id,text,word\n${filler(40_000).join('\n')}\n`);
    const nul = await fixture('late-nul.csv', Buffer.concat([head, Buffer.from('1,a\0,b\n')]));
    expect((await failure(readCsv(nul, DEFAULT_INTAKE_LIMITS))).message).toBe(
      'late-nul.csv, line 40,002: this looks like a binary file, not a CSV (it holds NUL bytes).',
    );
    const latin1 = await fixture(
      'late-latin1.csv',
      Buffer.concat([head, Buffer.from([0x31, 0x2c, 0xe9, 0x2c, 0x62])]),
    );
    expect((await failure(readCsv(latin1, DEFAULT_INTAKE_LIMITS))).message).toBe(
      'late-latin1.csv, line 40,002: the file is not UTF-8 text; save it as UTF-8 CSV and send it again.',
    );
  });

  it('gives the same table as the in-memory parser, and keeps a quoted empty value while skipping blank lines', async () => {
    const text = 'a\n1\n   \n""\r\n\n2\r3\n';
    const path = await fixture('blank.csv', text);
    const table = await readCsv(path, DEFAULT_INTAKE_LIMITS);
    expect(table).toEqual(parse(text));
    expect(table.rows).toEqual([['1'], [null], ['2'], ['3']]);
  });
});

describe('readCsv refuses broken files, naming the file and line', () => {
  it('an unterminated quote', async () => {
    const path = await fixture('quote.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
    const error = await failure(readCsv(path, DEFAULT_INTAKE_LIMITS));
    expect(error.code).toBe('bad_csv');
    expect(error.message).toContain('quote.csv, line 3');
    expect(error.message).toContain('unterminated quote');
  });

  it('a row with the wrong number of fields', async () => {
    const path = await fixture('ragged.csv', 'a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n');
    const error = await failure(readCsv(path, DEFAULT_INTAKE_LIMITS));
    expect(error.code).toBe('bad_csv');
    expect(error.message).toBe('ragged.csv, line 5: expected 3 fields (as in the header) but found 2.');
  });

  it('binary and non-UTF-8 content', async () => {
    const binary = await fixture('image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0a]));
    expect((await failure(readCsv(binary, DEFAULT_INTAKE_LIMITS))).message).toMatch(/image\.csv.*binary/);
    const latin1 = await fixture('latin1.csv', new Uint8Array([...Buffer.from('a,b\n1,2\ncaf'), 0xe9, 0x0a]));
    const error = await failure(readCsv(latin1, DEFAULT_INTAKE_LIMITS));
    expect(error.code).toBe('bad_csv');
    expect(error.message).toContain('latin1.csv, line 3');
    expect(error.message).toContain('UTF-8');
  });

  it('UTF-16 text and Excel files, with what to do instead', async () => {
    const utf16 = await fixture('wide.csv', new Uint8Array([0xff, 0xfe, 0x61, 0x00]));
    expect((await failure(readCsv(utf16, DEFAULT_INTAKE_LIMITS))).message).toBe(
      'wide.csv: the file is UTF-16 text; save it as UTF-8 CSV and send it again.',
    );
    const xlsx = await fixture('sheet.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    expect((await failure(readCsv(xlsx, DEFAULT_INTAKE_LIMITS))).message).toContain(
      'export the sheet as CSV',
    );
  });

  it('an empty file, a header alone and a file without a header', async () => {
    expect((await failure(readCsv(await fixture('empty.csv', ''), DEFAULT_INTAKE_LIMITS))).message).toBe(
      'empty.csv: the file is empty.',
    );
    expect(
      (await failure(readCsv(await fixture('head.csv', 'a,b\n'), DEFAULT_INTAKE_LIMITS))).message,
    ).toContain('no data rows');
    const noHeader = await failure(
      readCsv(await fixture('nohead.csv', '1,2.5,3\n4,5,6\n'), DEFAULT_INTAKE_LIMITS),
    );
    expect(noHeader.code).toBe('bad_csv');
    expect(noHeader.message).toContain('nohead.csv, line 1');
    expect(noHeader.message).toContain('header');
  });

  it('a file that does not exist', async () => {
    const error = await failure(readCsv(join(dir, 'missing.csv'), DEFAULT_INTAKE_LIMITS));
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain('missing.csv');
  });
});

describe('readCsv enforces the limits, naming each', () => {
  it('rows', async () => {
    const path = await fixture('rows.csv', 'a\n1\n2\n3\n4\n');
    const error = await failure(readCsv(path, { ...DEFAULT_INTAKE_LIMITS, maxRows: 3 }));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('rows.csv has 4 rows; the limit is 3 (MAX_ROWS).');
  });

  it('rows, with thousands separators', () => {
    const text = `a\n${'1\n'.repeat(2_001)}`;
    expect(() => parseCsvText(text, 'train.csv', { ...DEFAULT_INTAKE_LIMITS, maxRows: 2_000 })).toThrow(
      'train.csv has 2,001 rows; the limit is 2,000 (MAX_ROWS).',
    );
  });

  it('columns', async () => {
    const path = await fixture('wide.csv', 'a,b,c\n1,2,3\n');
    const error = await failure(readCsv(path, { ...DEFAULT_INTAKE_LIMITS, maxColumns: 2 }));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('wide.csv has 3 columns; the limit is 2 (MAX_COLUMNS).');
  });

  it('bytes, before reading the file', async () => {
    const path = await fixture('bytes.csv', `a\n${'1\n'.repeat(600_000)}`);
    const error = await failure(readCsv(path, { ...DEFAULT_INTAKE_LIMITS, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('bytes.csv is 1.1 MB; the limit is 1 MB (MAX_UPLOAD_MB).');
  });
});

describe('writeCsv', () => {
  it('quotes what needs quoting and round-trips through readCsv', async () => {
    const table: Table = {
      columns: ['id', 'text, with comma', 'n'],
      rows: [
        ['1', 'say "hi"\nthen go', '1.5'],
        ['2', null, ' padded '],
      ],
    };
    expect(formatCsv(table)).toBe('id,"text, with comma",n\n1,"say ""hi""\nthen go",1.5\n2,," padded "\n');
    const path = join(dir, 'out.csv');
    await writeCsv(path, table);
    expect(await readCsv(path, DEFAULT_INTAKE_LIMITS)).toEqual(table);
  });
});
