// Every way a job ends reaches its thread once and leaves the session usable (real Redis, core and sandbox): a run
// interrupted by three shutdowns of its worker process (`bot/main.ts`), and plans and runs whose job vanished from
// the queue, found by `cancel` or by the watchdog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobId } from '../../bot/jobs/queues.ts';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import { type FrontAndWorkers, startFrontAndWorkers } from '../helpers/bot-process.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isPlan,
  isProgress,
  type MessageView,
  startBlueberryRun,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';
import { waitFor } from '../helpers/wait-for.ts';

const isWarning = (m: MessageView) => m.bot && textOf(m).includes('⚠️');
const threadOf = (root: string) => ({ surface: 'web', space: '', channel: 'general', thread: root }) as const;

describe('a run whose worker is shut down three times', () => {
  let bot: FrontAndWorkers;

  beforeAll(async () => {
    bot = await startFrontAndWorkers({ SHUTDOWN_GRACE_S: '1' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('ends in one clear message, and Run and cancel work again', { timeout: 240_000 }, async () => {
    const { chat, runs } = bot;
    let worker = await bot.startWorker();
    const task = await startBlueberryRun(chat, ANN, 'Run 1');
    const sid = sessionIdFor(threadOf(task.id));
    const jobId = runJobId({ sid, planSeq: 1, choice: '1', seq: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt > 1) worker = await bot.startWorker();
      await waitFor(async () => {
        const job = await runs.getJob(jobId);
        return (await job?.getState()) === 'active' && job?.attemptsMade === attempt - 1;
      }, `attempt ${attempt} to run`);
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
    expect(await runs.getJobState(jobId)).toBe('failed');

    // The thread is told once (the next worker delivers it), the status no longer says running.
    await bot.startWorker();
    const stopped = await chat.waitForReply(task.id, (r) => r.find(isWarning), 60_000);
    expect(textOf(stopped)).toContain(
      'The run of option 1 stopped: the bot was restarted too many times while it was under way.',
    );
    expect(textOf(stopped)).toContain('Press Run again or use `rerun`');
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes(': failed')));
    const run = (await bot.app.ctx.store.runs(sid))['1'];
    expect(run?.status).toBe('failed');

    // Run works again at once (no "already running"), and cancel stops the new run.
    const plan = (await chat.thread(task.id)).replies.find(isPlan) as MessageView;
    await chat.press(ANN, plan, 'Run 1');
    await waitFor(async () => (await bot.app.ctx.store.runs(sid))['1']?.seq === 2, 'the second run');
    await chat.post(ANN, 'cancel', { thread: task.id });
    const cancelling = await chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('Cancelling')),
    );
    expect(textOf(cancelling)).toContain('Cancelling the run of option 1.');
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isWarning)).toHaveLength(1);
    expect(replies.some((m) => textOf(m).includes('already running'))).toBe(false);
  });
});

