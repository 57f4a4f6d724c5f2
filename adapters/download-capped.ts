// Saves a chat platform's file download to disk under a size cap, checked on the declared sizes and while streaming.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LinguacodusError } from '../common/errors.ts';

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The error a person sees for a file over the limit: both sizes, and what to do. */
export function fileTooLarge(name: string, bytes: number, maxBytes: number): LinguacodusError {
  return new LinguacodusError(
    'too_large',
    `The file "${name}" is ${megabytes(bytes)}; the limit is ${megabytes(maxBytes)}. Send a smaller file.`,
  );
}

/**
 * Streams an answered download to destPath. Refuses a Content-Length over maxBytes before reading, and stops a
 * body that grows past it (a missing or lying header); a partial file is removed. `platform` names the source
 * ("Slack", "Discord") in the message shown when the transfer breaks off.
 */
export async function saveCappedDownload(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  file: { name: string; platform: string },
  destPath: string,
  maxBytes: number,
): Promise<void> {
  const declared = Number(headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body.cancel();
    throw fileTooLarge(file.name, declared, maxBytes);
  }
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      received += chunk.length;
      if (received > maxBytes) callback(fileTooLarge(file.name, received, maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as WebReadableStream), limit, createWriteStream(destPath));
  } catch (error) {
    await rm(destPath, { force: true });
    if (error instanceof LinguacodusError) throw error;
    throw new LinguacodusError(
      'bad_input',
      `The download of "${file.name}" from ${file.platform} broke off. Try again.`,
      { cause: error, retryable: true },
    );
  }
}
