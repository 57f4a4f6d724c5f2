// The web chat in a real browser (Debian's chromium), a task in plain words that leaves the target unclear: the
// question comes with buttons, a target is chosen by button, the task card shows what was understood and why, and
// the plan follows with the metric the task asked for.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserChat, startBrowserChat } from '../helpers/browser-chat.ts';
import { suiteFile } from '../helpers/datasets.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('an unclear task in the browser', () => {
  let chat: BrowserChat;

  beforeAll(async () => {
    chat = await startBrowserChat();
  });

  afterAll(async () => {
    await chat?.stop();
  });

  it('asks with buttons, takes the target chosen by button, shows the task card, then the plan', {
    timeout: 120_000,
  }, async () => {
    const { page, errors } = await chat.open('Ann', { width: 1440, height: 1400 });

    await page.fill(
      '#composer textarea',
      'Here is the passenger list of the Titanic. We judge it on accuracy.',
    );
    await page.setInputFiles('#composer input[type=file]', suiteFile('titanic', 'train.csv'));
    await page.click('[data-testid=send]');

    const thread = page.locator('#thread-messages');
    const botMessage = (heading: string) =>
      thread.locator('[data-testid=bot-message]').filter({ has: page.locator('h3', { hasText: heading }) });
    const question = botMessage('Which column should I predict?');
    await question.waitFor({ timeout: 60_000 });
    const choices = await question.locator('[data-testid=action-button]').allTextContents();
    expect(choices).toContain('Survived');
    expect(choices).toContain('Other column…');
    expect(choices.length).toBeLessThanOrEqual(5 + 6 + 1);

    await question.locator('[data-testid=action-button]', { hasText: /^Survived$/ }).click();
    const card = botMessage('The task as I understand it');
    await card.waitFor({ timeout: 60_000 });
    await expect.poll(() => card.textContent()).toContain('Target: Survived — your reply “target: Survived”');
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(
      'Metric: accuracy, higher is better — The metric is accuracy, as named in the task.',
    );
    expect(cardText).toContain('Id column: PassengerId');
    expect(cardText).toContain('891 rows of train.csv');
    expect(await card.locator('[data-testid=action-button]').allTextContents()).toEqual([
      'Change target',
      'Change metric',
      'Columns',
    ]);

    const plan = botMessage('Three ranked instructions');
    await plan.waitFor({ timeout: 90_000 });
    expect((await plan.textContent()) ?? '').toContain('metric accuracy');

    mkdirSync(`${ROOT}tests/artifacts`, { recursive: true });
    await page.screenshot({ path: `${ROOT}tests/artifacts/web-chat-intake.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
