// The web chat's identity is the server's: a guest cookie it signed, or a member's own token; a forged or altered
// cookie names no one, and every process on one DATA_DIR signs alike.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cookieSecret, memberId, WebIdentity } from '../../adapters/web/web-identity.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'lc-web-identity-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('web identity', () => {
  const identity = new WebIdentity(Buffer.from('a'.repeat(64)));
  const ann = { id: 'guest-0123456789ab', name: 'Ann' };

  it('reads back the user of a cookie it signed', () => {
    expect(identity.verify(identity.sign(ann))).toEqual(ann);
  });

  it('names no one for a cookie altered, signed with another secret, or malformed', () => {
    const signed = identity.sign(ann);
    const [, mac] = signed.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...ann, id: 'guest-someoneelse' })).toString(
      'base64url',
    );
    expect(identity.verify(`${forgedPayload}.${mac}`)).toBeNull();
    expect(new WebIdentity(Buffer.from('b'.repeat(64))).verify(signed)).toBeNull();
    for (const bad of [undefined, '', 'x', `${signed}.x`, `${signed.slice(0, -2)}`, '.'])
      expect(identity.verify(bad)).toBeNull();
  });

  it('gives a member the same id wherever they come from, and each member their own', () => {
    expect(memberId('Ann')).toBe(memberId('Ann'));
    expect(memberId('Ann')).not.toBe(memberId('Bob'));
    expect(memberId('Ann').length).toBeLessThanOrEqual(64);
  });

  it('keeps one secret per DATA_DIR, made once and readable by its owner only; a configured one wins', async () => {
    const [a, b] = await Promise.all([cookieSecret(dataDir), cookieSecret(dataDir)]);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dataDir, 'web', 'cookie-secret')).mode & 0o077).toBe(0);
    expect((await cookieSecret(dataDir, 'c'.repeat(32))).toString()).toBe('c'.repeat(32));
  });
});
