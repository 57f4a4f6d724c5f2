// Intake of image tasks: a zip with a labels CSV and a test/ folder inside, a folder-per-class zip with a separate
// test zip, and the refusals (no labels, undecodable pictures) with the message the user sees.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { classPicture, writeZip, type ZipEntry } from '../helpers/image-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-image-intake-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folder(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  return path;
}

const CLASSES = ['shirt', 'shoe', 'bag'];

describe('image intake', () => {
  it('reads a zip with a labels CSV and a test/ folder inside', async () => {
    const at = await folder('csv');
    const entries: ZipEntry[] = [];
    const rows = ['id,label'];
    for (let i = 0; i < 30; i++) {
      entries.push({ name: `data/train/${i}.png`, content: classPicture(i % 3, i) });
      rows.push(`${i},${CLASSES[i % 3]}`);
    }
    for (let i = 0; i < 6; i++)
      entries.push({ name: `data/test/t${i}.png`, content: classPicture(i % 3, 99 + i) });
    entries.push({ name: 'data/train.csv', content: `${rows.join('\n')}\n` });
    const zip = writeZip(join(at, 'clothes.zip'), entries);
    const { spec, profile } = await intakeTask(
      { text: 'Which kind of clothing is in each picture? Metric: accuracy.', files: [zip] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(spec.dataType).toBe('image');
    expect(spec.targets).toEqual(['label']);
    expect(spec.idColumn).toBe('id');
    expect(spec.metric).toBe('accuracy');
    expect(spec.inferred[0]).toBe(
      'The data is images: 30 pictures in clothes.zip (labelled by a CSV; PNG, 12×12 px, grey) and 6 pictures to predict for.',
    );
    expect(profile.images).toMatchObject({ count: 30, testCount: 6, channels: [1], layout: 'labels csv' });
    expect(profile.target.classes?.map((c) => c.count)).toEqual([10, 10, 10]);
    const train = await readFile(spec.trainFile, 'utf8');
    expect(train.split('\n').slice(0, 2)).toEqual(['id,label,path', '0,shirt,images/train/data/train/0.png']);
    const test = await readFile(spec.testFile!, 'utf8');
    expect(test.split('\n').slice(0, 2)).toEqual(['id,path', 't0,images/train/data/test/t0.png']);
    expect(spec.extraFiles).toHaveLength(1);
    expect(existsSync(join(spec.extraFiles[0]!, 'train/data/train/0.png'))).toBe(true);
  });

  it('reads a folder-per-class zip with a separate test zip', async () => {
    const at = await folder('folders');
    const entries: ZipEntry[] = [];
    for (let i = 0; i < 24; i++) {
      entries.push({ name: `${CLASSES[i % 3]}s/${i}.png`, content: classPicture(i % 3, i, 10, 3) });
    }
    entries.push({ name: 'README.txt', content: 'made for a test' });
    const zip = writeZip(join(at, 'train.zip'), entries);
    const testZip = writeZip(
      join(at, 'test.zip'),
      Array.from({ length: 4 }, (_, i) => ({
        name: `x${i}.png`,
        content: classPicture(i % 3, 50 + i, 10, 3),
      })),
    );
    const { spec, profile } = await intakeTask(
      { text: 'Sort the photos by kind. Metric: accuracy.', files: [zip, testZip] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(spec.dataType).toBe('image');
    expect(spec.targets).toEqual(['label']);
    expect(spec.idColumn).toBe('file');
    expect(spec.inferred.slice(0, 2)).toEqual([
      'The data is images: 24 pictures in train.zip (one folder per class; PNG, 10×10 px, colour) and 4 pictures to predict for.',
      'Skipped 1 file of type .txt in train.zip (not pictures): `README.txt`.',
    ]);
    expect(profile.images?.samples).toHaveLength(8);
    const test = await readFile(spec.testFile!, 'utf8');
    expect(test.split('\n')[1]).toBe('x0.png,images/test/x0.png');
  });

  it('takes the pictures to predict for from --test (overrides.testFile), whatever its name', async () => {
    const at = await folder('flag');
    const entries = Array.from({ length: 12 }, (_, i) => ({
      name: `${CLASSES[i % 2]}/${i}.png`,
      content: classPicture(i % 2, i),
    }));
    const zip = writeZip(join(at, 'mine.zip'), entries);
    const other = writeZip(join(at, 'unlabelled.zip'), [{ name: 'a.png', content: classPicture(0, 77) }]);
    const { spec } = await intakeTask(
      { text: 'Classify the pictures.', files: [zip], overrides: { testFile: other } },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(spec.testFile).toMatch(/test\.csv$/);
    expect((await readFile(spec.testFile!, 'utf8')).split('\n')[1]).toBe('a.png,images/test/a.png');
  });

  it('with several label columns, takes the one a reply names (else the first)', async () => {
    const at = await folder('several');
    const rows = ['file,colour,shape'];
    const entries: ZipEntry[] = [];
    for (let i = 0; i < 12; i++) {
      entries.push({ name: `${i}.png`, content: classPicture(i % 2, i) });
      rows.push(`${i}.png,${i % 2 ? 'red' : 'blue'},${i % 3 ? 'round' : 'square'}`);
    }
    entries.push({ name: 'labels.csv', content: `${rows.join('\n')}\n` });
    const zip = writeZip(join(at, 'several.zip'), entries);
    const first = await intakeTask({ text: 'Classify the pictures.', files: [zip] }, DEFAULT_INTAKE_LIMITS);
    expect(first.spec.targets).toEqual(['colour']);
    const named = await intakeTask(
      { text: 'Classify the pictures.', notes: ['target: shape'], files: [zip] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(named.spec.targets).toEqual(['shape']);
    expect(named.spec.inferred[1]).toBe(
      'labels.csv has several label columns (`colour`, `shape`); `shape` is the one the task names (say `target: <column>` for another).',
    );
  });

  async function refusal(name: string, entries: ZipEntry[]): Promise<string> {
    const at = await folder(name);
    const zip = writeZip(join(at, `${name}.zip`), entries);
    const error = await intakeTask(
      { text: 'Classify the pictures.', files: [zip] },
      DEFAULT_INTAKE_LIMITS,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(existsSync(join(at, '.linguacodus-images'))).toBe(false);
    return (error as LinguacodusError).userMessage;
  }

  it('refuses pictures without labels', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `${i}.png`, content: classPicture(0, i) }));
    expect(await refusal('nolabels', entries)).toBe(
      'I found 5 pictures in nolabels.zip but no labels: add a labels CSV (a column naming each file and a column with its label) or put each class in its own folder (cats/…, dogs/…).',
    );
  });

  it('refuses when pictures cannot be decoded, naming them', async () => {
    const entries: ZipEntry[] = Array.from({ length: 6 }, (_, i) => ({
      name: `${CLASSES[i % 2]}/${i}.png`,
      content: classPicture(i % 2, i),
    }));
    entries.push({ name: 'shirt/broken.png', content: 'not a picture' });
    entries.push({ name: 'shoe/cut.png', content: classPicture(1, 3).subarray(0, 40) });
    expect(await refusal('broken', entries)).toBe(
      '2 pictures of 8 cannot be decoded: `shirt/broken.png`, `shoe/cut.png`. Replace or remove them and send the pictures again.',
    );
  });

  it('refuses a zip with no pictures', async () => {
    expect(await refusal('empty', [{ name: 'a.txt', content: 'x' }])).toBe(
      'empty.zip holds no pictures (PNG, JPEG, WebP, BMP or GIF) to learn from.',
    );
  });
});
