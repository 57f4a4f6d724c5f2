// The thread as a workspace in a real browser (Debian's chromium): two runs, the leaderboard updating live as they
// finish, Improve on a result, Blend from the leaderboard; the result shows its code inline and the importance chart
// beside the holdout chart. Screenshot: tests/artifacts/web-workspace.png (docs/workspace.png with UPDATE_SCREENSHOT=1).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUEBERRY, BLUEBERRY_TASK } from '../helpers/bot-test-kit.ts';
import { type BrowserChat, startBrowserChat } from '../helpers/browser-chat.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_WAIT_MS = 240_000;

/** How many of the board's rows say their run is done. */
const doneRows = async (board: Locator) => ((await board.textContent()) ?? '').split('· done ·').length - 1;

describe('the thread as a workspace in a browser', () => {
  let bot: BrowserChat;

  beforeAll(async () => {
    bot = await startBrowserChat({ RUN_CONCURRENCY: '2' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('runs two options, improves one, blends: the leaderboard updates live', {
    timeout: 900_000,
  }, async () => {
    const { page, errors } = await bot.open('Ann');
    await page.fill('#composer textarea', BLUEBERRY_TASK);
    await page.setInputFiles('#composer input[type=file]', BLUEBERRY);
    await page.click('[data-testid=send]');

    const thread = page.locator('#thread-messages');
    const messages = thread.locator('[data-testid=bot-message]');
    await page.getByRole('button', { name: 'Run option 1' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Run option 1' }).click();
    await page.getByRole('button', { name: 'Run option 3' }).click();

    // The board appears with the first run and is edited in place as the runs finish: no reload.
    const board = messages.filter({ has: page.locator('h3', { hasText: 'Leaderboard' }) });
    await board.waitFor({ timeout: 60_000 });
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const n = await doneRows(board);
          if (seen.at(-1) !== n) seen.push(n);
          return n;
        },
        { timeout: RUN_WAIT_MS, interval: 250 },
      )
      .toBe(2);
    expect(seen[0]).toBeLessThan(2);
    expect(await board.count()).toBe(1);

    // A result: its heading names the run and option, the code inline, the importance chart beside the holdout chart.
    const first = messages.filter({ has: page.locator('h3', { hasText: /^#1 · option 1$/ }) });
    await first.waitFor();
    expect(await first.textContent()).toMatch(/Score: mae \d/);
    const code = first.locator('[data-testid=code-block]', { hasText: 'run1-solution.py' });
    await code.waitFor();
    if (!(await code.evaluate((d: HTMLDetailsElement) => d.open)))
      await code.locator('[data-testid=code-summary]').click();
    await expect.poll(() => code.locator('pre').textContent()).toContain('import ');
    const charts = first.locator('img[data-testid=image]');
    await expect.poll(() => charts.count()).toBe(2);
    expect(await charts.nth(1).getAttribute('alt')).toBe('Feature importance, #1 · option 1');
    for (let i = 0; i < 2; i++) {
      await expect
        .poll(() => charts.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
    }

    // Improve on #1's result, then Blend from the board.
    await first.getByRole('button', { name: 'Improve #1' }).click();
    await expect.poll(() => doneRows(board), { timeout: RUN_WAIT_MS, interval: 500 }).toBe(3);
    expect(await board.textContent()).toContain('#3 · option 1, improved from #1');
    await board.getByRole('button', { name: /^Blend #/ }).click();
    await expect.poll(() => doneRows(board), { timeout: RUN_WAIT_MS, interval: 500 }).toBe(4);
    expect(await board.textContent()).toContain('#4 · blend of #1, #2, #3');
    expect(((await board.textContent()) ?? '').split('★ best').length - 1).toBe(1);
    await messages.filter({ has: page.locator('h3', { hasText: /^#4 · blend/ }) }).waitFor();

    // The board and its latest results, for the README.
    await page.setViewportSize({ width: 1440, height: 2000 });
    await board.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    mkdirSync(`${ROOT}tests/artifacts`, { recursive: true });
    await page.screenshot({ path: `${ROOT}tests/artifacts/web-workspace.png` });
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: `${ROOT}docs/workspace.png` });
    console.log(`board updates seen (done rows): ${seen.join(' → ')}`);

    // A row's "result" link opens that result in place: scrolled into view, focused and marked, no reload.
    const before = await page.evaluate(() => performance.timeOrigin);
    const link = board.getByRole('link', { name: 'result' }).first();
    const target = new URL((await link.getAttribute('href')) ?? '', page.url()).searchParams.get('message');
    await link.click();
    const linked = page.locator('#thread-messages .message.linked');
    await linked.waitFor({ timeout: 10_000 });
    expect(await linked.getAttribute('data-id')).toBe(target);
    expect(await linked.textContent()).toMatch(/Score: mae/);
    expect(await linked.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(page.url()).toMatch(/[?&]message=/);
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(before);
    expect(errors).toEqual([]);
  });
});
