// Slack HTTP mode at the wire: signed Events API and Interactivity requests into Bolt's HTTP receiver.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { parseConfig } from '../../bot/config.ts';
import { slackSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import type { ChatSurface, IncomingEvent } from '../../contract/surface.ts';
import { FakeSlackServer, sendSignedRequest, slackSignature } from '../helpers/fake-slack-server.ts';
import { dropPrefix, testPrefix } from '../helpers/redis-prefix.ts';

/** Event ids are remembered in Redis (across processes): this file's own prefix, removed at the end. */
const PREFIX = testPrefix('slack-http');

const BOT_TOKEN = 'xoxb-444-555-httptoken';
const SECRET = 'signing-secret-for-tests-0123456789';

let fake: FakeSlackServer;
let surface: ChatSurface;
let url: string;
const events: IncomingEvent[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  fake = new FakeSlackServer({ botToken: BOT_TOKEN, appToken: 'xapp-unused' });
  await fake.start();
  const port = await freePort();
  const config = parseConfig({
    QUEUE_PREFIX: PREFIX,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_PORT: String(port),
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'silent',
  });
  surface = createSlackSurface(slackSurfaceOptions(config, createLogger({ level: 'silent' })));
  await surface.start(async (event) => {
    events.push(event);
  });
  url = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await surface?.stop();
  await fake?.stop();
  await dropPrefix(PREFIX);
});

function mentionBody(text: string, eventId?: string) {
  return fake.eventCallback(
    {
      type: 'app_mention',
      user: 'U0ALICE',
      text: `<@${fake.botUserId}> ${text}`,
      ts: `1700003000.${String(events.length + 1).padStart(6, '0')}`,
      channel: 'C0GENERAL',
    },
    eventId ? { eventId } : {},
  );
}

async function eventsNamed(text: string): Promise<IncomingEvent[]> {
  return events.filter((e) => e.type === 'message' && e.text === text);
}

describe('Slack surface over signed HTTP requests', () => {
  it('answers the url_verification challenge', async () => {
    const res = await sendSignedRequest(
      url,
      { type: 'url_verification', challenge: 'abc123', token: 't' },
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('abc123');
  });

  it('takes a signed event, answering 200 at once', async () => {
    const res = await sendSignedRequest(url, mentionBody('signed task'), { secret: SECRET });
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);
    const event = await fake.waitFor(
      () => events.find((e) => e.type === 'message' && e.text === 'signed task'),
      'event',
    );
    expect(event).toMatchObject({
      type: 'message',
      addressed: true,
      thread: { surface: 'slack', channel: 'C0GENERAL' },
    });
  });

  it('refuses an unsigned request, a bad signature and a replay older than five minutes with 401', async () => {
    const unsigned = await sendSignedRequest(url, mentionBody('unsigned'), {});
    expect(unsigned.status).toBe(401);
    const forged = await sendSignedRequest(url, mentionBody('forged'), {
      signature: slackSignature('wrong', 1, 'x'),
    });
    expect(forged.status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const replay = await sendSignedRequest(url, mentionBody('replayed'), {
      secret: SECRET,
      timestamp: sixMinutesAgo,
    });
    expect(replay.status).toBe(401);
    // A valid request afterwards proves the refusals reached the handler never, and the server still stands.
    await sendSignedRequest(url, mentionBody('after refusals'), { secret: SECRET });
    await fake.waitFor(
      () => events.find((e) => e.type === 'message' && e.text === 'after refusals'),
      'event',
    );
    expect(await eventsNamed('unsigned')).toEqual([]);
    expect(await eventsNamed('forged')).toEqual([]);
    expect(await eventsNamed('replayed')).toEqual([]);
  });

  it('refuses a correctly signed request stamped six minutes in the future with 401', async () => {
    const sixMinutesAhead = Math.floor(Date.now() / 1000) + 6 * 60;
    const ahead = await sendSignedRequest(url, mentionBody('from the future'), {
      secret: SECRET,
      timestamp: sixMinutesAhead,
    });
    expect(ahead.status).toBe(401);
    const fourMinutesAhead = Math.floor(Date.now() / 1000) + 4 * 60;
    const skewed = await sendSignedRequest(url, mentionBody('clock a little ahead'), {
      secret: SECRET,
      timestamp: fourMinutesAhead,
    });
    expect(skewed.status).toBe(200);
    await fake.waitFor(
      () => events.find((e) => e.type === 'message' && e.text === 'clock a little ahead'),
      'the event within five minutes',
    );
    expect(await eventsNamed('from the future')).toEqual([]);
  });

  it('handles a retried delivery (X-Slack-Retry-Num, same event_id) once', async () => {
    const body = mentionBody('retried', 'Ev0HTTPRETRY');
    const first = await sendSignedRequest(url, body, { secret: SECRET });
    const retry = await sendSignedRequest(url, body, { secret: SECRET, retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await sendSignedRequest(url, mentionBody('marker after retry'), { secret: SECRET });
    await fake.waitFor(
      () => events.find((e) => e.type === 'message' && e.text === 'marker after retry'),
      'marker',
    );
    expect(await eventsNamed('retried')).toHaveLength(1);
  });

  it('takes a signed button press (form-encoded payload) and acks it with 200 within 3 s', async () => {
    const payload = fake.blockActions({
      actionId: 'vote:s9:1',
      value: 'vote:s9:1',
      channel: 'C0GENERAL',
      messageTs: '1700000000.000042',
      threadTs: '1700000000.000040',
    });
    const res = await sendSignedRequest(url, payload, { secret: SECRET, form: true });
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);
    const action = await fake.waitFor(() => events.find((e) => e.type === 'action'), 'action');
    expect(action).toMatchObject({
      action: 'vote:s9:1',
      messageId: '1700000000.000042',
      thread: { thread: '1700000000.000040' },
    });
  });

  it('refuses a button press from another workspace', async () => {
    const payload = fake.blockActions({
      actionId: 'run:s9:1',
      value: 'run:s9:1',
      channel: 'C0GENERAL',
      messageTs: '1700000000.000043',
      teamId: 'T0OTHER',
    });
    const res = await sendSignedRequest(url, payload, { secret: SECRET, form: true });
    expect(res.status).toBe(200);
    const refusal = await fake.waitFor(() => fake.callsOf('chat.postEphemeral').at(-1), 'refusal');
    expect(String(refusal.args.text)).toContain('another workspace');
    expect(events.filter((e) => e.type === 'action' && e.action === 'run:s9:1')).toEqual([]);
  });
});
