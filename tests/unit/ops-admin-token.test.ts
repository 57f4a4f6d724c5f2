// The operations token: Bearer, or HTTP basic auth as admin (what a browser sends after its prompt); nothing else.
import { describe, expect, it } from 'vitest';
import { hasAdminToken } from '../../bot/ops/operations.ts';

const TOKEN = 'the-admin-token-16';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('hasAdminToken', () => {
  it('takes the token as Bearer or as the admin password', () => {
    expect(hasAdminToken(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(hasAdminToken(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(hasAdminToken(basic('admin', TOKEN), TOKEN)).toBe(true);
  });

  it('refuses no header, another token, another user, a prefix of the token and other schemes', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer nope',
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      basic('root', TOKEN),
      basic('admin', 'nope'),
      `Basic ${Buffer.from(TOKEN).toString('base64')}`,
      `Token ${TOKEN}`,
      TOKEN,
    ]) {
      expect(hasAdminToken(header, TOKEN), String(header)).toBe(false);
    }
  });
});
