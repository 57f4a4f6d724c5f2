// Files people attach in the web chat: streamed to disk under the size cap, offered to the bot, swept once expired.
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { IncomingFile } from '../../bot/surface.ts';
import { LinguacodusError } from '../../common/errors.ts';
import { safeFileName } from '../../common/safe-file-name.ts';
import { newId, type Upload, type WebStore } from './web-store.ts';

const MB = 1024 * 1024;

export class WebUploads {
  /**
   * `root` holds a folder per upload; `store` is asked lazily, since the chat opens Redis only when first needed.
   */
  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
    private readonly store: () => WebStore,
  ) {}

  /**
   * Streams the request body to <root>/<id>/<name>. A file over the limit is refused but recorded (with a null
   * path): the bot answers in the thread with its size and the limit.
   */
  async receive(req: IncomingMessage, requestedName: string): Promise<Upload> {
    const name = requestedName.slice(0, 200);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const id = newId();
    const mime = String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0] ?? '';
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      req.resume();
      await new Promise((r) => req.on('end', r));
      return this.record({ id, name, mime, bytes: declared, path: null });
    }
    const dir = path.join(this.root, id);
    await mkdir(dir, { recursive: true });
    const dest = path.join(dir, safeFileName(name));
    let bytes = 0;
    let tooLarge = false;
    const out = createWriteStream(dest);
    // Past the limit, keep reading (so the browser gets its answer) but stop writing.
    for await (const chunk of req) {
      bytes += (chunk as Buffer).length;
      if (bytes > this.maxBytes) tooLarge = true;
      else if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    if (tooLarge) {
      await rm(dir, { recursive: true, force: true });
      return this.record({ id, name, mime, bytes, path: null });
    }
    return this.record({ id, name, mime, bytes, path: dest });
  }

  private async record(upload: Upload): Promise<Upload> {
    await this.store().saveUpload(upload);
    return upload;
  }

  /** The upload as the bot sees an attachment: copied on request, refused past the bot's own limit. */
  toIncomingFile(upload: Upload): IncomingFile {
    return {
      name: upload.name,
      bytes: upload.bytes,
      mime: upload.mime,
      async download(destPath, maxBytes) {
        if (!upload.path || upload.bytes > maxBytes) {
          throw new LinguacodusError(
            'too_large',
            `The file ${upload.name} is ${(upload.bytes / MB).toFixed(1)} MB; the limit is ${(maxBytes / MB).toFixed(0)} MB.`,
          );
        }
        await mkdir(path.dirname(destPath), { recursive: true });
        await copyFile(upload.path, destPath);
      },
    };
  }

  /** Removes the folders of uploads whose record expired (with their sessions). */
  async sweep(): Promise<void> {
    const store = this.store();
    const ids = await readdir(this.root).catch(() => [] as string[]);
    for (const id of ids) {
      if (!(await store.getUpload(id))) await rm(path.join(this.root, id), { recursive: true, force: true });
    }
  }
}
