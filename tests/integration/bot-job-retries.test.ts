// Job retries and timeouts with the real bot, Redis, core and sandbox: a model endpoint answering 503 makes the
// plan job retry with backoff, a broken CSV gets one attempt, and a plan or run past its timeout is stopped.

import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJobId } from '../../bot/jobs/queues.ts';
import { sessionIdFor } from '../../bot/state/session-store.ts';
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
import {
  type FakeOpenAI,
  type FakeReply,
  paperPromptOf,
  startFakeOpenAI,
} from '../helpers/fake-openai-server.ts';
import { processesCarrying } from '../helpers/host-processes.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PLAN_TIMEOUT_S = 5;
const RUN_TIMEOUT_S = 8;
/** Calls the model client makes per job attempt (its default maxAttempts) before the job itself fails. */
const CLIENT_ATTEMPTS = 4;
/** A string only the sandboxed sleeper carries on its command line, to find it among the host's processes. */
const MARKER = `lc-run-timeout-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

const CRITIQUE = 'Option 1 is the strongest: gradient boosting suits these numeric features best.';
const RESOLUTION = 'Chosen option: 1\n\nOption 1 is the best fit for tabular regression as it stands.';
/** The coder's every answer: a script that replaces itself with a long sleep named by MARKER. */
const SLEEPER = [
  '```python',
  'import os',
  'import sys',
  `os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "${MARKER}"])`,
  '```',
].join('\n');

type CriticMode = 'ok' | 'hang';
interface CriticCall {
  kind: 'critique' | 'resolve';
  at: number;
  answer: 'ok' | '503' | 'hang';
}

const isWarning = (m: MessageView) => m.bot && textOf(m).includes('⚠️');
const threadOf = (root: string) => ({ surface: 'web', space: '', channel: 'general', thread: root }) as const;

/** Host processes whose command line holds MARKER (the sandboxed script, seen from outside). */
const markedProcesses = () => processesCarrying(MARKER);

