// Redis restarted under a running bot process (`bot/main.ts`), on a redis-server of the test's own: without
// persistence the threads with work under way are told it was lost, open pages are told to reload, and new tasks
// are served; with the set-up step's append-only file a run under way survives and finishes once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isPlan,
  isProgress,
  isResult,
  type MessageView,
  type TestEnv,
  testEnv,
  textOf,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';
import { type FakeOpenAI, paperPromptOf, startFakeOpenAI } from '../helpers/fake-openai-server.ts';
import { processesCarrying } from '../helpers/host-processes.ts';
import { OwnRedis } from '../helpers/own-redis.ts';
import { waitFor } from '../helpers/wait-for.ts';

const LOST = 'The bot’s storage (Redis) was reset';
/** A string only the sandboxed sleeper carries on its command line. */
const MARKER = `lc-redis-restart-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const SLEEPER = [
  '```python',
  'import os',
  'import sys',
  `os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "${MARKER}"])`,
  '```',
].join('\n');

/** A Redis of the test's own, and `bot/main.ts` on it with a web chat client listening to its live feed. */
interface BotOnOwnRedis {
  redis: OwnRedis;
  bot: BotProcess;
  chat: WebChatClient;
  stop(): Promise<void>;
}

async function startBotOnOwnRedis(
  persistence: 'aof' | 'none',
  extra: Record<string, string> = {},
): Promise<BotOnOwnRedis> {
  const redis = await OwnRedis.start(persistence);
  const t: TestEnv = await testEnv({ REDIS_URL: redis.url, ...extra });
  const bot = startBotProcess(t.env);
  await bot.ready;
  const chat = new WebChatClient(`http://127.0.0.1:${t.env.PORT}`);
  await chat.openEvents();
  return {
    redis,
    bot,
    chat,
    async stop() {
      chat.close();
      await bot.stop('SIGKILL');
      await t.cleanup().catch(() => {});
      await redis.stop();
    },
  };
}

describe('Redis restarted without persistence, mid-plan and mid-run', () => {
  let fake: FakeOpenAI;
  let own: BotOnOwnRedis;
  let criticHangs = false;

  beforeAll(async () => {
    fake = await startFakeOpenAI((request) => {
      const prompt = paperPromptOf(request);
      if (prompt.kind === 'critique' || prompt.kind === 'resolve') {
        if (criticHangs) return { delayMs: 120_000, content: 'too late' };
        return prompt.kind === 'critique'
          ? 'Option 1 is the strongest.'
          : 'Chosen option: 1\n\nOption 1 is the best fit as it stands.';
      }
      return SLEEPER;
    });
    own = await startBotOnOwnRedis('none', {
      CRITIC_BASE_URL: fake.url,
      CRITIC_MODEL: 'fake-critic',
      CODER_BASE_URL: fake.url,
      CODER_MODEL: 'fake-coder',
      // The watchdog looks every 2 s: it knows the threads with work under way when Redis goes.
      JOB_LOCK_S: '2',
    });
  }, 60_000);

  afterAll(async () => {
    await own?.stop();
    await fake?.close();
  });

  it('tells both threads their work was lost, stops the run, tells the pages to reload and serves a new task', {
    timeout: 180_000,
  }, async () => {
    const { chat, redis, bot } = own;
    // A run under way (its sandboxed script sleeping) and a plan under way (the critic not answering).
    const running = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(running.id, (r) => r.find(isPlan));
    await chat.press(ANN, plan, 'Run 1');
    await waitFor(async () => (await processesCarrying(MARKER)).length > 0, 'the sandboxed script', 90_000);
    criticHangs = true;
    const planning = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const critiques = fake.requests.length;
    await waitFor(async () => fake.requests.length > critiques, 'the plan to wait on the critic');
    // Two watchdog passes: both threads are in its list of work under way.
    await new Promise((r) => setTimeout(r, 5000));

    await redis.restart();

    for (const root of [running, planning]) {
      const notice = await chat.waitForEvent(
        (e) => e.type === 'message' && e.message.thread === root.id && textOf(e.message).includes(LOST),
        `the notice in thread ${root.id}`,
      );
      expect(textOf(notice.message)).toContain('Post the task again with its CSV to start over.');
    }
    // The run's sandbox is stopped; open pages were told to load again, and find the thread gone.
    await waitFor(async () => (await processesCarrying(MARKER)).length === 0, 'the sandboxed script to end');
    expect(chat.resyncs).toBeGreaterThanOrEqual(1);
    await expect(chat.thread(running.id)).rejects.toThrow(/^404/);

    criticHangs = false;
    const next = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const nextPlan = await chat.waitForReply(next.id, (r) => r.find(isPlan), 90_000);
    expect(textOf(nextPlan)).toContain('bb_yield');
    // One notice per thread.
    const notices = chat.events.filter((e) => e.type === 'message' && textOf(e.message).includes(LOST));
    expect(notices.map((e) => e.message.thread).sort()).toEqual([running.id, planning.id].sort());
    expect(bot.output()).toMatch(/Redis lost its data/);
    // It had warned at start that this Redis keeps nothing on disk.
    expect(bot.output()).toMatch(/Redis saves nothing to disk/);
  });
});

describe('Redis restarted with the set-up step’s append-only file, mid-run', () => {
  let own: BotOnOwnRedis;

  beforeAll(async () => {
    own = await startBotOnOwnRedis('aof');
  }, 60_000);

  afterAll(async () => {
    await own?.stop();
  });

  it('keeps the conversation and the run, which finishes and reports once', {
    timeout: 180_000,
  }, async () => {
    const { chat, redis, bot } = own;
    const task = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    await chat.press(ANN, plan, 'Run resolver');
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes(': running')));
    expect((await chat.thread(task.id)).replies.filter(isResult)).toHaveLength(0);

    await redis.restart();

    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 150_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
    await chat.waitForReply(task.id, (r) =>
      r.find((m: MessageView) => isProgress(m) && textOf(m).includes('finished')),
    );
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isResult)).toHaveLength(1);
    expect(replies.filter(isPlan)).toHaveLength(1);
    expect(replies.some((m) => textOf(m).includes(LOST) || textOf(m).includes('⚠️'))).toBe(false);
    expect(chat.resyncs).toBeGreaterThanOrEqual(1);
    expect(bot.output()).not.toMatch(/Redis lost its data|Redis saves nothing|Redis evicts/);
  });
});
