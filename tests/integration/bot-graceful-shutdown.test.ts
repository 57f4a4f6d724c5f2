// SIGTERM during a run: the worker process stops taking jobs, returns the unfinished run to the queue after
// SHUTDOWN_GRACE_S and exits cleanly; the next worker finishes it and the thread gets one result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrontAndWorkers, startFrontAndWorkers } from '../helpers/bot-process.ts';
import { ANN, isResult, startBlueberryRun, textOf } from '../helpers/bot-test-kit.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('graceful shutdown', () => {
  let bot: FrontAndWorkers;

  beforeAll(async () => {
    bot = await startFrontAndWorkers({ SHUTDOWN_GRACE_S: '1' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('returns the running job to the queue and exits 0; the next worker completes it', {
    timeout: 150_000,
  }, async () => {
    const { chat, runs } = bot;
    const worker = await bot.startWorker();
    const task = await startBlueberryRun(chat, ANN, 'Run 1');
    const [active] = await runs.getJobs(['active']);
    const jobId = active?.id as string;
    expect(jobId).toMatch(/^run-/);

    expect(await worker.stop('SIGTERM')).toBe(0);
    // Back in the queue for a retry, not failed for good and not reported as cancelled.
    expect(['delayed', 'wait']).toContain(await runs.getJobState(jobId));
    const { replies } = await chat.thread(task.id);
    expect(replies.some((m) => textOf(m).includes('cancelled'))).toBe(false);

    await bot.startWorker();
    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 120_000);
    expect(textOf(result)).toContain('option 1');
    // The job completes once it has also edited the thread's leaderboard, just after the result.
    await waitFor(
      async () => (await runs.getJobState(jobId)) === 'completed' || null,
      'the run job to complete',
      30_000,
    );
    expect((await chat.thread(task.id)).replies.filter(isResult)).toHaveLength(1);
  });
});
