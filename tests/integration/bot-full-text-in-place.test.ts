// One option's "Full text N" opens that card in place (the plan message is edited; nothing new is posted) and its
// "Less" closes it again (the plan's own "Full text", which posts every option as one new message, is checked in
// bot-forged-identity). Real Redis, core,
// sandbox and web chat, pressed the way Slack and Discord deliver a press (the web page toggles without asking).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  buttonsOf,
  isPlan,
  type MessageView,
  startWebBot,
  type WebBot,
} from '../helpers/bot-test-kit.ts';
import { waitFor } from '../helpers/wait-for.ts';

const expandedOf = (plan: MessageView) =>
  (plan.blocks ?? []).flatMap((b) => (b.kind === 'option' && b.expanded ? [b.choice] : []));

describe('Full text of one option, in place', () => {
  let bot: WebBot;
  let task: MessageView;

  beforeAll(async () => {
    bot = await startWebBot();
    task = await bot.chat.post(ANN, BLUEBERRY_TASK, { uploads: [await bot.chat.uploadFile(BLUEBERRY)] });
    await bot.chat.waitForReply(task.id, (r) => r.find(isPlan));
  });

  afterAll(async () => {
    await bot?.stop();
  });

  const currentPlan = async () => (await bot.chat.thread(task.id)).replies.find(isPlan) as MessageView;

  it('opens option 2 on the plan, then closes it, posting nothing new', async () => {
    const before = (await bot.chat.thread(task.id)).replies.length;
    const plan = await currentPlan();
    expect(expandedOf(plan)).toEqual([]);
    await bot.chat.press(ANN, plan, 'Full text 2');
    const opened = await waitFor(async () => {
      const p = await currentPlan();
      return expandedOf(p).length > 0 ? p : null;
    }, 'the plan edited with option 2 open');
    expect(expandedOf(opened)).toEqual(['2']);
    const less = buttonsOf(opened).find((b) => b.action.endsWith('|full|2|less'));
    expect(less?.label).toMatch(/^Less\b/);
    await bot.chat.press(ANN, opened, less!.label);
    const closed = await waitFor(async () => {
      const p = await currentPlan();
      return expandedOf(p).length === 0 ? p : null;
    }, 'the plan edited with option 2 closed');
    expect(buttonsOf(closed).some((b) => b.label === 'Full text 2')).toBe(true);
    expect((await bot.chat.thread(task.id)).replies).toHaveLength(before);
  });
});
