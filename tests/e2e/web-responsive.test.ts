// The web chat at a phone's, a small laptop's and a desktop's size (390 × 844, 1024 × 768, 1440 × 900), used with
// the keyboard only: a task posted with a training file and a test file, a vote and a run by Tab, Enter and Space
// with focus checked after each, the result read, axe-core run on the page with the plan and with the result (no
// critical or serious violation), and a screenshot at each size (docs/web-<width>.png with UPDATE_SCREENSHOT=1):
// the plan on the phone, the run under way on the laptop, the result on the desktop.
// One bot and one run serve all three sizes: the window is resized as the session goes on.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserChat, startBrowserChat } from '../helpers/browser-chat.ts';
import { TITANIC } from '../helpers/datasets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AXE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1024, height: 768 };
const DESKTOP = { width: 1440, height: 900 };

/** The suite's Titanic split in two: 700 labelled rows to train on, 191 rows without `Survived` to predict. */
function titanicFiles(dir: string): { train: string; test: string; testIds: string[] } {
  const [header = '', ...rows] = readFileSync(TITANIC, 'utf8').trimEnd().split('\n');
  const train = path.join(dir, 'train.csv');
  const test = path.join(dir, 'test.csv');
  writeFileSync(train, `${[header, ...rows.slice(0, 700)].join('\n')}\n`);
  // PassengerId,Survived,Pclass,…: no quoted comma before the second field, so cutting it out is safe.
  const dropSurvived = (line: string) => line.replace(/^([^,]*),[^,]*,/, '$1,');
  const testRows = rows.slice(700);
  writeFileSync(test, `${[header, ...testRows].map(dropSurvived).join('\n')}\n`);
  return { train, test, testIds: testRows.map((r) => r.split(',')[0] ?? '') };
}

/** What has focus: its tag, accessible name (aria-label, else text), data-key and id. */
function focused(page: Page) {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return {
      tag: a?.tagName.toLowerCase() ?? '',
      name: (a?.getAttribute('aria-label') ?? a?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      key: a?.dataset.key ?? '',
      id: a?.id ?? '',
    };
  });
}

/** Presses Tab (Shift+Tab with `back`) until the focused element's name matches, at most `max` times. */
async function tabTo(page: Page, name: RegExp, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (name.test(now.name)) return now;
  }
  throw new Error(`no control named ${name} within ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** axe-core's violations of impact critical or serious on the page as it is, each as "rule: targets". */
async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResults> } }).axe;
    type AxeResults = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 3).join(' | ')}`);
}

/** Whether the element is on screen and on top at its centre (not under another pane). */
async function reachable(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const node = document.querySelector(sel);
    if (!(node instanceof HTMLElement)) return false;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.right > innerWidth || r.bottom > innerHeight || r.left < 0 || r.top < 0)
      return false;
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top === node || node.contains(top);
  }, selector);
}

