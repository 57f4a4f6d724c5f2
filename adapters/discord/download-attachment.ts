// Downloads a Discord attachment from its CDN URL, size checked before and while streaming.
import {
  downloadRefused,
  downloadUnreachable,
  fileTooLarge,
  foreignHost,
  saveCappedDownload,
} from '../download-capped.ts';

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

/** Fetches the attachment to destPath; rejects with a LinguacodusError a user can act on. */
export async function downloadDiscordAttachment(
  file: DiscordAttachmentSource,
  destPath: string,
  maxBytes: number,
  extraHost?: string,
): Promise<void> {
  if (file.bytes > maxBytes) throw fileTooLarge(file.name, file.bytes, maxBytes);
  const source = { name: file.name, platform: 'Discord', where: 'on Discord' };
  const url = new URL(file.url);
  if (!isDiscordFileHost(url, extraHost)) throw foreignHost(source, url.host);
  const response = await fetch(url, { redirect: 'error' }).catch((error: unknown) => {
    throw downloadUnreachable(source, error);
  });
  if (!response.ok || !response.body) throw downloadRefused(source, response.status);
  await saveCappedDownload(response.body, response.headers, source, destPath, maxBytes);
}
