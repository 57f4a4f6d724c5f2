// The bot's roles on one Redis (real Redis, real core and sandbox): a `linguacodus worker` process that holds no
// surface and a chat front that serves the web chat. Every reply reaches the thread and no delivery is ever taken
// by the worker (each surface has its own deliver queue); a file missing from the store is retried and told as the
// bot's fault, never as the user's file.
import { rename } from 'node:fs/promises';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApp, createBotApp } from '../../bot/bot-app.ts';
import { deliverQueueName } from '../../bot/jobs/queues.ts';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import { createLogger } from '../../common/pino-logger.ts';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isPlan,
  isProgress,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';

const thread = (root: string) => ({ surface: 'web', space: '', channel: 'general', thread: root }) as const;

describe('a serve front and a worker-only process on one Redis', () => {
  let front: WebBot;
  let worker: BotProcess;
  let events: QueueEvents;
  const failures: string[] = [];
  let completed = 0;

  beforeAll(async () => {
    // The front as `linguacodus serve` makes it: its surface and that surface's deliveries, no plan or run work.
    front = await startWebBot({}, { workers: ['deliver'] });
    events = new QueueEvents(deliverQueueName('web'), {
      connection: { url: front.t.env.REDIS_URL },
      prefix: front.t.prefix,
    });
    events.on('failed', ({ failedReason }) => failures.push(failedReason));
    events.on('completed', () => {
      completed++;
    });
    await events.waitUntilReady();
    worker = startBotProcess(front.t.env, { role: 'worker' });
    await worker.ready;
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await events?.close();
    await front?.stop();
  });

  it('says what the worker does when it is ready', () => {
    expect(worker.output()).toContain(
      'Linguacodus worker ready: serves no chat; takes plan and run jobs; replies are delivered by the processes serving the chat',
    );
    expect(worker.output()).not.toContain('Linguacodus web chat:');
  });

  it('delivers every reply through the front, none taken or failed by the worker', {
    timeout: 180_000,
  }, async () => {
    const { chat } = front;
    const root = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(root.id, (r) => r.find(isPlan));
    await chat.press(ANN, plan, 'Run 1');
    const result = await chat.waitForReply(root.id, (r) => r.find(isResult), 150_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
    // The status message reached its last edit (not left saying "running").
    await chat.waitForReply(root.id, (r) => r.find((m) => isProgress(m) && /finished/.test(m.text)));
    // Only the front works on the web chat's deliver queue; the worker has no deliver worker at all.
    const web = front.app.ctx.queues.deliver.web;
    expect((await web.getWorkers()).length).toBe(1);
    expect(await web.getJobCounts('failed', 'wait', 'delayed', 'active')).toEqual({
      failed: 0,
      wait: 0,
      delayed: 0,
      active: 0,
    });
    // Not one failed attempt: no delivery was taken by a process without its surface, and an edit that overtook its
    // own post waited for it instead of failing.
    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThan(5);
    expect(worker.output()).not.toMatch(/surface in this process|job failed/);
  });
});

describe('a file missing from the store when the plan job needs it', () => {
  let front: WebBot;
  let planner: BotApp | undefined;

  beforeAll(async () => {
    front = await startWebBot({}, { workers: ['deliver'] });
  });

  afterAll(async () => {
    await planner?.stop();
    await front?.stop();
  });

  it('is retried and told as the bot’s fault, then planned once the file is back', {
    timeout: 120_000,
  }, async () => {
    const { chat } = front;
    const root = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const session = await front.app.ctx.store.get(sessionIdFor(thread(root.id)));
    const upload = session?.files[0];
    if (!upload) throw new Error('the task kept no upload');
    // The worker cannot see the upload (another machine's DATA_DIR, a store gone away).
    await rename(upload.path, `${upload.path}.away`);
    const logger = createLogger({ level: 'silent' });
    planner = createBotApp({ config: front.t.config, logger, surfaces: [], workers: ['plan'] });
    await planner.start();
    const notice = await chat.waitForReply(root.id, (r) =>
      r.find((m: MessageView) => textOf(m).includes('could not reach the uploaded file')),
    );
    expect(textOf(notice)).toContain(
      `The worker could not reach the uploaded file ${upload.name}: it is not in the file store this worker reads (DATA_DIR). This is a fault of the bot's set-up, not of your file. Retrying (attempt 2 of 3).`,
    );
    await rename(`${upload.path}.away`, upload.path);
    await chat.waitForReply(root.id, (r) => r.find(isPlan));
    const replies = (await chat.thread(root.id)).replies.map(textOf).join('\n');
    expect(replies).not.toContain('could not be opened');
  });
});