describe('the web chat on a phone, a laptop and a desktop, by keyboard', () => {
  let chat: BrowserChat;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lc-web-responsive-'));
    chat = await startBrowserChat();
  });

  afterAll(async () => {
    await chat?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a task with two files, votes and runs by keyboard, reads the result; axe finds nothing serious', {
    timeout: 240_000,
  }, async () => {
    const files = titanicFiles(dir);
    const { page, errors } = await chat.open('Ann', PHONE);
    const shots = path.join(ROOT, 'tests', 'artifacts');
    mkdirSync(shots, { recursive: true });
    const shoot = async (width: number) => {
      await page.screenshot({ path: path.join(shots, `web-${width}.png`) });
      if (process.env.UPDATE_SCREENSHOT === '1')
        await page.screenshot({ path: path.join(ROOT, 'docs', `web-${width}.png`) });
    };

    // Phone: the channel list is a drawer behind a toggle; Escape closes it and focus goes back to the toggle.
    expect(await reachable(page, '#menu-toggle')).toBe(true);
    expect(await page.locator('#sidebar').isVisible()).toBe(false);
    expect((await tabTo(page, /Channels/)).id).toBe('menu-toggle');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#menu-toggle', 'aria-expanded')).toBe('true');
    expect(await focused(page)).toMatchObject({ tag: 'a', key: 'channel:general' });
    // While it is open, Tab goes through the drawer and back to its toggle, not into the covered channel.
    expect((await tabTo(page, /Channels/, { max: 3 })).id).toBe('menu-toggle');
    expect(await page.getAttribute('#menu-toggle', 'aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute('#menu-toggle', 'aria-expanded')).toBe('false');
    expect((await focused(page)).id).toBe('menu-toggle');

    // The composer: its buttons in view at 360 px too; an empty message is not sent; Shift+Enter breaks the line.
    // (The drawer slides out for 0.2 s.)
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => reachable(page, '[data-testid=send]')).toBe(true);
    await expect.poll(() => reachable(page, '[data-testid=attach]')).toBe(true);
    await page.setViewportSize(PHONE);
    expect((await tabTo(page, /^$/)).id).toBe('composer-text');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#composer [data-role=hint]')).toContain('Nothing to send');
    expect(await page.locator('[data-testid=user-message]').count()).toBe(0);
    expect((await focused(page)).id).toBe('composer-text');
    await page.keyboard.type('Predict Survived: did the passenger survive?');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Metric: accuracy');
    expect(await page.inputValue('#composer-text')).toBe(
      'Predict Survived: did the passenger survive?\nMetric: accuracy',
    );
    // The file dialog is the system's, beyond a page's keyboard; the files are set as a person would pick them.
    expect(await page.getAttribute('#composer-file', 'accept')).toMatch(/^\.csv,\.tsv/);
    await page.setInputFiles('#composer-file', [files.train, files.test]);
    const chips = page.locator('#composer [data-testid=file-chip]');
    await expect
      .poll(() => chips.allTextContents())
      .toEqual([
        expect.stringMatching(/^train\.csv.*training data/),
        expect.stringMatching(/^test\.csv.*to predict for/),
      ]);
    // Sent with Enter: the thread opens over the whole screen, focus on its title, with a Back button.
    await page.focus('#composer-text');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('thread-title');
    expect(await page.locator('#channel-view').isVisible()).toBe(false);
    expect(await page.locator('#close-thread').textContent()).toMatch(/Back/);
    const thread = page.locator('#thread-messages');
    const root = thread.locator('[data-testid=user-message]').first();
    expect(await root.locator('a[data-testid=file-link]').allTextContents()).toEqual([
      expect.stringContaining('train.csv'),
      expect.stringContaining('test.csv'),
    ]);

    const plan = thread.locator('[data-testid=bot-message]').filter({ hasText: /Three ranked instructions/ });
    await plan.waitFor({ timeout: 90_000 });
    // Bot replies are announced in the one polite live region, not by the whole log.
    await expect.poll(() => page.textContent('[data-testid=announcer]')).toMatch(/^Linguacodus: \S/);
    expect(await page.locator('[aria-live]').count()).toBe(1);
    expect(await page.getAttribute('[data-testid=announcer]', 'aria-live')).toBe('polite');
    // The bot took the second file as the one to predict for.
    const card = thread
      .locator('[data-testid=bot-message]')
      .filter({ hasText: /The task as I understand it/ });
    expect(await card.textContent()).toMatch(/test\.csv/);
    await page.setViewportSize(PHONE);
    expect(await axeSerious(page)).toEqual([]);
    await plan.evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await shoot(PHONE.width);

    // Vote by keyboard (phone): Tab to the resolver's Vote, Enter; focus stays on it once the tally is in.
    const vote = await tabTo(page, /^Vote\b.*resolver/i);
    await page.keyboard.press('Enter');
    await plan.filter({ hasText: /1 vote/ }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await focused(page)).key).toBe(vote.key);

    // Laptop with the thread open: the channel's Send button is not under the thread pane.
    await page.setViewportSize(LAPTOP);
    expect(await page.locator('#channel-view').isVisible()).toBe(true);
    expect(await reachable(page, '[data-testid=send]')).toBe(true);
    expect(await reachable(page, '[data-testid=thread-send]')).toBe(true);
    // Run by keyboard: Space on the resolver's Run; focus stays on it while the progress comes in.
    const run = await tabTo(page, /^Run\b.*resolver/i);
    await page.keyboard.press('Space');
    const progress = thread.locator('[data-testid=progress]');
    await progress.first().waitFor({ timeout: 30_000 });
    expect(await axeSerious(page)).toEqual([]);
    await shoot(LAPTOP.width);
    await expect.poll(async () => (await focused(page)).key).toBe(run.key);
    // The channel list marks the thread as running, then done.
    const badge = page.locator('#messages [data-testid=thread-status]');
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 30_000 }).toMatch(/running|done/);

    // The result: the score, the submission for the test file's rows, the code folded with its name and length.
    const submission = thread.locator('a[data-testid=file-link]', { hasText: 'submission.csv' });
    await submission.first().waitFor({ timeout: 150_000 });
    await expect.poll(() => progress.first().textContent(), { timeout: 30_000 }).toContain('finished');
    await expect.poll(() => badge.getAttribute('data-status')).toBe('done');
    const result = thread
      .locator('[data-testid=bot-message]')
      .filter({ has: page.locator('a[data-testid=file-link]', { hasText: 'submission.csv' }) });
    expect(await result.textContent()).toMatch(/accuracy/i);
    const csv = await page.evaluate(
      async (href) => (await fetch(href ?? '')).text(),
      await submission.first().getAttribute('href'),
    );
    const lines = csv.trimEnd().split('\n');
    expect(lines.length - 1).toBe(files.testIds.length);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(files.testIds);

    // Desktop: read the code by keyboard (its summary toggles it); axe on the page with the result.
    await page.setViewportSize(DESKTOP);
    const code = thread.locator('details[data-testid=code-block]');
    expect(await code.count()).toBeGreaterThan(0);
    expect(await code.first().locator('summary').textContent()).toMatch(/\d+ lines?/);
    expect(await thread.locator('img[data-testid=image]').count()).toBeGreaterThan(0);
    for (const size of [PHONE, LAPTOP, DESKTOP]) {
      await page.setViewportSize(size);
      expect(await axeSerious(page), `axe at ${size.width} px`).toEqual([]);
    }
    await result.evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await shoot(DESKTOP.width);

    // Escape closes the thread; focus goes back to it in the channel, marked done.
    await page.setViewportSize(DESKTOP);
    await page.keyboard.press('Escape');
    expect(await page.locator('#thread-view').isVisible()).toBe(false);
    expect(await focused(page)).toMatchObject({ key: 'open-thread' });
    expect(await badge.textContent()).toMatch(/done/);

    // Unread: Bob replies in Ann's (closed) thread and posts in #experiments; Ann's lists mark both.
    const bob = await chat.open('Bob', DESKTOP);
    await bob.page.click('#messages [data-testid=open-thread]');
    await bob.page.fill('#thread-text', 'status');
    await bob.page.press('#thread-text', 'Enter');
    await page.locator('#messages [data-testid=thread-unread]').waitFor({ timeout: 30_000 });
    await bob.page.click('#channels a[data-channel=experiments]');
    await bob.page.fill('#composer-text', 'Anyone tried the blueberry data?');
    await bob.page.press('#composer-text', 'Enter');
    const elsewhere = page.locator('#channels a[data-channel=experiments] [data-testid=channel-unread]');
    await elsewhere.waitFor({ timeout: 30_000 });
    expect(Number.parseInt((await elsewhere.textContent()) ?? '', 10)).toBeGreaterThanOrEqual(1);
    // Opening the thread clears its mark.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages [data-testid=thread-unread]').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
