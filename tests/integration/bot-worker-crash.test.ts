// A worker killed in the middle of a run and restarted: the job completes once and every reply reaches the
// thread exactly once (real Redis, real core and sandbox, `bot/main.ts` as the worker process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrontAndWorkers, startFrontAndWorkers } from '../helpers/bot-process.ts';
import {
  ANN,
  isBoard,
  isPlan,
  isProgress,
  isResult,
  startBlueberryRun,
  textOf,
} from '../helpers/bot-test-kit.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('a worker crash during a run', () => {
  let bot: FrontAndWorkers;

  beforeAll(async () => {
    // A short job lease so the restarted worker picks up the crashed job quickly.
    bot = await startFrontAndWorkers({ JOB_LOCK_S: '3' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('completes the run once and delivers each reply exactly once', { timeout: 150_000 }, async () => {
    const { chat, runs } = bot;
    const worker = await bot.startWorker();
    const task = await startBlueberryRun(chat, ANN, 'Run resolver');
    const [active] = await runs.getJobs(['active']);
    expect(active?.id).toEqual(expect.any(String));
    const jobId = active?.id as string;

    await worker.stop('SIGKILL');
    // Killed mid-run: the job is still active (its lease not yet lapsed) and no result was posted.
    expect(await runs.getJobState(jobId)).toBe('active');
    expect((await chat.thread(task.id)).replies.filter(isResult)).toHaveLength(0);

    await bot.startWorker();
    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 120_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);

    // The job completes once it has also edited the thread's leaderboard, just after the result.
    await waitFor(
      async () => (await runs.getJobState(jobId)) === 'completed' || null,
      'the run job to complete',
      30_000,
    );
    const job = await runs.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(String(job?.returnvalue)).toMatch(/^score /);
    const counts = await runs.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
    expect(counts).toEqual({ completed: 1, failed: 0, active: 0, wait: 0, delayed: 0 });

    // Wait for the last edits to land, then count each kind of reply.
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes('finished')));
    const { replies } = await chat.thread(task.id);
    expect(replies.filter((m) => m.bot && textOf(m).includes('Plan ready'))).toHaveLength(1);
    expect(replies.filter(isPlan)).toHaveLength(1);
    expect(replies.filter(isProgress)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(1);
    // The thread's leaderboard, posted with the run and edited (not posted again) by the worker that took it over.
    expect(replies.filter(isBoard)).toHaveLength(1);
    expect(replies.every((m) => m.bot)).toBe(true);
    expect(replies).toHaveLength(5);
  });
});
