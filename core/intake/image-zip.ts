// Safe unpacking of a zip of pictures (yauzl, not a hand-written reader): entries that escape the folder, links, too
// many files, too many bytes and zip bombs are refused before anything stays on disk; files that are neither a
// picture nor a table are skipped with a note.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { LinguacodusError } from '../errors.ts';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif']);
const TABLE_EXTENSIONS = new Set(['.csv', '.tsv']);
/** Files an archiver adds on its own, skipped without a note. */
const CLUTTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

export interface ZipLimits {
  /** Entries (files and folders) at most. */
  maxEntries: number;
  /** Uncompressed bytes of all kept files together at most. */
  maxBytes: number;
  /** Uncompressed / compressed size of one entry at most (a zip bomb compresses far more). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 50_000, maxBytes: 1024 ** 3, maxRatio: 200 };

/** Entries this small are never a bomb, however well they compress (a blank PNG, a short CSV). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface UnpackedZip {
  /** The folder everything was written to. */
  dir: string;
  /** Pictures, relative to `dir` with `/`, in the zip's order. */
  images: string[];
  /** CSV and TSV files, relative to `dir`. */
  tables: string[];
  /** One line per skipped file kind, for the task card. */
  notes: string[];
}

const refuse = (zipName: string, why: string) =>
  new LinguacodusError('bad_input', `I did not unpack ${zipName}: ${why}. Nothing of it was kept.`);

const isLink = (entry: yauzl.Entry) => ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;

function escapes(name: string): boolean {
  if (name.includes('\0') || isAbsolute(name) || /^[a-zA-Z]:/.test(name)) return true;
  const path = normalize(name);
  return path === '..' || path.startsWith(`..${sep}`) || path.split(/[\\/]/).includes('..');
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

function readStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/** Every entry of the zip, checked before a byte is written: names, links, counts, sizes and ratios. */
async function listEntries(zipPath: string, zipName: string, limits: ZipLimits) {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(zipPath);
  } catch (error) {
    throw new LinguacodusError(
      'bad_input',
      `${zipName} is not a zip file I can read (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw refuse(zipName, `it holds ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`);
  }
  const entries: yauzl.Entry[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error);
    };
    zip.on('error', (error: Error) => {
      // yauzl's own name checks: an absolute path or `..` in an entry.
      if (/absolute path|invalid relative path|invalid characters/.test(error.message)) {
        fail(refuse(zipName, `an entry's name leaves the folder (${error.message.replace(/^[^:]*: /, '')})`));
      } else
        fail(new LinguacodusError('bad_input', `${zipName} is damaged: ${error.message}.`, { cause: error }));
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (escapes(name)) return fail(refuse(zipName, `the entry \`${name}\` leaves the folder`));
      if (isLink(entry)) return fail(refuse(zipName, `the entry \`${name}\` is a link`));
      if (!name.endsWith('/')) {
        total += entry.uncompressedSize;
        if (total > limits.maxBytes) {
          return fail(
            refuse(zipName, `it unpacks to more than ${Math.round(limits.maxBytes / 1024 ** 2)} MB`),
          );
        }
        const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
        if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
          return fail(
            refuse(
              zipName,
              `the entry \`${name}\` grows ${Math.round(ratio)} times when unpacked (at most ${limits.maxRatio}), like a zip bomb`,
            ),
          );
        }
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.readEntry();
  });
  return { zip, entries };
}

/**
 * Unpacks `zipPath` into `dest` (created; removed again when the zip is refused). Keeps pictures and tables, skips
 * the rest with a note. Throws a LinguacodusError whose message says why a zip was refused.
 */
export async function unpackZip(
  zipPath: string,
  dest: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<UnpackedZip> {
  const zipName = basename(zipPath);
  const { entries } = await listEntries(zipPath, zipName, limits);
  const images: string[] = [];
  const tables: string[] = [];
  const skipped = new Map<string, string[]>();
  const keep = entries.filter((entry) => {
    const name = entry.fileName;
    if (name.endsWith('/') || CLUTTER.test(name)) return false;
    const ext = extname(name).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) images.push(name);
    else if (TABLE_EXTENSIONS.has(ext)) tables.push(name);
    else {
      const kind = ext === '' ? 'without an extension' : ext;
      skipped.set(kind, [...(skipped.get(kind) ?? []), name]);
      return false;
    }
    return true;
  });
  await mkdir(dest, { recursive: true });
  let written = 0;
  try {
    // A second pass reads the kept entries; sizes are checked again while streaming (validateEntrySizes).
    const zip = await openZip(zipPath);
    const wanted = new Set(keep.map((e) => e.fileName));
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted.has(entry.fileName)) return zip.readEntry();
        const target = join(dest, entry.fileName);
        if (relative(dest, target).startsWith('..')) {
          zip.close();
          return reject(refuse(zipName, `the entry \`${entry.fileName}\` leaves the folder`));
        }
        written += entry.uncompressedSize;
        if (written > limits.maxBytes) {
          zip.close();
          return reject(
            refuse(zipName, `it unpacks to more than ${Math.round(limits.maxBytes / 1024 ** 2)} MB`),
          );
        }
        mkdir(dirname(target), { recursive: true })
          .then(() => readStream(zip, entry))
          .then((stream) => pipeline(stream, createWriteStream(target, { flags: 'wx' })))
          .then(() => zip.readEntry())
          .catch((error: unknown) => {
            zip.close();
            reject(error);
          });
      });
      zip.readEntry();
    });
  } catch (error) {
    await rm(dest, { recursive: true, force: true });
    if (error instanceof LinguacodusError) throw error;
    throw new LinguacodusError('bad_input', `I could not unpack ${zipName}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const notes = [...skipped].map(
    ([kind, names]) =>
      `Skipped ${names.length} file${names.length > 1 ? 's' : ''} ${kind.startsWith('.') ? `of type ${kind}` : kind} in ${zipName} (not pictures): ${names
        .slice(0, 3)
        .map((n) => `\`${n}\``)
        .join(', ')}${names.length > 3 ? ', …' : ''}.`,
  );
  return { dir: dest, images, tables, notes };
}
