// Downloads a Discord attachment from its CDN URL, size checked before and while streaming.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LinguacodusError } from '../../core/errors.ts';

export interface DiscordAttachmentSource {
  name: string;
  url: string;
  /** Size Discord declared on the attachment; checked before any byte is fetched. */
  bytes: number;
}

const DISCORD_FILE_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);

/** True for Discord's CDN hosts, or for the one extra host (the configured API host) tests point at. */
export function isDiscordFileHost(url: URL, extraHost?: string): boolean {
  if (extraHost && url.host === extraHost) return true;
  return url.protocol === 'https:' && DISCORD_FILE_HOSTS.has(url.hostname);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function tooLarge(name: string, bytes: number, maxBytes: number): LinguacodusError {
  return new LinguacodusError(
    'too_large',
    `The file "${name}" is ${megabytes(bytes)}; the limit is ${megabytes(maxBytes)}. Send a smaller file.`,
  );
}

/** Fetches the attachment to destPath; rejects with a LinguacodusError a user can act on. */
export async function downloadDiscordAttachment(
  file: DiscordAttachmentSource,
  destPath: string,
  maxBytes: number,
  extraHost?: string,
): Promise<void> {
  if (file.bytes > maxBytes) throw tooLarge(file.name, file.bytes, maxBytes);
  const url = new URL(file.url);
  if (!isDiscordFileHost(url, extraHost)) {
    throw new LinguacodusError(
      'bad_input',
      `I can only fetch files stored on Discord; "${file.name}" points elsewhere.`,
      {
        cause: new Error(`refused attachment host ${url.host}`),
      },
    );
  }
  const response = await fetch(url, { redirect: 'error' }).catch((error: unknown) => {
    throw new LinguacodusError('bad_input', `I could not download "${file.name}" from Discord. Try again.`, {
      cause: error,
      retryable: true,
    });
  });
  if (!response.ok || !response.body) {
    throw new LinguacodusError(
      'bad_input',
      `Discord did not give me "${file.name}" (HTTP ${response.status}).`,
      {
        cause: new Error(`download status ${response.status}`),
      },
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.cancel();
    throw tooLarge(file.name, declared, maxBytes);
  }
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      received += chunk.length;
      if (received > maxBytes) callback(tooLarge(file.name, received, maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), limit, createWriteStream(destPath));
  } catch (error) {
    await rm(destPath, { force: true });
    if (error instanceof LinguacodusError) throw error;
    throw new LinguacodusError(
      'bad_input',
      `The download of "${file.name}" from Discord broke off. Try again.`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
}
