// The file store: everything that must outlive a job or move between machines (uploads, plans, run folders, the
// notebooks and charts a delivery attaches), by key. Keys are paths relative to DATA_DIR with forward slashes
// (`sessions/<sid>/uploads/1/titanic.csv`); a process reads a key through `localPath`, which materialises it under
// its own DATA_DIR (the worker's cache) and gives the path core's file-path API takes.
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileStore {
  /** What the store is, for logs and messages: `DATA_DIR` or `s3://bucket/prefix`. */
  readonly where: string;
  /** The root local copies live under (DATA_DIR). */
  readonly root: string;
  /** Stores a local file under `key`. */
  put(key: string, file: string): Promise<void>;
  /** Stores every file under the local folder `dir` under `key/…`. */
  putTree(key: string, dir: string): Promise<void>;
  /** The bytes of one object. */
  get(key: string): Promise<Buffer>;
  /** The keys that start with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The ids of the sessions that have files in the store (`sessions/<sid>/…`), for the expiry sweep. */
  sessionIds(): Promise<string[]>;
  /** Deletes `key` and everything under `key/`. */
  delete(key: string): Promise<void>;
  /**
   * The local path of `key` (a file, or a folder of objects under `key/`), fetched into this process's cache first
   * when needed. A key the store does not hold gives a path that does not exist (job-files.ts says so to the user).
   * With `bytes` (a file rewritten under the same key, like a plan edited with its evidence), a local copy of another
   * size is fetched again.
   */
  localPath(key: string, bytes?: number): Promise<string>;
}

const SESSION_PART = /(?:^|\/)(sessions\/[0-9a-f]{16}(?:\/.*)?)$/;

/**
 * The key of a path under DATA_DIR, this process's or another machine's (a path recorded by the front or by another
 * worker: its `sessions/<sid>/…` part); null for a path outside any session folder.
 */
export function keyOf(root: string, filePath: string): string | null {
  const rel = path.relative(root, path.resolve(filePath));
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  const posix = filePath.split(path.sep).join('/').replace(/\/+$/, '');
  return SESSION_PART.exec(posix)?.[1] ?? null;
}

/** The local path of a key under `root`; refuses a key that would leave it. */
export function pathUnder(root: string, key: string): string {
  const p = path.resolve(root, ...key.split('/'));
  if (p !== root && !p.startsWith(root + path.sep))
    throw new Error(`file store key outside the store: ${key}`);
  return p;
}

/**
 * A path recorded anywhere (this machine's or another's), made local: materialised through the store when it lies
 * in a session folder, unchanged otherwise.
 */
export async function localise(store: FileStore, filePath: string, bytes?: number): Promise<string> {
  const key = keyOf(store.root, filePath);
  return key ? store.localPath(key, bytes) : filePath;
}

/** Stores a file or folder under DATA_DIR (this process's own) at its key: an upload, a plan, a run folder. */
export async function keep(store: FileStore, filePath: string): Promise<void> {
  const key = keyOf(store.root, filePath);
  if (!key) throw new Error(`not under DATA_DIR, so not for the file store: ${filePath}`);
  if ((await stat(filePath)).isDirectory()) await store.putTree(key, filePath);
  else await store.put(key, filePath);
}
