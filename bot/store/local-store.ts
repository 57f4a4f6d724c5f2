// The default file store: DATA_DIR itself. A key's local path is its file under DATA_DIR, so nothing is copied and a
// single process (or several on one shared file system) behaves exactly as before the store existed.
import { copyFile, cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { type FileStore, pathUnder } from './file-store.ts';

export class LocalFileStore implements FileStore {
  readonly root: string;
  readonly where: string;
  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
    this.where = 'DATA_DIR';
  }

  async put(key: string, file: string): Promise<void> {
    const dest = pathUnder(this.root, key);
    if (path.resolve(file) === dest) return;
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(file, dest);
  }

  async putTree(key: string, dir: string): Promise<void> {
    const dest = pathUnder(this.root, key);
    if (path.resolve(dir) === dest) return;
    await cp(dir, dest, { recursive: true });
  }

  get(key: string): Promise<Buffer> {
    return readFile(pathUnder(this.root, key));
  }

  async list(prefix: string): Promise<string[]> {
    const files = await listFiles(this.root);
    return files.filter((k) => k.startsWith(prefix)).sort();
  }

  async sessionIds(): Promise<string[]> {
    return readdir(path.join(this.root, 'sessions')).catch(() => []);
  }

  async delete(key: string): Promise<void> {
    await rm(pathUnder(this.root, key), { recursive: true, force: true });
  }

  async localPath(key: string): Promise<string> {
    return pathUnder(this.root, key);
  }
}

/** Every file under `dir`, as forward-slash paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries: { name: string; parentPath: string; isFile(): boolean }[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}