describe('a run whose worker dies three times (SIGKILL)', () => {
  let bot: FrontAndWorkers;

  beforeAll(async () => {
    // A short lease, so each killed worker's job is taken again within 3 s.
    bot = await startFrontAndWorkers({ JOB_LOCK_S: '3' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('is failed by BullMQ as stalled too often, and the thread is told why', {
    timeout: 240_000,
  }, async () => {
    const { chat, runs } = bot;
    let worker = await bot.startWorker();
    const task = await startBlueberryRun(chat, ANN, 'Run 2');
    const sid = sessionIdFor(threadOf(task.id));
    const jobId = runJobId({ sid, planSeq: 1, choice: '2', seq: 1 });
    for (let kill = 1; kill <= 3; kill++) {
      if (kill > 1) worker = await bot.startWorker();
      await waitFor(async () => {
        const job = await runs.getJob(jobId);
        return (await job?.getState()) === 'active' && (job?.stalledCounter ?? 0) === kill - 1;
      }, `the job held for the ${kill}th time`);
      await worker.stop('SIGKILL');
    }
    // The next worker finds it stalled a third time: BullMQ fails it, and the worker settles it.
    await bot.startWorker();
    const stopped = await chat.waitForReply(task.id, (r) => r.find(isWarning), 60_000);
    expect(textOf(stopped)).toContain(
      'The run of option 2 stopped: the worker doing it stopped more than once.',
    );
    expect(textOf(stopped)).toContain('the worker may be running out of memory');
    expect(await runs.getJobState(jobId)).toBe('failed');
    expect((await bot.app.ctx.store.runs(sid))['2']?.status).toBe('failed');
  });
});

describe('runs whose job vanished from the queue', () => {
  let bot: WebBot;
  let task: MessageView;
  let plan: MessageView;

  beforeAll(async () => {
    // No run worker: runs stay queued, and the test takes their jobs away. The watchdog looks every 2 s.
    bot = await startWebBot({ JOB_LOCK_S: '2' }, { workers: ['plan', 'deliver'] });
    task = await bot.chat.post(ANN, BLUEBERRY_TASK, { uploads: [await bot.chat.uploadFile(BLUEBERRY)] });
    plan = await bot.chat.waitForReply(task.id, (r) => r.find(isPlan));
  });

  afterAll(async () => {
    await bot?.stop();
  });

  const sid = () => sessionIdFor(threadOf(task.id));
  const queuedRun = async (choice: '1' | '2', seq: number) => {
    const jobId = runJobId({ sid: sid(), planSeq: 1, choice, seq });
    await waitFor(async () => bot.app.ctx.queues.run.getJob(jobId), `run ${choice} queued`);
    return jobId;
  };

  it('cancel releases a run whose job is gone, and says so instead of "Cancelling"', async () => {
    await bot.chat.press(ANN, plan, 'Run 1');
    await bot.app.ctx.queues.run.remove(await queuedRun('1', 1));
    await bot.chat.post(ANN, 'cancel', { thread: task.id });
    const reply = await bot.chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('had already stopped')),
    );
    expect(textOf(reply)).toContain(
      'The run of option 1 had already stopped (see below); nothing is left running.',
    );
    expect(textOf(reply)).not.toContain('Cancelling');
    const stopped = await bot.chat.waitForReply(task.id, (r) => r.find(isWarning));
    expect(textOf(stopped)).toContain('The run of option 1 stopped: its job was lost from the queue');
    expect((await bot.app.ctx.store.runs(sid()))['1']?.status).toBe('failed');
  });

  it('the watchdog settles a run whose job is gone: one message, and Run works again', async () => {
    await bot.chat.press(ANN, plan, 'Run 2');
    await bot.app.ctx.queues.run.remove(await queuedRun('2', 1));
    // Nobody asks: the watchdog finds it (after its grace of 5 s) and tells the thread.
    const stopped = await bot.chat.waitForReply(
      task.id,
      (r) => r.find((m) => isWarning(m) && textOf(m).includes('run of option 2 stopped')),
      30_000,
    );
    expect(textOf(stopped)).toContain('Press Run again or use `rerun`.');
    await bot.chat.press(ANN, plan, 'Run 2');
    await queuedRun('2', 2);
    const { replies } = await bot.chat.thread(task.id);
    expect(replies.filter((m) => isWarning(m) && textOf(m).includes('option 2'))).toHaveLength(1);
    expect(replies.some((m) => textOf(m).includes('already running'))).toBe(false);
  });
});

describe('a plan whose job vanished from the queue', () => {
  let bot: WebBot;

  beforeAll(async () => {
    // No plan worker: plans stay queued.
    bot = await startWebBot({ JOB_LOCK_S: '2' }, { workers: ['deliver'] });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('is settled by the watchdog; posting the task again in the thread starts a new plan', async () => {
    const { chat, app } = bot;
    const task = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const sid = sessionIdFor(threadOf(task.id));
    const jobId = `plan-${sid}-1`;
    await waitFor(async () => app.ctx.queues.plan.getJob(jobId), 'the plan job');
    await app.ctx.queues.plan.remove(jobId);
    const stopped = await chat.waitForReply(task.id, (r) => r.find(isWarning), 30_000);
    expect(textOf(stopped)).toContain('Planning stopped: its job was lost from the queue');
    expect(textOf(stopped)).toContain(
      'Post the task again in this thread to try again (the file you sent is kept).',
    );
    await chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('Planning stopped: the reason is below.')),
    );
    expect((await app.ctx.store.get(sid))?.status).toBe('failed');

    await chat.post(ANN, BLUEBERRY_TASK, { thread: task.id });
    await waitFor(async () => app.ctx.queues.plan.getJob(`plan-${sid}-2`), 'a new plan job');
    expect((await app.ctx.store.get(sid))?.status).toBe('planning');
  });
});
