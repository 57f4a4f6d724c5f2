// Image tasks: a zip (or folder) of pictures with a labels CSV (the Kaggle layout) or one folder per class, and the
// pictures to predict for in a second zip or folder or a `test/` folder inside. They become a CSV task the rest of
// the pipeline knows: train.csv (the id, the label(s) and `path`, the picture's path in the sandbox) and test.csv
// (the id and `path`), beside an `images/` folder that travels with the task as an extra file.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { IntakeLimits, TaskInput } from '../types.ts';
import { readCsv, type Table } from './csv-reader.ts';
import { type ImageFacts, readImageFacts } from './image-facts.ts';
import { IMAGE_EXTENSIONS, unpackZip } from './image-zip.ts';

/** The folder the pictures are in, in the sandbox's work folder. */
export const IMAGES_FOLDER = 'images';
/** The column of train.csv and test.csv holding each picture's path in the sandbox. */
export const PATH_COLUMN = 'path';
/** A share of undecodable pictures above this refuses the task; below, they are skipped and named. */
const MAX_BROKEN_SHARE = 0.05;

export interface ImageProfile {
  count: number;
  testCount: number;
  formats: string[];
  width: { min: number; max: number };
  height: { min: number; max: number };
  channels: number[];
  /** The layout the labels came in. */
  layout: 'labels csv' | 'folder per class';
  /** A few training pictures (host paths), one per class first, for thumbnails. */
  samples: string[];
}

export interface ImageTask {
  input: TaskInput;
  profile: ImageProfile;
  /** Lines for the task card: what was found, skipped or dropped. */
  notes: string[];
}

const isZip = (path: string) => extname(path).toLowerCase() === '.zip';
const isImage = (path: string) => IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
const stem = (path: string) => basename(path, extname(path));
const posix = (path: string) => path.split(sep).join('/');
const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Every file under `dir` (no links followed), relative with `/`. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => posix(relative(dir, join(e.parentPath, e.name))))
    .filter((p) => !/(^|\/)(__MACOSX|\.)/.test(p))
    .sort();
}

/** The zips and folders among the files: the pictures to learn from, and those to predict for. */
async function imageSources(
  files: string[],
  testFile: string | undefined,
): Promise<{ train: string; test: string | null } | null> {
  const isSource = async (file: string) => isZip(file) || (await isDirectory(file));
  const sources: string[] = [];
  for (const file of files) if (await isSource(file)) sources.push(file);
  // `--test test.zip` on the command line names the pictures to predict for.
  const named = testFile !== undefined && (await isSource(testFile)) ? testFile : null;
  if (sources.length === 0) return null;
  const test = named ?? sources.find((s) => /test/i.test(basename(s))) ?? null;
  const train = sources.find((s) => s !== test) ?? null;
  if (train === null) {
    throw new LinguacodusError(
      'bad_input',
      `${basename(test!)} looks like the pictures to predict for: attach the labelled pictures too (a zip with a labels CSV, or one folder per class).`,
    );
  }
  return { train, test };
}

/** Unpacks a zip, or copies a folder (without its links), into `dest`; returns the files and the skip notes. */
async function bring(source: string, dest: string): Promise<{ files: string[]; notes: string[] }> {
  if (isZip(source)) {
    const unpacked = await unpackZip(source, dest);
    return { files: [...unpacked.images, ...unpacked.tables].sort(), notes: unpacked.notes };
  }
  await cp(source, dest, { recursive: true, filter: async (p) => !(await lstat(p)).isSymbolicLink() });
  return { files: await walk(dest), notes: [] };
}

/**
 * `bring`, once: a re-plan of the same upload (a reply in the thread) finds the pictures already there and leaves
 * them alone, so a run copying them meanwhile never sees them go.
 */
async function bringOnce(source: string, dest: string): Promise<{ files: string[]; notes: string[] }> {
  const marker = `${dest}.done.json`;
  const done = await readFile(marker, 'utf8').then(
    (text) => JSON.parse(text) as { files: string[]; notes: string[] },
    () => null,
  );
  if (done) return done;
  await rm(dest, { recursive: true, force: true });
  const brought = await bring(source, dest);
  await writeFile(marker, JSON.stringify(brought));
  return brought;
}

/** How a labels CSV names a picture: its path, its file name, or its file name without the extension. */
type KeyForm = 'path' | 'name' | 'stem';
const keyOf = (form: KeyForm, path: string) =>
  form === 'path' ? path : form === 'name' ? basename(path) : stem(path);

