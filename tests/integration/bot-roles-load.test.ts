// A load measurement, run on demand (ROLES_LOAD_TASKS=N npx vitest run tests/integration/bot-roles-load.test.ts): N
// tasks posted at once in the web chat, each planned and run once, first against one `npm start` process, then
// against `linguacodus serve` and two `linguacodus worker` processes on one Redis and one DATA_DIR. It prints the
// time to each result (p50, p95), the wall time, and the failed delivery attempts, and checks that every thread got
// its plan and one result, and that no delivery attempt failed. The third layout stands for separate machines:
// `serve` and three `worker` processes, each with its own DATA_DIR, files through an S3-compatible server on loopback
// (s3rver); each thread also runs option 2 and blends the two, and every file of every reply downloads from the front.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  type MessageView,
  type TestEnv,
  testEnv,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';
import { type LocalS3, s3Env, startLocalS3 } from '../helpers/local-s3.ts';

const TASKS = Number(process.env.ROLES_LOAD_TASKS ?? 0);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;

type Layout = 'one process' | 'serve + 2 workers' | 'serve + 3 workers, own DATA_DIRs, S3';

const filesOf = (m: MessageView) =>
  (m.blocks ?? []).flatMap((b) => (b.kind === 'file' || b.kind === 'image' ? [b.file] : []));
const ownDir = () => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'lc-load-worker-')) });

async function measure(layout: Layout) {
  const separate = layout === 'serve + 3 workers, own DATA_DIRs, S3';
  const s3: LocalS3 | null = separate ? await startLocalS3() : null;
  const t: TestEnv = await testEnv(s3 ? { ...s3Env(s3), FILE_STORE_URL: `s3://${s3.bucket}/load` } : {});
  const port = await freePort();
  const env = { ...t.env, PORT: String(port) };
  const processes: BotProcess[] =
    layout === 'one process'
      ? [startBotProcess(env)]
      : layout === 'serve + 2 workers'
        ? [
            startBotProcess(env, { role: 'serve' }),
            startBotProcess(env, { role: 'worker' }),
            startBotProcess(env, { role: 'worker' }),
          ]
        : [
            startBotProcess(env, { role: 'serve' }),
            ...[1, 2, 3].map(() => startBotProcess({ ...env, ...ownDir() }, { role: 'worker' })),
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
        if (separate) await chat.press(ANN, plan, 'Run 2');
        await chat.waitForReply(root.id, (r) => r.find(isResult), 900_000);
        const firstResult = (Date.now() - posted) / 1000;
        if (separate) {
          // Blend the two runs (their folders made by whichever workers took them, read through the store).
          const blendable = await chat.waitForReply(
            root.id,
            (r) => r.filter(isResult).length >= 2 && r.find((m) => hasButton(m, 'Blend the best runs')),
            900_000,
          );
          await chat.press(ANN, blendable, 'Blend the best runs');
          await chat.waitForReply(root.id, (r) => r.filter(isResult).length >= 3 && r, 900_000);
        }
        const replies = (await chat.thread(root.id)).replies;
        expect(replies.filter(isResult)).toHaveLength(separate ? 3 : 1);
        expect(replies.filter(isPlan)).toHaveLength(1);
        if (separate) {
          for (const file of replies.flatMap(filesOf)) {
            const answer = await fetch(new URL(file.url, `http://127.0.0.1:${port}`));
            expect(answer.status, file.name).toBe(200);
            await answer.arrayBuffer();
          }
        }
        return firstResult;
      }),
    );
    const wall = (Date.now() - started) / 1000;
    // Each thread of the S3 layout has three results (options 1 and 2 and their blend).
    const results = TASKS * (separate ? 3 : 1);
    const sorted = [...times].sort((a, b) => a - b);
    const line = `${layout}: ${TASKS} tasks in ${wall.toFixed(0)} s (${((results / wall) * 60).toFixed(1)} results a minute); time to result p50 ${quantile(sorted, 0.5).toFixed(0)} s, p95 ${quantile(sorted, 0.95).toFixed(0)} s; failed delivery attempts ${failures.length}`;
    process.stdout.write(`${line}\n`);
    expect(failures).toEqual([]);
    return line;
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await events.close();
    await t.cleanup();
    await s3?.stop();
  }
}

const hasButton = (m: MessageView, label: string) =>
  (m.blocks ?? []).some((b) => b.kind === 'buttons' && b.buttons.some((x) => x.label === label));

describe.skipIf(TASKS === 0)('load: one process against serve and two workers', () => {
  it('one process', { timeout: 1_200_000 }, async () => {
    await measure('one process');
  });

  it('serve + 2 workers', { timeout: 1_200_000 }, async () => {
    await measure('serve + 2 workers');
  });

  it('serve + 3 workers, own DATA_DIRs, S3', { timeout: 1_800_000 }, async () => {
    await measure('serve + 3 workers, own DATA_DIRs, S3');
  });
});
