// The web chat's access token: checked on every request (header, or a cookie set once from ?token=).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const TOKEN_COOKIE = 'lc_token';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * True when the request may go on. With no token configured (loopback only, enforced by the config) every
 * request may. A valid ?token= answers with a cookie and a redirect that drops the token from the address bar.
 */
export function authorize(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  token: string | undefined,
): boolean {
  if (!token) return true;
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && sameSecret(fromQuery, token)) {
    url.searchParams.delete('token');
    res.writeHead(303, {
      'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      Location: `${url.pathname}${url.search}`,
    });
    res.end();
    return false;
  }
  const header = req.headers['x-access-token'];
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  const offered =
    (typeof header === 'string' ? header : undefined) ?? bearer ?? cookieValue(req, TOKEN_COOKIE);
  if (offered && sameSecret(offered, token)) return true;
  res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(
    'Access token required: open the chat with ?token=<WEB_ACCESS_TOKEN> once, or send an X-Access-Token header.\n',
  );
  return false;
}
