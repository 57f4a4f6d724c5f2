// Downloads a Slack file (url_private) with the bot token: only to Slack's own hosts, size checked before and during.
import { LinguacodusError } from '../../common/errors.ts';
import {
  downloadRefused,
  downloadUnreachable,
  fileTooLarge,
  foreignHost,
  saveCappedDownload,
} from '../download-capped.ts';

export interface SlackFileSource {
  name: string;
  url: string;
  /** Size Slack declared in the event; checked before any byte is fetched. */
  bytes: number;
}

const MAX_REDIRECTS = 3;

/** True for Slack's own hosts, or for the one extra host (the configured API host) tests point at. */
export function isSlackHost(url: URL, extraHost?: string): boolean {
  if (extraHost && url.host === extraHost) return true;
  if (url.protocol !== 'https:') return false;
  return (
    url.hostname === 'slack.com' ||
    url.hostname.endsWith('.slack.com') ||
    url.hostname.endsWith('.slack-edge.com')
  );
}

/** Fetches file.url to destPath; rejects with a LinguacodusError a user can act on. */
export async function downloadSlackFile(
  file: SlackFileSource,
  token: string,
  destPath: string,
  maxBytes: number,
  extraHost?: string,
): Promise<void> {
  if (file.bytes > maxBytes) throw fileTooLarge(file.name, file.bytes, maxBytes);
  const source = { name: file.name, platform: 'Slack', where: 'in Slack' };
  let url = new URL(file.url);
  let response: Response | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    // The bearer token must never leave Slack: a file link (or a redirect) elsewhere is refused outright.
    if (!isSlackHost(url, extraHost)) throw foreignHost(source, url.host);
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' }).catch(
      (error: unknown) => {
        throw downloadUnreachable(source, error);
      },
    );
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    break;
  }
  if (!response?.ok || !response.body) throw downloadRefused(source, response?.status);
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('text/html')) {
    // Slack answers 200 with its sign-in page when the token lacks files:read: never save that as the data.
    await response.body.cancel();
    throw new LinguacodusError(
      'bad_input',
      `Slack sent a sign-in page instead of "${file.name}": the app needs the files:read scope.`,
      { cause: new Error(`content-type ${contentType}`) },
    );
  }
  await saveCappedDownload(response.body, response.headers, source, destPath, maxBytes);
}
