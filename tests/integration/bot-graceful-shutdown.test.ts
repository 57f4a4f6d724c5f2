// SIGTERM during a run: the worker process stops taking jobs, returns the unfinished run to the queue after
// SHUTDOWN_GRACE_S and exits cleanly; the next worker finishes it and the thread gets one result.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSurface, type WebSurface } from '../../adapters/web/index.ts';
import { type BotApp, createBotApp } from '../../bot/bot-app.ts';
import { createLogger } from '../../bot/logger.ts';
import { type BotProcess, startBotProcess } from './bot-process.ts';
import {
  BLUEBERRY,
  BLUEBERRY_TASK,
  freePort,
  isPlan,
  isProgress,
  isResult,
  type TestEnv,
  testEnv,
  textOf,
  WebChatClient,
} from './bot-test-kit.ts';

const ann = { id: 'ann', name: 'Ann' };

describe('graceful shutdown', () => {
  let t: TestEnv;
  let front: BotApp;
  let web: WebSurface;
  let chat: WebChatClient;
  let worker: BotProcess | null = null;
  let redis: Redis;

  beforeAll(async () => {
    t = await testEnv({ SHUTDOWN_GRACE_S: '1' });
    const logger = createLogger({ level: 'silent' });
    web = createWebSurface(t.config, logger);
    front = createBotApp({ config: t.config, logger, surfaces: [web], workers: [] });
    await front.start();
    chat = new WebChatClient(web.url());
    redis = new Redis(t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    chat?.close();
    await worker?.stop('SIGKILL');
    await front?.stop();
    await redis?.quit();
    await t?.cleanup();
  });

  const startWorker = async () => {
    const p = startBotProcess({ ...t.env, PORT: String(await freePort()) });
    await p.ready;
    return p;
  };

  it('returns the running job to the queue and exits 0; the next worker completes it', {
    timeout: 150_000,
  }, async () => {
    worker = await startWorker();
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    await chat.press(ann, plan, 'Run 1');
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes(': running')));
    const runs = new Queue('run', { connection: redis, prefix: t.prefix });
    const [active] = await runs.getJobs(['active']);
    const jobId = active?.id as string;
    expect(jobId).toMatch(/^run-/);

    expect(await worker.stop('SIGTERM')).toBe(0);
    worker = null;
    // Back in the queue for a retry, not failed for good and not reported as cancelled.
    expect(['delayed', 'wait']).toContain(await runs.getJobState(jobId));
    const { replies } = await chat.thread(task.id);
    expect(replies.some((m) => textOf(m).includes('cancelled'))).toBe(false);

    worker = await startWorker();
    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 120_000);
    expect(textOf(result)).toContain('option 1');
    expect(await runs.getJobState(jobId)).toBe('completed');
    await runs.close();
    expect((await chat.thread(task.id)).replies.filter(isResult)).toHaveLength(1);
  });
});
