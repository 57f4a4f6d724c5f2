// A Slack retry that reaches a second bot process makes no second plan (two `bot/main.ts` processes in Slack HTTP
// mode on one Redis, signed requests from the wire-level fake Slack): the event id is remembered in Redis. And a
// request stamped six minutes in the future is refused.

import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import { BLUEBERRY, BLUEBERRY_TASK, freePort, type TestEnv, testEnv } from '../helpers/bot-test-kit.ts';
import { FakeSlackServer, type RecordedCall, sendSignedRequest } from '../helpers/fake-slack-server.ts';

const BOT_TOKEN = 'xoxb-321-654-resend';
const SECRET = 'signing-secret-for-the-resend-test';
const CHANNEL = 'C0RESEND';

const textOfCall = (c: RecordedCall) =>
  [
    String(c.args.text),
    ...((c.args.blocks ?? []) as { text?: { text?: string } }[]).map((b) => b.text?.text ?? ''),
  ].join('\n');

describe('a Slack retry delivered to a second bot process', () => {
  let fake: FakeSlackServer;
  let t: TestEnv;
  const bots: BotProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    fake = new FakeSlackServer({ botToken: BOT_TOKEN, appToken: 'xapp-unused' });
    await fake.start();
    t = await testEnv({
      WEB_CHAT: 'false',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const bot = startBotProcess({ ...t.env, SLACK_PORT: String(port) }, { readyPort: port });
      bots.push(bot);
      urls.push(`http://127.0.0.1:${port}/slack/events`);
    }
    await Promise.all(bots.map((b) => b.ready));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await fake?.stop();
    await t?.cleanup();
  });

  it('is handled once: one acknowledgement, one plan, one plan job; a resent rerun starts one run', {
    timeout: 120_000,
  }, async () => {
    const ts = '1700200000.000100';
    const csv = readFileSync(BLUEBERRY);
    const body = fake.eventCallback(
      {
        type: 'app_mention',
        user: 'U0ALICE',
        text: `<@${fake.botUserId}> ${BLUEBERRY_TASK}`,
        ts,
        channel: CHANNEL,
        team: fake.teamId,
        files: [
          {
            id: 'F0RESEND',
            name: 'blueberry.csv',
            mimetype: 'text/csv',
            size: csv.length,
            url_private: fake.hostFile('blueberry.csv', csv, 'text/csv'),
          },
        ],
      },
      { eventId: `Ev0RESEND${process.pid}` },
    );
    const first = await sendSignedRequest(urls[0] as string, body, { secret: SECRET });
    // Slack's retry (X-Slack-Retry-Num) reaches the other process, which never saw the first delivery.
    const retry = await sendSignedRequest(urls[1] as string, body, { secret: SECRET, retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);

    const inThread = () => fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === ts);
    await fake.waitFor(
      () => inThread().find((c) => textOfCall(c).includes('Three ranked instructions')),
      'the plan',
      90_000,
    );
    const posts = inThread();
    expect(posts.filter((c) => textOfCall(c).includes('Three ranked instructions'))).toHaveLength(1);
    expect(posts.filter((c) => textOfCall(c).includes('Working on it'))).toHaveLength(1);

    // A thread command resent the same way: `rerun` handled twice would answer "already running" the second time.
    const rerun = fake.eventCallback(
      {
        type: 'message',
        user: 'U0ALICE',
        text: 'rerun',
        ts: '1700200000.000200',
        thread_ts: ts,
        channel: CHANNEL,
      },
      { eventId: `Ev0RERUN${process.pid}` },
    );
    await sendSignedRequest(urls[0] as string, rerun, { secret: SECRET });
    await sendSignedRequest(urls[1] as string, rerun, { secret: SECRET, retryNum: 1 });
    await fake.waitFor(
      () => inThread().find((c) => String(c.args.text).startsWith('Run of')),
      'the run status',
    );
    // A later command to the second process is answered after it dealt with the retry.
    const status = fake.eventCallback({
      type: 'message',
      user: 'U0ALICE',
      text: 'status',
      ts: '1700200000.000300',
      thread_ts: ts,
      channel: CHANNEL,
    });
    await sendSignedRequest(urls[1] as string, status, { secret: SECRET });
    await fake.waitFor(() => inThread().find((c) => textOfCall(c).includes('Status')), 'the status reply');
    expect(inThread().filter((c) => textOfCall(c).includes('already running'))).toEqual([]);
    expect(inThread().filter((c) => String(c.args.text).startsWith('Run of'))).toHaveLength(1);

    // A correctly signed request stamped six minutes ahead is refused by the process, and starts nothing.
    const ahead = fake.eventCallback({
      type: 'app_mention',
      user: 'U0ALICE',
      text: `<@${fake.botUserId}> ${BLUEBERRY_TASK}`,
      ts: '1700200000.000400',
      channel: CHANNEL,
      team: fake.teamId,
    });
    const refused = await sendSignedRequest(urls[0] as string, ahead, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) + 6 * 60,
    });
    expect(refused.status).toBe(401);

    const redis = new Redis(t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    const plans = new Queue('plan', { connection: redis, prefix: t.prefix });
    try {
      const counts = await plans.getJobCounts('completed', 'active', 'wait', 'delayed', 'failed');
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await plans.close();
      await redis.quit();
    }
  });
});
