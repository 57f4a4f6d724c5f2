// Files between machines through an S3-compatible store (s3rver on loopback, tests/helpers/local-s3.ts): a serve
// front and a `linguacodus worker` process, each with its own DATA_DIR. The worker plans from the upload the front
// received, the front attaches and serves the plan and the run's files the worker made, and when the store goes
// away in the middle of a run the thread is told it is the bot's fault, the job is retried, and nothing is lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isPlan,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';
import { type LocalS3, s3Env, startLocalS3 } from '../helpers/local-s3.ts';

const filesOf = (m: MessageView) =>
  (m.blocks ?? []).flatMap((b) => (b.kind === 'file' || b.kind === 'image' ? [b.file] : []));

describe('a front and a worker on separate disks, files through an S3-compatible store', () => {
  let s3: LocalS3;
  let front: WebBot;
  let worker: BotProcess;

  beforeAll(async () => {
    s3 = await startLocalS3();
    const env = { ...s3Env(s3), FILE_STORE_URL: `s3://${s3.bucket}/linguacodus` };
    // The SDK takes credentials and region from the environment, in this process as in the worker's.
    Object.assign(process.env, env);
    front = await startWebBot(env, { workers: ['deliver'] });
    const workerDir = mkdtempSync(path.join(tmpdir(), 'lc-worker-'));
    worker = startBotProcess({ ...front.t.env, DATA_DIR: workerDir }, { role: 'worker' });
    await worker.ready;
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await front?.stop();
    await s3?.stop();
  });

  it('plans from the front’s upload, survives the store going away mid-run, and serves every file from the front', {
    timeout: 300_000,
  }, async () => {
    const { chat } = front;
    const root = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(root.id, (r) => r.find(isPlan), 90_000);
    const planFiles = filesOf(plan);
    expect(planFiles.map((f) => f.name)).toContain('instructions.md');

    await chat.press(ANN, plan, 'Run 1');
    // The store goes away while the run works: its folder cannot be stored when it ends.
    await s3.stop();
    const notice = await chat.waitForReply(
      root.id,
      (r) => r.find((m) => textOf(m).includes('The file store (s3://')),
      150_000,
    );
    expect(textOf(notice)).toMatch(
      /The file store \(s3:\/\/linguacodus-test\/linguacodus\) could not store a file: .*This is a fault of the bot's set-up, not of your file\. Retrying \(attempt 2 of 3\)\./s,
    );
    await s3.start();
    const result = await chat.waitForReply(root.id, (r) => r.find(isResult), 200_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
    const files = filesOf(result);
    expect(files.length).toBeGreaterThanOrEqual(3);
    // Every file the worker made downloads from the front, whose own DATA_DIR never had it (the plan as it is now:
    // its instructions were rewritten with the evidence under the same name, and the front fetched them again).
    const planNow = (await chat.thread(root.id)).replies.find(isPlan);
    if (!planNow) throw new Error('the plan is gone');
    for (const file of [...filesOf(planNow), ...files]) {
      const answer = await fetch(new URL(file.url, front.web.url()));
      expect(answer.status, file.name).toBe(200);
      expect((await answer.arrayBuffer()).byteLength, file.name).toBe(file.bytes);
    }
    const replies = (await chat.thread(root.id)).replies.map(textOf).join('\n');
    expect(replies).not.toContain('could not be opened');
    expect(replies.match(/Score: mae \d/g)?.length).toBe(1);
  });
});
