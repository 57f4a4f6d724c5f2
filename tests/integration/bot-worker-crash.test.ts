// A worker killed in the middle of a run and restarted: the job completes once and every reply reaches the
// thread exactly once (real Redis, real core and sandbox, `bot/main.ts` as the worker process).
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

describe('a worker crash during a run', () => {
  let t: TestEnv;
  let front: BotApp;
  let web: WebSurface;
  let chat: WebChatClient;
  let worker: BotProcess | null = null;
  let redis: Redis;

  beforeAll(async () => {
    // A short job lease so the restarted worker picks up the crashed job quickly.
    t = await testEnv({ JOB_LOCK_S: '3' });
    const logger = createLogger({ level: 'silent' });
    web = createWebSurface(t.config, logger);
    // This process takes chat events only; plan, run and deliver jobs all go to the worker process.
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

  it('completes the run once and delivers each reply exactly once', { timeout: 150_000 }, async () => {
    worker = await startWorker();
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    await chat.press(ann, plan, 'Run resolver');
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes(': running')));

    const runs = new Queue('run', { connection: redis, prefix: t.prefix });
    const [active] = await runs.getJobs(['active']);
    expect(active).toBeDefined();
    const jobId = active?.id as string;

    await worker.stop('SIGKILL');
    worker = null;
    // Killed mid-run: the job is still active (its lease not yet lapsed) and no result was posted.
    expect(await runs.getJobState(jobId)).toBe('active');
    expect((await chat.thread(task.id)).replies.filter(isResult)).toHaveLength(0);

    worker = await startWorker();
    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 120_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);

    const job = await runs.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(String(job?.returnvalue)).toMatch(/^score /);
    const counts = await runs.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
    expect(counts).toEqual({ completed: 1, failed: 0, active: 0, wait: 0, delayed: 0 });
    await runs.close();

    // Wait for the last edits to land, then count each kind of reply.
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes('finished')));
    const { replies } = await chat.thread(task.id);
    expect(replies.filter((m) => m.bot && textOf(m).includes('Plan ready'))).toHaveLength(1);
    expect(replies.filter(isPlan)).toHaveLength(1);
    expect(replies.filter(isProgress)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(1);
    expect(replies.every((m) => m.bot)).toBe(true);
    expect(replies).toHaveLength(4);
  });
});