interface LabelsMatch {
  table: Table;
  file: string;
  column: string;
  form: KeyForm;
  /** For each row, the picture it names (relative to the train folder), or null. */
  pictures: (string | null)[];
}

/** The labels CSV and its file column: the column whose values name the most pictures (at least half its rows). */
async function findLabels(
  tables: string[],
  pictures: string[],
  limits: IntakeLimits,
): Promise<LabelsMatch | null> {
  let best: (LabelsMatch & { hits: number }) | null = null;
  const forms: KeyForm[] = ['path', 'name', 'stem'];
  const lookups = forms.map((form) => {
    const map = new Map<string, string>();
    for (const p of pictures) {
      map.set(keyOf(form, p), p);
      // A CSV may name paths from a folder inside the zip (train/cat.1.png for images/train/cat.1.png).
      if (form === 'path')
        for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) map.set(p.slice(i + 1), p);
    }
    return map;
  });
  for (const file of tables) {
    const table = await readCsv(file, limits);
    if (table.columns.length < 2) continue;
    table.columns.forEach((column, c) => {
      forms.forEach((form, f) => {
        const named = table.rows.map((row) => lookups[f]!.get((row[c] ?? '').trim()) ?? null);
        const hits = named.filter((p) => p !== null).length;
        if (hits >= table.rows.length / 2 && hits > 0 && (best === null || hits > best.hits)) {
          best = { table, file, column, form, pictures: named, hits };
        }
      });
    });
  }
  return best;
}

async function factsOf(root: string, pictures: string[]) {
  const facts = new Map<string, ImageFacts>();
  const broken: string[] = [];
  for (const p of pictures) {
    const f = await readImageFacts(join(root, p));
    if (f === null) broken.push(p);
    else facts.set(p, f);
  }
  return { facts, broken };
}

