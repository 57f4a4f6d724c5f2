// The web chat in a real browser (Debian's chromium): post a task with a CSV, see the three instructions and the
// resolver's choice, vote, run, watch the progress, then the score and the chart; screenshots for the README. And the
// page's answer when Redis loses the conversation it shows.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUEBERRY } from '../helpers/bot-test-kit.ts';
import { type BrowserChat, startBrowserChat } from '../helpers/browser-chat.ts';
import { OwnRedis } from '../helpers/own-redis.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the web chat in a browser', () => {
  let bot: BrowserChat;

  beforeAll(async () => {
    // A short evidence time box: the resolver's quick cross-validation shows in the plan without slowing the test.
    bot = await startBrowserChat({ EVIDENCE_TIMEOUT_S: '20' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('takes a task from post to score and chart', { timeout: 150_000 }, async () => {
    const { page, errors } = await bot.open('Ann');

    await page.fill(
      '#composer textarea',
      'Predict bb_yield, the wild blueberry yield, from the pollination simulation features. Metric: mae',
    );
    await page.setInputFiles('#composer input[type=file]', BLUEBERRY);
    await page.click('[data-testid=send]');

    const thread = page.locator('#thread-messages');
    const plan = thread
      .locator('[data-testid=bot-message]')
      .filter({ has: page.locator('h3', { hasText: 'Three ranked instructions' }) });
    await plan.waitFor({ timeout: 90_000 });
    const planText = (await plan.textContent()) ?? '';
    expect(planText).toMatch(/1\. .+2\. .+3\. .+Researcher's critique/s);
    expect(planText).toMatch(/Resolver's choice: option [123], improved/);
    expect(await plan.locator('a[data-testid=file-link]').textContent()).toContain('instructions.md');

    await plan.getByRole('button', { name: "Vote for the resolver's choice" }).click();
    await plan.locator('.context', { hasText: 'Votes: 1 vote' }).waitFor();

    await plan.getByRole('button', { name: "Run the resolver's choice" }).click();
    const progress = thread.locator('[data-testid=progress]');
    await progress.first().waitFor();
    expect(await progress.first().textContent()).toMatch(/Run of the resolver's choice/);

    const result = thread
      .locator('[data-testid=bot-message]')
      .filter({ has: page.locator('strong', { hasText: /^Score: mae / }) });
    await result.waitFor({ timeout: 120_000 });
    const images = result.locator('img[data-testid=image]');
    await images.first().waitFor();
    for (const image of await images.all()) {
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
    }
    // Two charts (the holdout's and the feature importance) sit side by side in the thread pane.
    if ((await images.count()) === 2) {
      const [a, b] = [await images.nth(0).boundingBox(), await images.nth(1).boundingBox()];
      expect(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width).toBe(true);
    }
    await expect.poll(() => progress.first().textContent()).toContain('finished');
    // Code blocks come highlighted (the log tail, and the code itself when short enough to be inline).
    expect(await result.locator('details.code code.hljs').count()).toBeGreaterThan(0);
    expect(await result.locator('a[data-testid=file-link]', { hasText: 'notebook.ipynb' }).count()).toBe(1);

    // A tall window shows the whole thread: the plan with its tally, the progress, the score and the chart.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await thread.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    mkdirSync(`${ROOT}tests/artifacts`, { recursive: true });
    mkdirSync(`${ROOT}docs`, { recursive: true });
    await page.screenshot({ path: `${ROOT}tests/artifacts/web-chat.png` });
    // The README's screenshot is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: `${ROOT}docs/screenshot.png` });
    expect(errors).toEqual([]);
  });
});

describe('the web chat in a browser when Redis loses the conversation', () => {
  let redis: OwnRedis;
  let bot: BrowserChat;

  beforeAll(async () => {
    // A redis-server of the test's own, saving nothing: restarting it wipes the chat.
    redis = await OwnRedis.start('none');
    bot = await startBrowserChat({ REDIS_URL: redis.url, JOB_LOCK_S: '2' });
  });

  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
  });

  it('says the server lost the open thread instead of waiting', { timeout: 150_000 }, async () => {
    const { page, errors } = await bot.open('Ann');
    await page.fill('#composer textarea', 'Predict bb_yield from the pollination features. Metric: mae');
    await page.setInputFiles('#composer input[type=file]', BLUEBERRY);
    await page.click('[data-testid=send]');
    await page.locator('#thread-messages [data-testid=bot-message]').first().waitFor({ timeout: 60_000 });

    await redis.restart();

    const lost = page.locator('[data-testid=thread-lost]');
    await lost.waitFor({ timeout: 30_000 });
    expect(await lost.textContent()).toContain('The server lost this conversation.');
    expect(await page.locator('#thread-composer').isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
