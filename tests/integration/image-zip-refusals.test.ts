// Safe unpacking of a zip of pictures: each refusal says why in the user's words and leaves nothing on disk; files
// that are not pictures are skipped with a note.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { DEFAULT_ZIP_LIMITS, unpackZip } from '../../core/intake/image-zip.ts';
import { classPicture, writeZip, type ZipEntry } from '../helpers/image-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function refusal(entries: ZipEntry[], limits = DEFAULT_ZIP_LIMITS): Promise<string> {
  n += 1;
  const zip = writeZip(join(dir, `z${n}.zip`), entries);
  const dest = join(dir, `out${n}`);
  const error = await unpackZip(zip, dest, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinguacodusError);
  expect(existsSync(dest)).toBe(false);
  return (error as LinguacodusError).userMessage;
}

const pic = (name: string) => ({ name, content: classPicture(0, 1) });

describe('unpackZip refuses', () => {
  it('an entry that climbs out of the folder', async () => {
    expect(await refusal([pic('a.png'), pic('../evil.png')])).toMatch(
      /^I did not unpack z\d+\.zip: an entry's name leaves the folder .*\.\.\/evil\.png.*Nothing of it was kept\.$/,
    );
  });

  it('an absolute entry', async () => {
    expect(await refusal([pic('/etc/evil.png')])).toMatch(
      /an entry's name leaves the folder \(\/etc\/evil\.png\)/,
    );
  });

  it('a link', async () => {
    expect(await refusal([pic('a.png'), { name: 'b.png', linkTo: '/etc/passwd' }])).toMatch(
      /the entry `b\.png` is a link\. Nothing of it was kept\./,
    );
  });

  it('too many files', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => pic(`p${i}.png`));
    expect(await refusal(entries, { ...DEFAULT_ZIP_LIMITS, maxEntries: 4 })).toMatch(
      /it holds 5 entries, more than the 4 allowed/,
    );
  });

  it('too many bytes', async () => {
    const entries = [pic('a.png'), { name: 'b.png', zeros: 3 * 1024 * 1024 }];
    expect(await refusal(entries, { ...DEFAULT_ZIP_LIMITS, maxBytes: 2 * 1024 * 1024 })).toMatch(
      /it unpacks to more than 2 MB/,
    );
  });

  it('a zip bomb ratio', async () => {
    expect(await refusal([pic('a.png'), { name: 'bomb.png', zeros: 50 * 1024 * 1024 }])).toMatch(
      /the entry `bomb\.png` grows \d+ times when unpacked \(at most 200\), like a zip bomb/,
    );
  });

  it('a file that is not a zip', async () => {
    n += 1;
    const path = join(dir, 'not.zip');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'hello');
    const error = await unpackZip(path, join(dir, 'out-not')).catch((e: unknown) => e);
    expect((error as LinguacodusError).userMessage).toMatch(/^not\.zip is not a zip file I can read/);
    expect(existsSync(join(dir, 'out-not'))).toBe(false);
  });
});

describe('unpackZip keeps', () => {
  it('pictures and tables, skipping other files with a note and archiver clutter silently', async () => {
    const zip = writeZip(join(dir, 'ok.zip'), [
      { name: 'train.csv', content: 'file,label\ncats/1.png,cat\n' },
      pic('cats/1.png'),
      pic('dogs/2.jpg'),
      { name: 'readme.txt', content: 'hello' },
      { name: '__MACOSX/._1.png', content: 'x' },
      { name: 'notes.txt', content: 'x' },
    ]);
    const out = await unpackZip(zip, join(dir, 'ok'));
    expect(out.images).toEqual(['cats/1.png', 'dogs/2.jpg']);
    expect(out.tables).toEqual(['train.csv']);
    expect(out.notes).toEqual([
      'Skipped 2 files of type .txt in ok.zip (not pictures): `readme.txt`, `notes.txt`.',
    ]);
    expect((await readdir(join(dir, 'ok'))).sort()).toEqual(['cats', 'dogs', 'train.csv']);
  });
});
