// Files people attach in the web chat: streamed to disk under the size cap, offered to the bot, swept once expired.
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { LinguacodusError } from '../../common/errors.ts';
import { safeFileName } from '../../common/safe-file-name.ts';
import type { IncomingFile } from '../../contract/surface.ts';
import { newId, type Upload, type WebStore } from './web-store.ts';

const MB = 1024 * 1024;

/** An upload refused for its size, already recorded; the transfer was cut off at the limit. */
export class UploadTooLarge extends Error {
  constructor(readonly upload: Upload) {
    super(`${upload.name} is over the upload limit`);
  }
}

/**
 * Copies the request body into `out` with backpressure until it ends or passes `maxBytes`; past the limit it stops
 * reading and leaves the request paused (the caller answers and closes the connection, so the rest is never read).
 */
function copyWithin(
  req: IncomingMessage,
  out: WriteStream,
  maxBytes: number,
): Promise<{ bytes: number; cut: boolean }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const finish = (result: { bytes: number; cut: boolean } | Error) => {
      req.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.pause();
        finish({ bytes, cut: true });
      } else if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    const onEnd = () => finish({ bytes, cut: false });
    const onClose = () => {
      if (!req.complete) finish(new Error('the upload was cut short by the browser'));
    };
    req.on('data', onData).once('end', onEnd).once('error', finish).once('close', onClose);
  });
}

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
   * Streams the request body to <root>/<id>/<name>. A file over the limit is cut off: nothing more is read once the
   * declared length or the bytes received pass it (the caller answers 413 and closes the connection), and the
   * refusal is recorded with a null path, so a message carrying it gets the bot's reply with the size and the limit.
   */
  async receive(req: IncomingMessage, requestedName: string): Promise<Upload> {
    const name = requestedName.slice(0, 200);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const id = newId();
    const mime = String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0] ?? '';
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      req.pause();
      throw new UploadTooLarge(await this.record({ id, name, mime, bytes: declared, path: null }));
    }
    const dir = path.join(this.root, id);
    await mkdir(dir, { recursive: true });
    const dest = path.join(dir, safeFileName(name));
    const out = createWriteStream(dest);
    const received = await copyWithin(req, out, this.maxBytes).finally(
      () =>
        new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        ),
    );
    if (received.cut) {
      await rm(dir, { recursive: true, force: true });
      throw new UploadTooLarge(await this.record({ id, name, mime, bytes: received.bytes, path: null }));
    }
    return this.record({ id, name, mime, bytes: received.bytes, path: dest });
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
