// The web chat's access check: a shared access token (WEB_ACCESS_TOKEN) or a person's own (WEB_USERS), offered in a
// header or in the cookie a ?token= link sets once. Who the person is comes after, from web-identity.ts.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_COOKIE = 'lc_token';

/** A person with an access token of their own: the server knows their name, and nobody else can take it. */
export interface WebMember {
  name: string;
  token: string;
}

export interface WebAccess {
  /** The shared token: whoever has it comes in as a guest, named by the browser's cookie identity. */
  token?: string;
  members: readonly WebMember[];
}

/** How a request came in: as a guest (no token needed, or the shared one), or as a member by their token. */
export type Admission = { kind: 'guest' } | { kind: 'member'; name: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Who a token admits: a member's own token names them, the shared one admits a guest, anything else no one. */
function admit(offered: string, access: WebAccess): Admission | null {
  // Every member's token is compared, so the time taken does not tell how far down the list a match was.
  let member: WebMember | undefined;
  for (const m of access.members) if (sameSecret(offered, m.token)) member = m;
  if (member) return { kind: 'member', name: member.name };
  return access.token && sameSecret(offered, access.token) ? { kind: 'guest' } : null;
}

/**
 * The request's admission, or null after answering it (cookies read and set by @fastify/cookie). With no token configured (loopback only, enforced by the
 * config) everyone is a guest. A valid ?token= answers with a cookie and a redirect that drops the token from the
 * address bar.
 */
export function authorize(req: FastifyRequest, reply: FastifyReply, access: WebAccess): Admission | null {
  if (!access.token && access.members.length === 0) return { kind: 'guest' };
  const url = new URL(req.url, 'http://localhost');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && admit(fromQuery, access)) {
    url.searchParams.delete('token');
    reply
      .setCookie(TOKEN_COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', path: '/' })
      .redirect(`${url.pathname}${url.search}`, 303);
    return null;
  }
  const header = req.headers['x-access-token'];
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  const offered = (typeof header === 'string' ? header : undefined) ?? bearer ?? req.cookies[TOKEN_COOKIE];
  const admission = offered ? admit(offered, access) : null;
  if (admission) return admission;
  reply
    .code(401)
    .header('Content-Type', 'text/plain; charset=utf-8')
    .send(
      'Access token required: open the chat with ?token=<your access token> once, or send an X-Access-Token header.\n',
    );
  return null;
}
