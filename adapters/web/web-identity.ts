// Who is posting or pressing in the web chat, decided by the server: a member named by their own access token, or a
// guest identity the server issued to the browser in a signed cookie. An id in a request body is never read.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from './web-auth.ts';
import { type WebUser, webUserSchema } from './web-store.ts';

export const IDENTITY_COOKIE = 'lc_id';

/** A guest keeps their identity for a year in this browser. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/** The person behind a request, and whether their name is theirs to change (a member's comes from WEB_USERS). */
export interface Identity {
  user: WebUser;
  nameFixed: boolean;
}

/** A member's id follows from their name in WEB_USERS: the same person on every browser and server process. */
export function memberId(name: string): string {
  return `member-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

export class WebIdentity {
  /** `secret` signs guest cookies; every process serving the chat must share it (cookieSecret() does, by DATA_DIR). */
  constructor(private readonly secret: Buffer) {}

  /** The request's person; a guest without a valid cookie gets a new identity, set on the response. */
  identify(req: FastifyRequest, reply: FastifyReply, admission: Admission): Identity {
    if (admission.kind === 'member') {
      return { user: { id: memberId(admission.name), name: admission.name }, nameFixed: true };
    }
    const known = this.verify(req.cookies[IDENTITY_COOKIE]);
    if (known) return { user: known, nameFixed: false };
    const id = randomBytes(6).toString('hex');
    const user = { id: `guest-${id}`, name: `guest-${id.slice(0, 4)}` };
    this.issue(reply, user);
    return { user, nameFixed: false };
  }

  /** A guest's new display name, under the same id. */
  rename(reply: FastifyReply, identity: Identity, name: string): Identity {
    const user = { ...identity.user, name };
    this.issue(reply, user);
    return { user, nameFixed: false };
  }

  /** The signed cookie value: the user as base64url JSON, a dot, and its HMAC-SHA256. */
  sign(user: WebUser): string {
    const payload = Buffer.from(JSON.stringify(user)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The user a cookie value names, or null when it is missing, malformed or not signed with our secret. */
  verify(value: string | undefined): WebUser | null {
    const [payload, mac, extra] = (value ?? '').split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const parsed = webUserSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  private issue(reply: FastifyReply, user: WebUser): void {
    reply.setCookie(IDENTITY_COOKIE, this.sign(user), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: COOKIE_MAX_AGE_S,
    });
  }
}

/**
 * The secret that signs guest cookies: the configured one, else one kept in <dataDir>/web/cookie-secret (made on
 * first start, readable by this user only), so every process on the same DATA_DIR signs alike.
 */
export async function cookieSecret(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured);
  const file = path.join(dataDir, 'web', 'cookie-secret');
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole under a temporary name, then linked into place: one process makes it, the others read it whole.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, randomBytes(32).toString('hex'), { mode: 0o600 });
  await link(temporary, file)
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    })
    .finally(() => unlink(temporary));
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32)
    throw new Error(`${file} is too short to be a cookie secret; delete it to make a new one`);
  return Buffer.from(secret);
}
