// The per-run folder on the host: writes the job's files, measures disk use, collects results, removes it all.
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CollectedFile, InvalidSandboxJobError, type SandboxFile } from './types.ts';

export interface RunFolder {
  /** Private to this run (mode 0700); holds `work/` and `etc/`. */
  root: string;
  /** Mounted read-write at /work inside the sandbox. */
  work: string;
  /** Small generated files bound read-only into the sandbox's /etc. */
  etc: string;
}

export const DEFAULT_WORK_ROOT = path.join(tmpdir(), 'linguacodus-sandbox');

// Enough for `pwd.getpwuid()` and `getpass.getuser()`, which some libraries call and which fail without an entry.
const PASSWD =
  'root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:65534:65534:sandbox:/tmp:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nsandbox:x:65534:\n';

/** A job path must stay inside the work folder: relative, no `..`, no empty segments. */
export function checkRelativePath(relative: string, what: string): string {
  const normalised = path.posix.normalize(relative);
  if (
    relative.length === 0 ||
    path.posix.isAbsolute(relative) ||
    normalised.startsWith('../') ||
    normalised === '..' ||
    normalised === '.' ||
    relative.includes('\0')
  ) {
    throw new InvalidSandboxJobError(
      `${what} must be a relative path inside the work folder, got "${relative}"`,
    );
  }
  return normalised;
}

/**
 * The folder's name carries the run's deadline (`run-<unix seconds>-XXXXXX`), so a sweeper can tell a
 * folder left by a crashed process from one whose run is still going.
 */
export async function createRunFolder(
  workRoot: string,
  files: SandboxFile[],
  deadlineMs: number,
  workMode = 0o755,
): Promise<RunFolder> {
  await mkdir(workRoot, { recursive: true, mode: 0o700 });
  const root = await mkdtemp(path.join(workRoot, `run-${Math.ceil(deadlineMs / 1000)}-`));
  const work = path.join(root, 'work');
  const etc = path.join(root, 'etc');
  try {
    await mkdir(work, { mode: workMode });
    await mkdir(etc);
    await writeFile(path.join(etc, 'passwd'), PASSWD);
    await writeFile(path.join(etc, 'group'), GROUP);
    for (const file of files) {
      const target = path.join(work, checkRelativePath(file.path, 'a job file path'));
      await mkdir(path.dirname(target), { recursive: true, mode: workMode });
      await writeFile(target, file.content);
    }
    if (workMode !== 0o755) {
      // mkdir applies the umask; the docker driver needs the exact mode so the container's user can write.
      await chmod(work, workMode);
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { root, work, etc };
}

export async function removeRunFolder(folder: RunFolder): Promise<void> {
  await rm(folder.root, { recursive: true, force: true, maxRetries: 3 });
}

interface WalkEntry {
  relative: string;
  absolute: string;
  kind: 'file' | 'symlink' | 'other';
  size: number;
  diskBytes: number;
}

/** Walks without following symlinks; stops after `maxEntries` so a million tiny files cannot stall the host. */
async function walk(dir: string, maxEntries = MAX_WORK_ENTRIES): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const pending: string[] = [''];
  while (pending.length > 0 && out.length < maxEntries) {
    const relDir = pending.pop()!;
    let names: string[];
    try {
      names = await readdir(path.join(dir, relDir));
    } catch {
      continue; // removed while we looked, or unreadable: nothing to count
    }
    for (const name of names) {
      const relative = relDir ? `${relDir}/${name}` : name;
      const absolute = path.join(dir, relative);
      let stats: Awaited<ReturnType<typeof lstat>>;
      try {
        stats = await lstat(absolute);
      } catch {
        continue;
      }
      const diskBytes = Number(stats.blocks) * 512;
      if (stats.isDirectory()) {
        pending.push(relative);
        out.push({ relative, absolute, kind: 'other', size: 0, diskBytes });
      } else {
        const kind = stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : 'other';
        out.push({ relative, absolute, kind, size: Number(stats.size), diskBytes });
      }
      if (out.length >= maxEntries) break;
    }
  }
  return out;
}

/** Most entries a work folder may hold: past this, measuring it gets costly and inodes run out. */
export const MAX_WORK_ENTRIES = 50_000;

/** Bytes the folder occupies on disk (sparse files count what they really use) and whether it holds too many entries. */
export async function measureFolder(dir: string): Promise<{ diskBytes: number; tooManyEntries: boolean }> {
  const entries = await walk(dir, MAX_WORK_ENTRIES + 1);
  return {
    diskBytes: entries.reduce((sum, entry) => sum + entry.diskBytes, 0),
    tooManyEntries: entries.length > MAX_WORK_ENTRIES,
  };
}

/** `*` alone means every file; otherwise `*` and `?` stay within one folder and `**` crosses folders. */
export function globToRegExp(pattern: string): RegExp {
  if (pattern === '*' || pattern === '**') return /^.+$/s;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

export interface CollectResult {
  files: CollectedFile[];
  skipped: { name: string; reason: string }[];
}

/**
 * Copies back the regular files matching `patterns`. Symlinks are never followed (a link to /etc/shadow
 * must not be read on the host); job files the script left unchanged are not "written" and are left out.
 */
export async function collectFiles(
  work: string,
  patterns: string[],
  jobFiles: SandboxFile[],
  caps: { maxFileBytes: number; maxTotalBytes: number },
): Promise<CollectResult> {
  const result: CollectResult = { files: [], skipped: [] };
  if (patterns.length === 0) return result;
  const matchers = patterns.map(globToRegExp);
  const original = new Map(jobFiles.map((file) => [path.posix.normalize(file.path), file.content]));
  let total = 0;
  const entries = (await walk(work)).sort((a, b) => a.relative.localeCompare(b.relative));
  for (const entry of entries) {
    if (entry.kind === 'other' || !matchers.some((matcher) => matcher.test(entry.relative))) continue;
    if (entry.kind === 'symlink') {
      result.skipped.push({ name: entry.relative, reason: 'symbolic link' });
      continue;
    }
    if (entry.size > caps.maxFileBytes) {
      result.skipped.push({ name: entry.relative, reason: `larger than ${caps.maxFileBytes} bytes` });
      continue;
    }
    if (total + entry.size > caps.maxTotalBytes) {
      result.skipped.push({ name: entry.relative, reason: 'total size of collected files over the cap' });
      continue;
    }
    const bytes = await readFile(entry.absolute);
    const written = original.get(entry.relative);
    if (written !== undefined && Buffer.from(written).equals(bytes)) continue;
    total += bytes.length;
    result.files.push({ name: entry.relative, bytes });
  }
  return result;
}