function refuseBroken(broken: string[], total: number): string | null {
  if (broken.length === 0) return null;
  const names = `${broken
    .slice(0, 5)
    .map((b) => `\`${b}\``)
    .join(', ')}${broken.length > 5 ? ` and ${broken.length - 5} more` : ''}`;
  if (broken.length > total * MAX_BROKEN_SHARE) {
    throw new LinguacodusError(
      'bad_input',
      `${plural(broken.length, 'picture')} of ${total.toLocaleString('en')} cannot be decoded: ${names}. Replace or remove them and send the pictures again.`,
    );
  }
  return `Skipped ${plural(broken.length, 'picture')} that cannot be decoded: ${names}.`;
}

const quote = (v: string | null) =>
  v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
/** A small CSV writer (the harness's is a room above), written whole then renamed so no reader sees half a file. */
async function writeCsvTable(path: string, table: Table): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(
    partial,
    `${[table.columns, ...table.rows].map((row) => row.map(quote).join(',')).join('\n')}\n`,
  );
  await rename(partial, path);
}

const range = (values: number[]) => ({
  min: values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
  max: values.reduce((a, b) => Math.max(a, b), 0),
});

/**
 * The CSV task behind the pictures among `input.files` (a zip or folder, and maybe a second one to predict for),
 * written under `workDir`; null when there are no pictures. Throws a LinguacodusError the user can act on when the
 * zip is refused, the pictures have no labels or too many cannot be decoded.
 */
export async function prepareImageTask(
  input: TaskInput,
  workDir: string,
  limits: IntakeLimits,
): Promise<ImageTask | null> {
  const sources = await imageSources(input.files, input.overrides?.testFile);
  if (sources === null) return null;
  const imagesDir = join(workDir, IMAGES_FOLDER);
  try {
    return await prepareIn(input, sources, workDir, imagesDir, limits);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    // The folder of image tasks goes too when this was its only one.
    await rmdir(dirname(workDir)).catch(() => undefined);
    throw error;
  }
}

async function prepareIn(
  input: TaskInput,
  sources: { train: string; test: string | null },
  workDir: string,
  imagesDir: string,
  limits: IntakeLimits,
): Promise<ImageTask> {
  await mkdir(imagesDir, { recursive: true });
  const trainName = basename(sources.train);
  const trainRoot = join(imagesDir, 'train');
  const brought = await bringOnce(sources.train, trainRoot);
  const notes = [...brought.notes];
  const tables = brought.files.filter((f) => !isImage(f)).map((f) => join(trainRoot, f));
  tables.push(...input.files.filter((f) => /\.(csv|tsv)$/i.test(f)));
  let pictures = brought.files.filter(isImage);
  // The pictures to predict for: a second zip or folder, else a test folder inside the first.
  let testRoot: string;
  let testPictures: string[];
  if (sources.test) {
    testRoot = join(imagesDir, 'test');
    const test = await bringOnce(sources.test, testRoot);
    notes.push(...test.notes);
    testPictures = test.files.filter(isImage);
  } else {
    const inside = pictures
      .map((p) => /^(.*?\/)?test[^/]*\//i.exec(p)?.[0])
      .find((prefix): prefix is string => prefix !== undefined);
    testRoot = inside ? join(trainRoot, inside) : trainRoot;
    testPictures = inside
      ? pictures.filter((p) => p.startsWith(inside)).map((p) => p.slice(inside.length))
      : [];
    if (inside) pictures = pictures.filter((p) => !p.startsWith(inside));
  }
  if (pictures.length === 0) {
    throw new LinguacodusError(
      'bad_input',
      `${trainName} holds no pictures (PNG, JPEG, WebP, BMP or GIF) to learn from.`,
    );
  }
  const labels = await findLabels(tables, pictures, limits);
  const layout: ImageProfile['layout'] = labels ? 'labels csv' : 'folder per class';
  const classOf = (p: string) => basename(dirname(p));
  if (!labels && (pictures.some((p) => !p.includes('/')) || new Set(pictures.map(classOf)).size < 2)) {
    throw new LinguacodusError(
      'bad_input',
      `I found ${plural(pictures.length, 'picture')} in ${trainName} but no labels: add a labels CSV (a column naming each file and a column with its label) or put each class in its own folder (cats/…, dogs/…).`,
    );
  }
  const trainFacts = await factsOf(trainRoot, pictures);
  const testFacts = await factsOf(testRoot, testPictures);
  const brokenNote = refuseBroken(
    [...trainFacts.broken, ...testFacts.broken.map((p) => posix(relative(trainRoot, join(testRoot, p))))],
    pictures.length + testPictures.length,
  );
  if (brokenNote) notes.push(brokenNote);
  if (testFacts.broken.length > 0) testPictures = testPictures.filter((p) => testFacts.facts.has(p));

  const sandboxPath = (root: string, p: string) => posix(relative(workDir, join(root, p)));
  const idColumn = labels ? labels.column : 'file';
  let train: Table;
  let targets: string[];
  if (labels) {
    const c = labels.table.columns.indexOf(labels.column);
    const pathColumn = labels.table.columns.includes(PATH_COLUMN) ? `image_${PATH_COLUMN}` : PATH_COLUMN;
    const rows = labels.table.rows.flatMap((row, i) => {
      const p = labels.pictures[i];
      return p && trainFacts.facts.has(p) ? [[...row, sandboxPath(trainRoot, p)]] : [];
    });
    const missing = labels.table.rows.length - rows.length - trainFacts.broken.length;
    if (missing > 0) {
      notes.push(
        `Skipped ${plural(missing, 'row')} of ${basename(labels.file)} that name no picture in ${trainName}.`,
      );
    }
    train = { columns: [...labels.table.columns, pathColumn], rows };
    targets = labels.table.columns.filter((_, i) => i !== c);
    // The image scripts learn one label: the first, unless the task names others (several become a question).
    if (targets.length > 1 && input.overrides?.target === undefined) {
      // The latest reply (or else the task) naming a label column chooses it.
      const said = [...(input.notes ?? [])].reverse().concat(input.text);
      const mentions = (text: string, t: string) =>
        new RegExp(`(^|[^\\w])${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`, 'i').test(text);
      const chosen = said.map((text) => targets.find((t) => mentions(text, t))).find((t) => t !== undefined);
      notes.push(
        `${basename(labels.file)} has several label columns (${targets.map((t) => `\`${t}\``).join(', ')}); ${chosen ? `\`${chosen}\` is the one the task names` : 'the first is the target'} (say \`target: <column>\` for another).`,
      );
      targets = [chosen ?? targets[0]!];
    }
  } else {
    const kept = pictures.filter((p) => trainFacts.facts.has(p));
    train = {
      columns: ['file', 'label', PATH_COLUMN],
      rows: kept.map((p) => [p, classOf(p), sandboxPath(trainRoot, p)]),
    };
    targets = ['label'];
  }
  const trainFile = join(workDir, 'train.csv');
  await writeCsvTable(trainFile, train);
  let testFile: string | null = null;
  if (testPictures.length > 0) {
    testFile = join(workDir, 'test.csv');
    const form = labels?.form ?? 'path';
    await writeCsvTable(testFile, {
      columns: [idColumn, train.columns.at(-1)!],
      rows: testPictures.map((p) => [keyOf(form, p), sandboxPath(testRoot, p)]),
    });
  }

  const all = [...trainFacts.facts.values(), ...testFacts.facts.values()];
  const bySample = new Map<string, string>();
  if (!labels)
    for (const p of pictures) if (!bySample.has(classOf(p))) bySample.set(classOf(p), join(trainRoot, p));
  const samples = [...bySample.values(), ...pictures.slice(0, 8).map((p) => join(trainRoot, p))];
  const profile: ImageProfile = {
    count: train.rows.length,
    testCount: testPictures.length,
    formats: [...new Set(all.map((f) => f.format))].sort(),
    width: range(all.map((f) => f.width)),
    height: range(all.map((f) => f.height)),
    channels: [...new Set(all.map((f) => f.channels))].sort(),
    layout,
    samples: [...new Set(samples)].slice(0, 8),
  };
  const overrides = input.overrides ?? {};
  return {
    input: {
      ...input,
      files: testFile ? [trainFile, testFile] : [trainFile],
      overrides: {
        ...overrides,
        dataType: 'image',
        idColumn: overrides.idColumn ?? idColumn,
        target: overrides.target ?? (targets.length === 1 ? targets[0] : targets),
        testFile: testFile ?? undefined,
        extraFiles: [...(overrides.extraFiles ?? []), imagesDir],
      },
    },
    profile,
    notes: [describeImages(profile, trainName), ...notes],
  };
}

