// The web chat's access token and its limits over real HTTP: no token no chat, a token link sets a cookie,
// uploads past MAX_UPLOAD_MB are cut off at the limit, only files under DATA_DIR are ever served.
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSurface } from '../../adapters/web/index.ts';
import { ConfigError, parseConfig } from '../../bot/config.ts';
import { startWebBot, type WebBot } from '../helpers/bot-test-kit.ts';

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
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ name: 'big.csv', refused: true });
    for (const p of ['/files/nope/0', '/files/..%2F..%2Fetc%2Fpasswd/0', '/../../etc/passwd']) {
      expect((await fetch(new URL(p, web.url()), { headers })).status).toBe(404);
    }
  });

  it('cuts an upload off at MAX_UPLOAD_MB: a 64 MB stream gets 413 after a few MB and leaves no file', async () => {
    const uploads = path.join(bot.t.dataDir, 'web', 'uploads');
    const before = await readdir(uploads).catch(() => [] as string[]);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const total = 64 * 1024 * 1024;
    let written = 0;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(new URL('/api/uploads?name=endless.csv', web.url()), {
        method: 'POST',
        // No Content-Length: the size is known only by reading, as for a chunked upload.
        headers: { 'X-Access-Token': TOKEN, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => {
          body += String(d);
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      const pump = () => {
        while (written < total && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'endless.csv', refused: true });
    // The server stopped reading at the limit: the client got no further than what the sockets' buffers hold.
    expect(written).toBeLessThan(total / 4);
    const after = await readdir(uploads).catch(() => [] as string[]);
    expect(after.filter((d) => !before.includes(d))).toEqual([]);
  });
});
