// A platform that delivers the same message twice gets one answer: the task starts once, a command is answered
// once (real Redis, the bot in this process, the web chat as the surface; plan jobs are left in their queue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { IncomingEvent } from '../../contract/surface.ts';
import { ANN, BLUEBERRY, BLUEBERRY_TASK, startWebBot, textOf, type WebBot } from '../helpers/bot-test-kit.ts';

describe('events delivered twice', () => {
  let bot: WebBot;

  beforeAll(async () => {
    bot = await startWebBot({}, { workers: ['deliver'] });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  /** Every job the deliver queue has taken in, whatever its state: a second post would add one. */
  const deliverJobs = async () => {
    const counts = await bot.app.ctx.queues.deliver.web.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };

  it('starts a task once and answers a command once', async () => {
    const root = await bot.chat.post(ANN, BLUEBERRY_TASK, {
      uploads: [await bot.chat.uploadFile(BLUEBERRY)],
    });
    const thread: ThreadRef = { surface: 'web', space: '', channel: 'general', thread: root.id };
    const sid = sessionIdFor(thread);
    await bot.chat.waitForReply(root.id, (r) => r.find((m) => textOf(m).includes('Working on it')));
    const { store, queues } = bot.app.ctx;
    expect((await store.get(sid))?.planSeq).toBe(1);

    // The same message again, as a platform resends it (the web chat never does; Slack and Discord may).
    const resent: IncomingEvent = {
      type: 'message',
      thread,
      isRoot: true,
      messageId: root.id,
      user: ANN,
      text: BLUEBERRY_TASK,
      files: [],
      addressed: true,
    };
    const before = await deliverJobs();
    await bot.app.handler(resent);
    expect((await store.get(sid))?.planSeq).toBe(1);
    expect(await queues.plan.getJobCounts('wait', 'active', 'delayed', 'completed')).toMatchObject({
      wait: 1,
    });
    expect(await deliverJobs()).toBe(before);

    const status = await bot.chat.post(ANN, 'status', { thread: root.id });
    await bot.chat.waitForReply(root.id, (r) => r.find((m) => textOf(m).includes('**Status**')));
    const afterStatus = await deliverJobs();
    await bot.app.handler({ ...resent, messageId: status.id, text: 'status', isRoot: false });
    expect(await deliverJobs()).toBe(afterStatus);
    const { replies } = await bot.chat.thread(root.id);
    expect(replies.filter((m) => textOf(m).includes('**Status**'))).toHaveLength(1);
  });
});
