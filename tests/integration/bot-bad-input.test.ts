// Bad input gets a clear reply in the thread and leaves the session usable (real Redis, core and web chat).
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import { stateKeys } from '../../bot/state/state-keys.ts';
import { createLogger } from '../../common/pino-logger.ts';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  BOB,
  isPlan,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
  type WebChatClient,
} from '../helpers/bot-test-kit.ts';

const warning = (m: MessageView) => m.bot && textOf(m).includes('⚠️');

describe('bad input in the web chat', () => {
  let bot: WebBot;
  let chat: WebChatClient;

  beforeAll(async () => {
    bot = await startWebBot({ MAX_UPLOAD_MB: '1', RUN_PERMISSION: 'author' });
    chat = bot.chat;
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('an empty message asks for the task and the CSV', async () => {
    const task = await chat.post(ann, '   ');
    const reply = await chat.waitForReply(task.id, (r) => r.find(warning));
    expect(textOf(reply)).toContain('Your message is empty');
    expect(textOf(reply)).toContain('attach the CSV');
  });

  it('help outside a thread explains; a command with no task says there is none', async () => {
    const helpRoot = await chat.post(ann, 'help');
    expect(textOf(await chat.waitForReply(helpRoot.id, (r) => r.find((m) => m.bot)))).toContain('How to use');
    const statusRoot = await chat.post(ann, 'status');
    expect(textOf(await chat.waitForReply(statusRoot.id, (r) => r.find(warning)))).toContain(
      'no active task here',
    );
  });

  it('a task without a file asks for the CSV; the file posted in the thread starts the plan', async () => {
    const task = await chat.post(ann, BLUEBERRY_TASK);
    const reply = await chat.waitForReply(task.id, (r) => r.find(warning));
    expect(textOf(reply)).toContain('attach a CSV file');
    await chat.post(ann, '', { thread: task.id, uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(textOf(plan)).toContain('bb_yield');

    // RUN_PERMISSION=author: someone else's Run is refused politely.
    await chat.press(BOB, plan, 'Run 1');
    const refused = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('only Ann')));
    expect(textOf(refused)).toContain('Sorry Bob, only Ann, who posted the task, can start runs here.');
  });

  it('a broken CSV is named with its problem; a good file in the same thread recovers, and its buttons expire with the session', async () => {
    const broken = await chat.upload('broken.csv', 'a,b,target\n1,2,3\n4,"5,6\n7,8,9\n');
    const task = await chat.post(ann, 'Predict target. Metric: rmse', { uploads: [broken.id] });
    const reply = await chat.waitForReply(task.id, (r) => r.find(warning));
    expect(textOf(reply)).toContain('broken.csv');
    expect(textOf(reply)).toMatch(/quote/i);
    expect(textOf(reply)).toContain('Post a corrected task or file in this thread');

    await chat.post(ann, BLUEBERRY_TASK, { thread: task.id, uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));

    // The session's state expires (its TTL passes): its buttons answer with a clear message.
    const { t, app } = bot;
    const redis = new Redis(t.env.REDIS_URL as string);
    const sid = sessionIdFor({ surface: 'web', space: '', channel: 'general', thread: task.id });
    await redis.del(stateKeys(t.prefix).session(sid));
    await redis.quit();
    await chat.press(ann, plan, 'Vote 1');
    const expired = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('expired')));
    expect(textOf(expired)).toContain('Post the task again');

    // Its uploaded files and run outputs go with it.
    expect(existsSync(app.ctx.files.dir(sid))).toBe(true);
    await app.ctx.files.sweep(app.ctx.store, createLogger({ level: 'silent' }));
    expect(existsSync(app.ctx.files.dir(sid))).toBe(false);
  });

  it('a file over MAX_UPLOAD_MB is refused with its size and the limit', async () => {
    const big = await chat.upload('big.csv', `x,y\n${'1,2\n'.repeat(330_000)}`);
    expect(big.refused).toBe(true);
    const task = await chat.post(ann, 'Predict y. Metric: rmse', { uploads: [big.id] });
    const reply = await chat.waitForReply(task.id, (r) => r.find(warning));
    expect(textOf(reply)).toMatch(/big\.csv is 1\.\d MB; the limit is 1 MB/);
  });

  it('an unknown metric is named and the known ones listed', async () => {
    const task = await chat.post(ann, 'Predict bb_yield. Metric: wobbliness', {
      uploads: [await chat.uploadFile(BLUEBERRY)],
    });
    const reply = await chat.waitForReply(task.id, (r) => r.find(warning));
    expect(textOf(reply)).toContain('I don\'t know the metric "wobbliness"');
    expect(textOf(reply)).toContain('rmse');
  });
});
