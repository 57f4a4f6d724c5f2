// The web chat's access token and its limits over real HTTP: no token no chat, a token link sets a cookie,
// uploads past MAX_UPLOAD_MB are refused, only files under DATA_DIR are ever served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSurface } from '../../adapters/web/index.ts';
import { ConfigError, parseConfig } from '../../bot/config.ts';
import { startWebBot, type WebBot } from './bot-test-kit.ts';

const TOKEN = 'a-long-enough-access-token';

describe('web chat access', () => {
  let bot: WebBot;
  let web: WebSurface;

  beforeAll(async () => {
    bot = await startWebBot({ WEB_ACCESS_TOKEN: TOKEN, MAX_UPLOAD_MB: '1' }, { workers: [] });
    web = bot.web;
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('refuses to bind beyond loopback without a token', () => {
    expect(() => parseConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(parseConfig({ HOST: '0.0.0.0', WEB_ACCESS_TOKEN: TOKEN }).HOST).toBe('0.0.0.0');
  });

  it('checks the token on every request: header, or the cookie a ?token= link sets', async () => {
    const url = (p: string) => new URL(p, web.url());
    expect((await fetch(url('/'))).status).toBe(401);
    expect((await fetch(url('/api/channels'))).status).toBe(401);
    expect(
      (await fetch(url('/api/channels'), { headers: { 'X-Access-Token': 'wrong-token-of-some-length' } }))
        .status,
    ).toBe(401);
    expect((await fetch(url('/api/channels'), { headers: { 'X-Access-Token': TOKEN } })).status).toBe(200);

    const link = await fetch(url(`/?token=${TOKEN}`), { redirect: 'manual' });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/');
    const cookie = (link.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^lc_token=/);
    const page = await fetch(url('/'), { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Linguacodus chat</title>');
    const hljs = await fetch(url('/vendor/hljs.js'), { headers: { Cookie: cookie } });
    expect(await hljs.text()).toContain('export default module.exports');
  });

  it('refuses uploads past the limit and serves no file outside a message', async () => {
    const headers = { 'X-Access-Token': TOKEN };
    const big = await fetch(new URL('/api/uploads?name=big.csv', web.url()), {
      method: 'POST',
      headers,
      body: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(await big.json()).toMatchObject({ name: 'big.csv', refused: true });
    for (const p of ['/files/nope/0', '/files/..%2F..%2Fetc%2Fpasswd/0', '/../../etc/passwd']) {
      expect((await fetch(new URL(p, web.url()), { headers })).status).toBe(404);
    }
  });
});
