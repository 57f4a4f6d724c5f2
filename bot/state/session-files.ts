// Files of a session under DATA_DIR/sessions/<id>/: uploads, plan text and run outputs; removed with the session.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/pino-logger.ts';
import { safeFileName } from '../../common/safe-file-name.ts';
import type { FileStore } from '../store/index.ts';
import type { SessionStore } from './session-store.ts';

export class SessionFiles {
  readonly root: string;
  constructor(dataDir: string) {
    this.root = path.resolve(dataDir, 'sessions');
  }

  dir(sid: string): string {
    return path.join(this.root, sid);
  }

  async ensure(sid: string, ...sub: string[]): Promise<string> {
    const dir = path.join(this.dir(sid), ...sub);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** A file name safe to put on disk: the one rule, shared with the web chat's uploads (common/). */
  static readonly safeName = safeFileName;

  async remove(sid: string): Promise<void> {
    await rm(this.dir(sid), { recursive: true, force: true });
  }

  /** Removes the folders (and the file store's objects) of sessions whose Redis state has expired. */
  async sweep(store: SessionStore, logger: Logger, fileStore?: FileStore): Promise<number> {
    const local = await readdir(this.root).catch(() => [] as string[]);
    const stored = fileStore ? await fileStore.sessionIds() : [];
    const names = [...new Set([...local, ...stored])];
    const gone = await store.expiredIds(names.filter((n) => /^[0-9a-f]{16}$/.test(n)));
    for (const sid of gone) {
      await this.remove(sid);
      if (fileStore && stored.includes(sid)) await fileStore.delete(`sessions/${sid}`);
    }
    if (gone.length) logger.info({ removed: gone.length }, 'removed files of expired sessions');
    return gone.length;
  }
}