describe('plan and run jobs: retries for transient failures, none for user errors, timeouts', () => {
  let fake: FakeOpenAI;
  let bot: WebBot;
  const criticCalls: CriticCall[] = [];
  let criticMode: CriticMode = 'ok';
  let criticFailuresLeft = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI((request): FakeReply => {
      const prompt = paperPromptOf(request);
      if (prompt.kind === 'critique' || prompt.kind === 'resolve') {
        const call: CriticCall = { kind: prompt.kind, at: Date.now(), answer: 'ok' };
        criticCalls.push(call);
        if (criticMode === 'hang') {
          call.answer = 'hang';
          return { delayMs: 120_000, content: CRITIQUE };
        }
        if (criticFailuresLeft > 0) {
          criticFailuresLeft--;
          call.answer = '503';
          // A short Retry-After keeps the client's own retries quick; the job's retry is what is tested.
          return { status: 503, message: 'model overloaded', headers: { 'retry-after-ms': '20' } };
        }
        return prompt.kind === 'critique' ? CRITIQUE : RESOLUTION;
      }
      if (prompt.kind === 'stage' || prompt.kind === 'integrate' || prompt.kind === 'repair') return SLEEPER;
      return { status: 400, message: `unexpected prompt ${prompt.kind}` };
    });
    bot = await startWebBot({
      CRITIC_BASE_URL: fake.url,
      CRITIC_MODEL: 'fake-critic',
      CODER_BASE_URL: fake.url,
      CODER_MODEL: 'fake-coder',
      PLAN_TIMEOUT_S: String(PLAN_TIMEOUT_S),
      RUN_TIMEOUT_S: String(RUN_TIMEOUT_S),
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake?.close();
  });

  /** The thread's plan job once it has finished for good (its reply can reach the thread a moment before). */
  async function settledPlanJob(root: string): Promise<Job> {
    const id = planJobId({ sid: sessionIdFor(threadOf(root)), planSeq: 1 });
    return waitFor(async () => {
      const job = await bot.app.ctx.queues.plan.getJob(id);
      return job?.finishedOn ? job : null;
    }, `plan job ${id} to finish`);
  }

  it('a critic answering 503 past its retries costs the plan only its critique: posted once, saying so', async () => {
    const { chat } = bot;
    criticCalls.length = 0;
    criticMode = 'ok';
    // Every critique call fails, so the model client gives up; three good instructions still make a plan.
    criticFailuresLeft = CLIENT_ATTEMPTS;
    const task = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan), 45_000);
    expect(textOf(plan)).toContain('bb_yield');

    const job = await settledPlanJob(task.id);
    expect(await job.getState()).toBe('completed');
    // The job did not fail and go back to the queue: the plan stands without the critique.
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toMatch(/^[0-9a-f-]{36}$/);
    expect(criticCalls.map((c) => `${c.kind} ${c.answer}`)).toEqual([
      ...Array(CLIENT_ATTEMPTS).fill('critique 503'),
      'resolve ok',
    ]);

    // The thread says what happened: one plan, no warning, and the plan names the missing critique.
    await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('Plan ready')));
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isWarning)).toHaveLength(0);
    expect(replies.filter(isPlan)).toHaveLength(1);
    expect(textOf(replies.find(isPlan)!)).toMatch(/no critique: .*HTTP 503/);
    expect(replies).toHaveLength(2);
  });

  it('a broken CSV gets exactly one attempt and a clear reply', async () => {
    const { chat } = bot;
    const before = criticCalls.length;
    const broken = await chat.upload('broken.csv', 'a,b,target\n1,2,3\n4,"5,6\n7,8,9\n');
    const task = await chat.post(ANN, 'Predict target. Metric: rmse', { uploads: [broken.id] });
    const reply = await chat.waitForReply(task.id, (r) => r.find(isWarning));
    expect(textOf(reply)).toContain('broken.csv');
    expect(textOf(reply)).toMatch(/quote/i);
    expect(textOf(reply)).toContain('Post a corrected task or file in this thread');

    const job = await settledPlanJob(task.id);
    // Failed for good (not delayed for a retry) after one attempt.
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/quote/i);
    expect(criticCalls.length).toBe(before);

    // The acknowledgement no longer says the bot is working on it.
    const ack = await chat.waitForReply(
      task.id,
      (r) => r.find((m) => textOf(m).includes('Planning stopped')),
      15_000,
    );
    expect(textOf(ack)).not.toContain('Working on it');
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isWarning)).toHaveLength(1);
  });

  it('a plan past PLAN_TIMEOUT_S is stopped, its model call aborted, and the thread told', async () => {
    const { chat } = bot;
    criticMode = 'hang';
    try {
      const task = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
      const reply = await chat.waitForReply(task.id, (r) => r.find(isWarning), 45_000);
      expect(textOf(reply)).toContain(`Planning took longer than ${PLAN_TIMEOUT_S} s and was stopped.`);
      expect(criticCalls.at(-1)).toMatchObject({ kind: 'critique', answer: 'hang' });
      // The hanging request was given up by the client, not left open.
      await waitFor(async () => fake.inFlight === 0, 'the fake to see the critique request closed');

      const job = await settledPlanJob(task.id);
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBe('timed out');
      await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('Planning stopped')), 15_000);
      const { replies } = await chat.thread(task.id);
      expect(replies.filter(isPlan)).toHaveLength(0);
      expect(replies.some((m) => textOf(m).includes('Working on it'))).toBe(false);
    } finally {
      criticMode = 'ok';
    }
  });

  it('a run past RUN_TIMEOUT_S is stopped, its sandbox process killed, and the thread told', async () => {
    const { chat, app } = bot;
    const task = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan), 45_000);
    await chat.press(ANN, plan, 'Run 1');

    // The coder's script is running in the sandbox (seen from the host) before the timeout fires.
    const sleepers = await waitFor(
      async () => {
        const pids = await markedProcesses();
        return pids.length > 0 ? pids : null;
      },
      'the sandboxed script to start',
      RUN_TIMEOUT_S * 1000,
    );
    expect(sleepers.length).toBeGreaterThan(0);

    const reply = await chat.waitForReply(task.id, (r) => r.find(isWarning), 45_000);
    expect(textOf(reply)).toContain(
      `The run of option 1 took longer than ${RUN_TIMEOUT_S} s and was stopped.`,
    );
    // The reply is posted after the sandbox returned, and the sandbox returns once its processes are gone.
    expect(await markedProcesses()).toEqual([]);

    const job = await waitFor(
      async () => (await app.ctx.queues.run.getJobs(['failed']))[0],
      'the run job to fail',
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('timed out');
    expect(await app.ctx.queues.run.getJobCounts('active', 'wait', 'delayed', 'completed')).toEqual({
      active: 0,
      wait: 0,
      delayed: 0,
      completed: 0,
    });
    const sid = sessionIdFor(threadOf(task.id));
    expect((await app.ctx.store.runs(sid))['1']?.status).toBe('timed-out');
    // The choice is free again: Run can be pressed once more.
    expect(await app.ctx.redis.exists(app.ctx.keys.runLock(sid, '1'))).toBe(0);

    // The status message ends as timed out (its own look: no full bar, not "running in the sandbox"), and no
    // result is posted.
    const status = await chat.waitForReply(task.id, (r) =>
      r.find((m) => isProgress(m) && textOf(m).includes(': timed out')),
    );
    expect(textOf(status)).toContain('Run of option 1');
    expect(textOf(status)).toContain(`stopped at the ${RUN_TIMEOUT_S} s time limit`);
    expect(textOf(status)).not.toContain('running in the sandbox');
    const bar = status.blocks?.find((b) => b.kind === 'progress');
    expect(bar?.kind === 'progress' && bar.step < bar.total).toBe(true);
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isResult)).toHaveLength(0);
    expect(replies.filter(isWarning)).toHaveLength(1);
  });
});
