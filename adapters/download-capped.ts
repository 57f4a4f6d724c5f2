// Chat platforms' file downloads: saved under a size cap (declared and streamed), and the errors a person sees.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LinguacodusError } from '../common/errors.ts';

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file in a chat message: its name, the platform it comes from, and where that platform keeps files ("in Slack"). */
export interface DownloadSource {
  name: string;
  platform: string;
  where: string;
}

/** A link to a host the platform does not own is refused before any request: a token must not leave the platform. */
export function foreignHost(file: DownloadSource, host: string): LinguacodusError {
  return new LinguacodusError(
    'bad_input',
    `I can only fetch files stored ${file.where}; "${file.name}" points elsewhere.`,
    { cause: new Error(`refused file host ${host}`) },
  );
}

/** The request never got an answer: worth another try. */
export function downloadUnreachable(file: DownloadSource, cause: unknown): LinguacodusError {
  return new LinguacodusError(
    'bad_input',
    `I could not download "${file.name}" from ${file.platform}. Try again.`,
    {
      cause,
      retryable: true,
    },
  );
}

/** The platform answered without the file. */
export function downloadRefused(file: DownloadSource, status: number | undefined): LinguacodusError {
  return new LinguacodusError(
    'bad_input',
    `${file.platform} did not give me "${file.name}" (HTTP ${status}).`,
    {
      cause: new Error(`download status ${status}`),
    },
  );
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
