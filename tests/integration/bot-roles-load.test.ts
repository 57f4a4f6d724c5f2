// A load measurement, run on demand (ROLES_LOAD_TASKS=N npx vitest run tests/integration/bot-roles-load.test.ts): N
// tasks posted at once in the web chat, each planned and run once, first against one `npm start` process, then
// against `linguacodus serve` and two `linguacodus worker` processes on one Redis and one DATA_DIR. It prints the
// time to each result (p50, p95), the wall time, and the failed delivery attempts, and checks that every thread got
// its plan and one result, and that no delivery attempt failed.
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { deliverQueueName } from '../../bot/jobs/queues.ts';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  freePort,
  isPlan,
  isResult,
  type TestEnv,
  testEnv,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';

const TASKS = Number(process.env.ROLES_LOAD_TASKS ?? 0);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;

async function measure(layout: 'one process' | 'serve + 2 workers') {
  const t: TestEnv = await testEnv();
  const port = await freePort();
  const env = { ...t.env, PORT: String(port) };
  const processes: BotProcess[] =
    layout === 'one process'
      ? [startBotProcess(env)]
      : [
          startBotProcess(env, { role: 'serve' }),
          startBotProcess(env, { role: 'worker' }),
          startBotProcess(env, { role: 'worker' }),
        ];
  const events = new QueueEvents(deliverQueueName('web'), {
    connection: { url: t.env.REDIS_URL },
    prefix: t.prefix,
  });
  const failures: string[] = [];
  events.on('failed', ({ failedReason }) => failures.push(failedReason));
  try {
    await events.waitUntilReady();
    await Promise.all(processes.map((p) => p.ready));
    const chat = new WebChatClient(`http://127.0.0.1:${port}`);
    const upload = await chat.uploadFile(BLUEBERRY);
    const started = Date.now();
    const times = await Promise.all(
      Array.from({ length: TASKS }, async (_, i) => {
        const posted = Date.now();
        const root = await chat.post(ANN, `${BLUEBERRY_TASK} (${i + 1})`, {
          uploads: [i === 0 ? upload : await chat.uploadFile(BLUEBERRY)],
        });
        const plan = await chat.waitForReply(root.id, (r) => r.find(isPlan), 900_000);
        await chat.press(ANN, plan, 'Run 1');
        await chat.waitForReply(root.id, (r) => r.find(isResult), 900_000);
        const replies = (await chat.thread(root.id)).replies;
        expect(replies.filter(isResult)).toHaveLength(1);
        expect(replies.filter(isPlan)).toHaveLength(1);
        return (Date.now() - posted) / 1000;
      }),
    );
    const wall = (Date.now() - started) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    const line = `${layout}: ${TASKS} tasks in ${wall.toFixed(0)} s (${((TASKS / wall) * 60).toFixed(1)} results a minute); time to result p50 ${quantile(sorted, 0.5).toFixed(0)} s, p95 ${quantile(sorted, 0.95).toFixed(0)} s; failed delivery attempts ${failures.length}`;
    process.stdout.write(`${line}\n`);
    expect(failures).toEqual([]);
    return line;
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await events.close();
    await t.cleanup();
  }
}

describe.skipIf(TASKS === 0)('load: one process against serve and two workers', () => {
  it('one process', { timeout: 1_200_000 }, async () => {
    await measure('one process');
  });

  it('serve + 2 workers', { timeout: 1_200_000 }, async () => {
    await measure('serve + 2 workers');
  });
});
