// Slack Socket Mode at the wire: Bolt against a local Slack (Web API + Socket Mode), driven by a small test handler.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { parseConfig } from '../../bot/config.ts';
import { slackSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface } from '../../contract/surface.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { FakeSlackServer } from '../helpers/fake-slack-server.ts';
import { dropPrefix, testPrefix } from '../helpers/redis-prefix.ts';
import { longCode, SurfaceDriver } from '../helpers/surface-driver.ts';

/** Event ids are remembered in Redis (across processes): this file's own prefix, removed at the end. */
const PREFIX = testPrefix('slack-socket');

const BOT_TOKEN = 'xoxb-111-222-testtoken';
const APP_TOKEN = 'xapp-1-A0APP-333-apptoken';
const CONFIGURED = 'C0CONFIGURED';
const CSV = 'id,feature,target\n1,0.5,1\n2,0.1,0\n3,0.9,1\n';

type Block = { type: string; text?: { text: string }; elements?: Record<string, unknown>[] };

let fake: FakeSlackServer;
let surface: ChatSurface;
let config: ReturnType<typeof parseConfig>;
const driver = new SurfaceDriver((predicate, what) => fake.waitFor(predicate, what));
const { events } = driver;

beforeAll(async () => {
  fake = new FakeSlackServer({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  await fake.start();
  config = parseConfig({
    QUEUE_PREFIX: PREFIX,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    SLACK_CHANNELS: CONFIGURED,
    LOG_LEVEL: 'silent',
  });
  surface = createSlackSurface(slackSurfaceOptions(config, createLogger({ level: 'silent' })));
  await driver.start(surface, 'slack-socket-');
  await fake.waitFor(() => fake.socketCount > 0, 'the Socket Mode connection');
});

afterAll(async () => {
  await surface?.stop();
  await fake?.stop();
  await driver.cleanup();
  await dropPrefix(PREFIX);
});

function mention(text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'app_mention',
    user: 'U0ALICE',
    text: `<@${fake.botUserId}> ${text}`,
    ts: `1700001000.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    channel: 'C0GENERAL',
    team: fake.teamId,
    ...extra,
  };
}

/** A thread in #general, as the bot addresses it. */
function generalThread(ts: string): ThreadRef {
  return { surface: 'slack', space: fake.teamId, channel: 'C0GENERAL', thread: ts };
}

function csvFile(name: string, body: string, mimetype: string, size = Buffer.byteLength(body)) {
  return {
    id: `F${name.length}${size}`,
    name,
    mimetype,
    size,
    url_private: fake.hostFile(name, body, mimetype),
  };
}

describe('Slack surface over Socket Mode', () => {
  it('connects with apps.connections.open on the app token and verifies the bot token', () => {
    const open = fake.callsOf('apps.connections.open');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]?.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(fake.callsOf('auth.test')[0]?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('runs a session: task with CSV, plan with buttons in the thread, button acked at once, progress edits, results with files', async () => {
    // 1. The task: a mention with a CSV attachment.
    const before = events.length;
    const event = mention('predict target from this file', {
      files: [csvFile('train.csv', CSV, 'text/csv')],
    });
    const sent = fake.sendEnvelope('events_api', fake.eventCallback(event));
    const task = await driver.nextEvent(before);
    const ack = await fake.waitFor(
      () => fake.acks.find((a) => a.envelopeId === sent.envelopeId),
      'the event ack',
    );
    expect(ack.at - sent.sentAt).toBeLessThan(3000);
    expect(task).toMatchObject({
      type: 'message',
      isRoot: true,
      addressed: true,
      messageId: event.ts,
      text: 'predict target from this file',
      user: { id: 'U0ALICE', name: 'Alice' },
      thread: { surface: 'slack', space: fake.teamId, channel: 'C0GENERAL', thread: event.ts },
    });
    if (task.type !== 'message') throw new Error('expected a message');
    expect(task.files.map((f) => [f.name, f.mime, f.bytes])).toEqual([['train.csv', 'text/csv', CSV.length]]);
    const dest = driver.path('train.csv');
    await task.files[0]?.download(dest, 1024 * 1024);
    expect(await readFile(dest, 'utf8')).toBe(CSV);
    expect(fake.downloads.at(-1)?.authorization).toBe(`Bearer ${BOT_TOKEN}`);

    // 2. The plan in the thread, with buttons.
    const plan = await surface.post(task.thread, {
      text: 'Three plans for your task',
      blocks: [
        { kind: 'heading', text: 'Three ranked plans' },
        ...[1, 2, 3].map((n) => ({
          kind: 'text' as const,
          text: `**Plan ${n}**: gradient boosting variant ${n}`,
        })),
        { kind: 'context', text: 'The resolver chose plan 2.' },
        {
          kind: 'buttons',
          buttons: [
            ...[1, 2, 3].map((n) => ({
              action: `vote:s1:${n}`,
              label: `Vote ${n}`,
              style: 'default' as const,
            })),
            { action: 'run:s1:2', label: 'Run plan 2', style: 'primary' },
          ],
        },
      ],
    });
    const planCall = fake
      .callsOf('chat.postMessage')
      .find((c) => c.args.text === 'Three plans for your task');
    expect(planCall?.args.channel).toBe('C0GENERAL');
    expect(planCall?.args.thread_ts).toBe(event.ts);
    const blocks = planCall?.args.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
      'actions',
    ]);
    const buttons = blocks[5]?.elements ?? [];
    expect(buttons.map((b) => b.value)).toEqual(['vote:s1:1', 'vote:s1:2', 'vote:s1:3', 'run:s1:2']);
    for (const b of buttons)
      expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);

    // 3. A button pressed: acked before the bot's (slow) work finishes.
    const release = driver.holdActions();
    const pressedAt = events.length;
    const press = fake.sendEnvelope(
      'interactive',
      fake.blockActions({
        actionId: 'run:s1:2',
        value: 'run:s1:2',
        channel: 'C0GENERAL',
        messageTs: plan.messageId,
        threadTs: event.ts,
      }),
    );
    const action = await driver.nextEvent(pressedAt);
    const pressAck = await fake.waitFor(
      () => fake.acks.find((a) => a.envelopeId === press.envelopeId),
      'the ack',
    );
    expect(pressAck.at - press.sentAt).toBeLessThan(3000);
    release();
    expect(action).toEqual({
      type: 'action',
      thread: { surface: 'slack', space: fake.teamId, channel: 'C0GENERAL', thread: event.ts },
      messageId: plan.messageId,
      user: { id: 'U0ALICE', name: 'Alice' },
      action: 'run:s1:2',
      pressId: expect.any(String),
    });

    // 4. Progress: one message edited in place.
    const status = await driver.postProgress(
      surface,
      action.thread,
      'Running plan 2',
      (step) => `stage ${step}`,
    );
    const updates = fake.callsOf('chat.update').filter((c) => c.args.ts === status.messageId);
    expect(updates.map((u) => (u.args.blocks as Block[])[0]?.text?.text.match(/\d\/4/)?.[0])).toEqual([
      '2/4',
      '3/4',
      '4/4',
    ]);
    expect(updates.every((u) => u.args.channel === 'C0GENERAL')).toBe(true);

    // 5. Results: score, long code as a file, the notebook and a chart, all in the thread.
    const chart = driver.path('chart.png');
    const notebook = driver.path('solution.ipynb');
    await writeFile(chart, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    await writeFile(notebook, '{"cells": []}');
    const code = longCode(120);
    const uploadsBefore = fake.uploads.length;
    await surface.post(action.thread, {
      text: 'Score 0.91 (roc_auc)',
      blocks: [
        { kind: 'text', text: '**Score** 0.91 roc_auc (baseline 0.50)' },
        { kind: 'code', language: 'python', code, filename: 'solution.py' },
        {
          kind: 'file',
          file: { name: 'solution.ipynb', path: notebook, mime: 'application/json', bytes: 13 },
        },
        {
          kind: 'image',
          file: { name: 'chart.png', path: chart, mime: 'image/png', bytes: 7 },
          alt: 'Feature importance',
        },
      ],
    });
    const newUploads = fake.uploads.slice(uploadsBefore);
    expect(newUploads.map((u) => u.filename).sort()).toEqual(['chart.png', 'solution.ipynb', 'solution.py']);
    expect(newUploads.find((u) => u.filename === 'solution.py')?.bytes.toString()).toBe(code);
    expect(newUploads.find((u) => u.filename === 'chart.png')?.bytes).toEqual(await readFile(chart));
    const complete = fake.callsOf('files.completeUploadExternal').at(-1);
    expect(complete?.args.channel_id).toBe('C0GENERAL');
    expect(complete?.args.thread_ts).toBe(event.ts);
    expect(((complete?.args.files ?? []) as { id: string }[]).map((f) => f.id).sort()).toEqual(
      newUploads.map((u) => u.fileId).sort(),
    );
    const getUrls = fake.callsOf('files.getUploadURLExternal').slice(-3);
    expect(getUrls.map((c) => Number(c.args.length)).sort((a, b) => a - b)).toEqual(
      newUploads.map((u) => u.bytes.length).sort((a, b) => a - b),
    );
  });

  it('takes a message in a configured channel without a mention, and thread replies anywhere', async () => {
    const before = events.length;
    const ts = '1700002000.000100';
    fake.sendEnvelope(
      'events_api',
      fake.eventCallback({ type: 'message', user: 'U0BOB', text: 'hello there', ts, channel: CONFIGURED }),
    );
    const first = await driver.nextEvent(before);
    expect(first).toMatchObject({ type: 'message', addressed: true, isRoot: true, thread: { thread: ts } });
    fake.sendEnvelope(
      'events_api',
      fake.eventCallback({
        type: 'message',
        user: 'U0BOB',
        text: 'status',
        ts: '1700002000.000200',
        thread_ts: '1700001999.000001',
        channel: 'C0ELSEWHERE',
      }),
    );
    const reply = await driver.nextEvent(before + 1);
    expect(first).toMatchObject({ user: { id: 'U0BOB', name: 'Bob' } });
    expect(reply).toMatchObject({
      type: 'message',
      addressed: false,
      isRoot: false,
      text: 'status',
      thread: { channel: 'C0ELSEWHERE', thread: '1700001999.000001' },
    });
  });

  it('handles a resent event once (same event_id) and acks both deliveries', async () => {
    const before = events.length;
    const body = fake.eventCallback(mention('once only'), { eventId: 'Ev0DUPLICATE1' });
    const a = fake.sendEnvelope('events_api', body);
    await driver.nextEvent(before);
    const b = fake.sendEnvelope('events_api', body, 1);
    await fake.waitFor(() => fake.acks.find((x) => x.envelopeId === b.envelopeId), 'the resend ack');
    // A later, different event proves the resend was processed (and dropped) before it.
    fake.sendEnvelope('events_api', fake.eventCallback(mention('after')));
    const after = await driver.nextEvent(before + 1);
    expect(after.type === 'message' && after.text).toBe('after');
    expect(fake.acks.some((x) => x.envelopeId === a.envelopeId)).toBe(true);
    expect(events.filter((e) => e.type === 'message' && e.text === 'once only')).toHaveLength(1);
  });

  it('ignores its own messages and other bots', async () => {
    const before = events.length;
    fake.sendEnvelope(
      'events_api',
      fake.eventCallback({
        type: 'message',
        user: fake.botUserId,
        text: 'mine',
        ts: '1.1',
        channel: CONFIGURED,
      }),
    );
    fake.sendEnvelope(
      'events_api',
      fake.eventCallback({ type: 'message', bot_id: 'B0OTHER', text: 'bot', ts: '1.2', channel: CONFIGURED }),
    );
    fake.sendEnvelope('events_api', fake.eventCallback(mention('marker')));
    const next = await driver.nextEvent(before);
    expect(next.type === 'message' && next.text).toBe('marker');
  });

  it('refuses a button from another workspace with an ephemeral reply, and does not pass it on', async () => {
    const before = events.length;
    const press = fake.sendEnvelope(
      'interactive',
      fake.blockActions({
        actionId: 'run:s1:1',
        value: 'run:s1:1',
        channel: 'C0GENERAL',
        messageTs: '1700000000.000001',
        teamId: 'T0INTRUDER',
        userId: 'U0MALLORY',
      }),
    );
    const ephemeral = await fake.waitFor(() => fake.callsOf('chat.postEphemeral').at(-1), 'the refusal');
    expect(ephemeral.args).toMatchObject({ channel: 'C0GENERAL', user: 'U0MALLORY' });
    expect(String(ephemeral.args.text)).toContain('another workspace');
    expect(fake.acks.some((a) => a.envelopeId === press.envelopeId)).toBe(true);
    fake.sendEnvelope('events_api', fake.eventCallback(mention('still alive')));
    const next = await driver.nextEvent(before);
    expect(next.type === 'message' && next.text).toBe('still alive');
  });

  it('refuses an oversized file before downloading, a sign-in page, and a file on a foreign host', async () => {
    const before = events.length;
    const downloadsBefore = fake.downloads.length;
    const big = csvFile('big.csv', CSV, 'text/csv', 80 * 1024 * 1024);
    const html = csvFile('login.csv', '<html>Sign in</html>', 'text/html');
    const foreign = {
      id: 'F0X',
      name: 'evil.csv',
      mimetype: 'text/csv',
      size: 10,
      url_private: 'https://evil.example/f',
    };
    fake.sendEnvelope('events_api', fake.eventCallback(mention('files', { files: [big, html, foreign] })));
    const event = await driver.nextEvent(before);
    if (event.type !== 'message') throw new Error('expected a message');
    const [bigFile, htmlFile, foreignFile] = event.files;
    const tooLarge = await bigFile
      ?.download(driver.path('big.csv'), 50 * 1024 * 1024)
      .catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(LinguacodusError);
    expect((tooLarge as LinguacodusError).code).toBe('too_large');
    expect((tooLarge as LinguacodusError).userMessage).toContain('limit is 50.0 MB');
    expect(fake.downloads.length).toBe(downloadsBefore);
    const login = await htmlFile?.download(driver.path('login.csv'), 1024).catch((e: unknown) => e);
    expect((login as LinguacodusError).userMessage).toContain('sign-in page');
    const elsewhere = await foreignFile?.download(driver.path('evil.csv'), 1024).catch((e: unknown) => e);
    expect((elsewhere as LinguacodusError).userMessage).toContain('only fetch files stored in Slack');
    expect(fake.downloads.length).toBe(downloadsBefore + 1);
  });

  it('stops a download that grows past the limit while streaming', async () => {
    const before = events.length;
    const body = 'x'.repeat(4096);
    // Slack declared a small size; the bytes that come are more.
    const file = { ...csvFile('grow.csv', body, 'text/csv'), size: 100 };
    fake.sendEnvelope('events_api', fake.eventCallback(mention('grow', { files: [file] })));
    const event = await driver.nextEvent(before);
    if (event.type !== 'message') throw new Error('expected a message');
    const error = await event.files[0]?.download(driver.path('grow.csv'), 1000).catch((e: unknown) => e);
    expect((error as LinguacodusError).code).toBe('too_large');
    await expect(readFile(driver.path('grow.csv'))).rejects.toThrow();
  });

  it('waits out a 429 with Retry-After and then posts', async () => {
    fake.rateLimit('chat.postMessage', 1, 1);
    const before = fake.callsOf('chat.postMessage').length;
    const thread = generalThread('1700000000.000009');
    const posted = await surface.post(thread, {
      text: 'after the limit',
      blocks: [{ kind: 'text', text: 'ok' }],
    });
    const calls = fake.callsOf('chat.postMessage').slice(before);
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(posted.messageId).toMatch(/^1700000000\./);
  });

  it('posts a keyed message once: a retry, in this process or after a crash, returns the first message', async () => {
    const thread = generalThread('1700002000.000001');
    fake.sendEnvelope(
      'events_api',
      fake.eventCallback(mention('root of a long thread', { ts: thread.thread })),
    );
    // More earlier replies than one conversations.replies page, so the lookup has to follow the cursor.
    for (let i = 0; i < 250; i += 1) {
      fake.addMessage({
        channel: thread.channel,
        ts: `1700002000.${String(i + 2).padStart(6, '0')}`,
        thread_ts: thread.thread,
        user: 'U0BOB',
        text: `reply ${i}`,
      });
    }
    const key = 'deliver:run-42:plan';
    const message = { text: 'Three plans', blocks: [{ kind: 'text' as const, text: 'plans' }] };
    const before = fake.callsOf('chat.postMessage').length;

    const first = await surface.post(thread, message, { idempotencyKey: key });
    const again = await surface.post(thread, message, { idempotencyKey: key });

    // The bot "crashed" after chat.postMessage returned: a new process has nothing in memory.
    const restarted = createSlackSurface(slackSurfaceOptions(config, createLogger({ level: 'silent' })));
    await restarted.start(async () => {});
    const repliesBefore = fake.callsOf('conversations.replies').length;
    let retried: Awaited<ReturnType<ChatSurface['post']>>;
    try {
      retried = await restarted.post(thread, message, { idempotencyKey: key });
    } finally {
      await restarted.stop();
    }

    const posts = fake.callsOf('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.metadata).toEqual({
      event_type: 'linguacodus_delivery',
      event_payload: { key },
    });
    expect(first.messageId).toBe(posts[0]?.response?.ts);
    expect(again.messageId).toBe(first.messageId);
    expect(retried.messageId).toBe(first.messageId);
    const lookups = fake.callsOf('conversations.replies').slice(repliesBefore);
    expect(lookups).toHaveLength(2);
    for (const call of lookups) {
      expect(call.authorization).toBe(`Bearer ${BOT_TOKEN}`);
      expect(call.args).toMatchObject({
        channel: thread.channel,
        ts: thread.thread,
        include_all_metadata: 'true',
      });
    }
    expect(lookups[1]?.args.cursor).toBeTruthy();

    // Another key in the same thread is another message.
    const other = await surface.post(thread, message, { idempotencyKey: 'deliver:run-42:status' });
    expect(other.messageId).not.toBe(first.messageId);
    expect(fake.callsOf('chat.postMessage').slice(before)).toHaveLength(2);
  });

  it('still posts a keyed message, once, when Slack refuses to show the thread', async () => {
    const thread = generalThread('1700002000.000900');
    fake.refuseNext('conversations.replies', 'missing_scope');
    const before = fake.callsOf('chat.postMessage').length;
    const posted = await surface.post(
      thread,
      { text: 'regardless', blocks: [{ kind: 'text', text: 'regardless' }] },
      { idempotencyKey: 'deliver:run-43:plan' },
    );
    const refused = fake.callsOf('conversations.replies').at(-1);
    expect(refused?.response).toEqual({ ok: false, error: 'missing_scope' });
    const posts = fake.callsOf('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.metadata).toEqual({
      event_type: 'linguacodus_delivery',
      event_payload: { key: 'deliver:run-43:plan' },
    });
    expect(posted.messageId).toBe(posts[0]?.response?.ts);
  });

  it('after stop, closes the socket but still delivers posts (shutdown drains the deliver queue)', async () => {
    await surface.stop();
    await fake.waitFor(() => fake.socketCount === 0, 'the socket to close');
    const thread = generalThread('1700000000.000077');
    const posted = await surface.post(thread, {
      text: 'last words',
      blocks: [{ kind: 'text', text: 'bye' }],
    });
    expect(fake.callsOf('chat.postMessage').at(-1)?.args).toMatchObject({
      text: 'last words',
      thread_ts: thread.thread,
    });
    expect(posted.messageId).toBe(fake.callsOf('chat.postMessage').at(-1)?.response?.ts);
    await surface.stop();
  });
});
