// The web chat for browser tests: the bot with only the web surface on a fresh test env, Debian's chromium driven by
// playwright-core, and a page opened as a named person once the live feed is up.
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createWebSurface, type WebSurface } from '../../adapters/web/index.ts';
import { type BotApp, createBotApp } from '../../bot/bot-app.ts';
import { webSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import { type TestEnv, testEnv } from './bot-test-kit.ts';

export interface BrowserChat {
  t: TestEnv;
  app: BotApp;
  web: WebSurface;
  browser: Browser;
  /** A page of the web chat, live, as `name`; page errors are collected in `errors`. */
  open(name: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
  stop(): Promise<void>;
}

export async function startBrowserChat(extra: Record<string, string> = {}): Promise<BrowserChat> {
  const t = await testEnv(extra);
  const logger = createLogger({ level: 'silent' });
  const web = createWebSurface(webSurfaceOptions(t.config, logger));
  const app = createBotApp({ config: t.config, logger, surfaces: [web] });
  await app.start();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    t,
    app,
    web,
    browser,
    async open(name, viewport = { width: 1440, height: 1000 }) {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(web.url());
      await expect.poll(() => page.textContent('#connection')).toBe('live');
      // Set as typed, even where the name field sits in the closed drawer (a phone-sized window).
      await page.locator('#username').evaluate((input: HTMLInputElement, value: string) => {
        input.value = value;
        input.dispatchEvent(new Event('change'));
      }, name);
      return { page, errors };
    },
    async stop() {
      await browser.close();
      await app.stop();
      await t.cleanup();
    },
  };
}