const CHANNEL_WORDS: Record<number, string> = {
  1: 'grey',
  2: 'grey + alpha',
  3: 'colour',
  4: 'colour + alpha',
};

/** One line for the task card: the count, formats, sizes and channels. */
export function describeImages(profile: ImageProfile, source: string): string {
  const size = (r: { min: number; max: number }) => (r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`);
  const sizes = `${size(profile.width)}×${size(profile.height)} px`;
  const channels = profile.channels.map((c) => CHANNEL_WORDS[c] ?? `${c} channels`).join(' or ');
  const test = profile.testCount > 0 ? ` and ${plural(profile.testCount, 'picture')} to predict for` : '';
  const layout = profile.layout === 'labels csv' ? 'labelled by a CSV' : 'one folder per class';
  return `The data is images: ${plural(profile.count, 'picture')} in ${source} (${layout}; ${profile.formats.map((f) => f.toUpperCase()).join(', ')}, ${sizes}, ${channels})${test}.`;
}

/** What an image model learns from: the picture behind each row's path column (the last one). */
export function imageFeatures(columns: string[]): { value: string[]; reason: string | null } {
  const path = columns.at(-1) ?? PATH_COLUMN;
  return { value: [path], reason: null };
}

/** Where an image task's files are written: beside the first zip or folder (a session's uploads folder). */
export function imageWorkDir(input: TaskInput): string {
  const first = input.files[0] ?? '.';
  // One folder per upload (paths, sizes and times), so a new upload never replaces pictures a run may be copying.
  const hash = createHash('sha256');
  for (const file of [...input.files, input.overrides?.testFile ?? '']) {
    const s = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
    hash.update(`${file}\0${s?.size ?? ''}\0${s?.mtimeMs ?? ''}\0`);
  }
  return join(dirname(first), '.linguacodus-images', hash.digest('hex').slice(0, 16));
}

/** The intake result of the CSV task behind the pictures, with the pictures' facts on the profile and the card. */
export function withImages<
  R extends { spec: { inferred: string[]; reasons: Record<string, string> }; profile: object },
>(result: R, images: ImageTask): R {
  // The card's data type line says what the pictures are (and what was skipped).
  const reasons = { ...result.spec.reasons, dataType: images.notes.join(' ') };
  return {
    ...result,
    spec: { ...result.spec, inferred: [...images.notes, ...result.spec.inferred], reasons },
    profile: { ...result.profile, images: images.profile },
  };
}
