// The plan's option cards in a real browser (Debian's chromium): each option, the resolver's choice and the vanilla
// control is a card with its own Vote and Run beside it; the viewer's vote is pressed (aria-pressed); "more" and
// "Full text" open in place (aria-expanded) and post nothing; what is open stays open when a vote re-renders the plan.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUEBERRY } from '../helpers/bot-test-kit.ts';
import { type BrowserChat, startBrowserChat } from '../helpers/browser-chat.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the plan as option cards in the web chat', () => {
  let bot: BrowserChat;

  beforeAll(async () => {
    bot = await startBrowserChat({ EVIDENCE_TIMEOUT_S: '0' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('puts Vote and Run beside each option, marks your vote, and opens the full text in place', {
    timeout: 150_000,
  }, async () => {
    const { page, errors } = await bot.open('Ann');
    await page.fill('#composer textarea', 'Predict bb_yield from the pollination features. Metric: mae');
    await page.setInputFiles('#composer input[type=file]', BLUEBERRY);
    await page.click('[data-testid=send]');

    const thread = page.locator('#thread-messages');
    const plan = thread
      .locator('[data-testid=bot-message]')
      .filter({ has: page.locator('h3', { hasText: 'Three ranked instructions' }) });
    await plan.waitFor({ timeout: 90_000 });
    const cards = plan.locator('[data-testid=option-card]');
    expect(await cards.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.choice))).toEqual([
      '1',
      '2',
      '3',
      'resolver',
      'vanilla',
    ]);
    // Each card's own buttons, named for what they act on; nothing below the cards repeats them.
    for (const n of ['1', '2', '3']) {
      const card = cards.nth(Number(n) - 1);
      await card.getByRole('button', { name: `Vote for option ${n}`, exact: true }).waitFor();
      await card.getByRole('button', { name: `Run option ${n}`, exact: true }).waitFor();
      expect(
        await card.getByRole('button', { name: `Full text: option ${n}` }).getAttribute('aria-expanded'),
      ).toBe('false');
    }
    await cards.nth(3).getByRole('button', { name: "Vote for the resolver's choice" }).waitFor();
    await cards.nth(4).getByRole('button', { name: 'Run the vanilla control' }).waitFor();
    expect(await cards.nth(4).textContent()).toContain(
      "The task alone, no instruction: the paper's baseline.",
    );
    expect(await plan.locator('.buttons:not(.card-actions) button', { hasText: 'Full text' }).count()).toBe(
      0,
    );

    // Full text of option 1 opens in place: the region shows the four sections, and no message is posted.
    const messages = await thread.locator('[data-testid=bot-message]').count();
    const toggle = cards.nth(0).getByRole('button', { name: 'Full text: option 1' });
    await toggle.click();
    const open = cards.nth(0).getByRole('button', { name: 'Hide full text: option 1' });
    expect(await open.getAttribute('aria-expanded')).toBe('true');
    const full = cards.nth(0).locator('[data-testid=card-full-text]');
    expect(await full.isVisible()).toBe(true);
    expect(await full.textContent()).toMatch(/Data Preprocessing.*Model Architecture.*Model Training/s);
    // "more", where a summary was cut, shows it whole.
    const more = plan.getByRole('button', { name: /^more: / });
    if ((await more.count()) > 0) {
      await more.first().click();
      expect(
        await plan
          .getByRole('button', { name: /^less: / })
          .first()
          .getAttribute('aria-expanded'),
      ).toBe('true');
    }

    // A vote: the plan is edited; your vote is pressed, the others not, and the open full text stays open.
    await cards.nth(1).getByRole('button', { name: 'Vote for option 2' }).click();
    await expect
      .poll(() =>
        cards.nth(1).getByRole('button', { name: 'Vote for option 2' }).getAttribute('aria-pressed'),
      )
      .toBe('true');
    expect(
      await cards.nth(0).getByRole('button', { name: 'Vote for option 1' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(await cards.nth(1).textContent()).toContain('your vote');
    expect(await cards.nth(1).locator('.context', { hasText: 'Votes: 1 vote' }).count()).toBe(1);
    expect(await cards.nth(0).locator('[data-testid=card-full-text]').isVisible()).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await thread.locator('[data-testid=bot-message]').count()).toBe(messages);

    // On a phone the cards' buttons stay on screen (they wrap rather than overflow).
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of [
      'Vote for option 2',
      'Run option 2',
      "Run the resolver's choice",
      'Run the vanilla control',
    ]) {
      const button = plan.getByRole('button', { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      const box = await button.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    mkdirSync(`${ROOT}tests/artifacts`, { recursive: true });
    await plan.screenshot({ path: `${ROOT}tests/artifacts/plan-cards-phone.png` });
    await page.setViewportSize({ width: 1440, height: 2400 });
    await plan.screenshot({ path: `${ROOT}tests/artifacts/plan-cards.png` });
    expect(errors).toEqual([]);
  });
});
