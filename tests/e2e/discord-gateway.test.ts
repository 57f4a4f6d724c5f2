// Discord at the wire: discord.js against a local Discord (REST + gateway), driven by a small test handler.
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSurface } from '../../adapters/discord/index.ts';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { parseConfig } from '../../bot/config.ts';
import { discordSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface, IncomingEvent } from '../../contract/surface.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { FakeDiscordServer } from '../helpers/fake-discord-server.ts';
import { dropPrefix, testPrefix } from '../helpers/redis-prefix.ts';
import { longCode, SurfaceDriver } from '../helpers/surface-driver.ts';

/** Event ids are remembered in Redis (across processes): this file's own prefix, removed at the end. */
const PREFIX = testPrefix('discord-gw');

const TOKEN = 'fake-discord-bot-token-for-tests';
const CSV = 'id,feature,target\n1,0.5,1\n2,0.1,0\n3,0.9,1\n';
/** Guilds (1) | GuildMessages (512) | MessageContent (32768). */
const INTENTS = 1 | 512 | 32768;

type Row = { type: number; components: { custom_id: string; label: string; style: number }[] };

let fake: FakeDiscordServer;
let surface: ChatSurface;
let configuredChannel: string;
const driver = new SurfaceDriver((predicate, what) => fake.waitFor(predicate, what));
const { events } = driver;

beforeAll(async () => {
  fake = new FakeDiscordServer(TOKEN, 300);
  await fake.start();
  configuredChannel = fake.otherChannelId;
  surface = createDiscordSurface(discordSurfaceOptions(surfaceConfig(), createLogger({ level: 'silent' })));
  await driver.start(surface, 'discord-gw-');
});

afterAll(async () => {
  await surface?.stop();
  await fake?.stop();
  await driver.cleanup();
  await dropPrefix(PREFIX);
});

/** The surface's settings against the fake, on this file's Redis prefix. */
function surfaceConfig() {
  return parseConfig({
    QUEUE_PREFIX: PREFIX,
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GATEWAY_URL: fake.gatewayUrl,
    DISCORD_CHANNELS: configuredChannel,
    LOG_LEVEL: 'silent',
  });
}

/** A ThreadRef whose thread is the task channel itself: posts go straight into the channel. */
function channelThread(): ThreadRef {
  return { surface: 'discord', space: fake.guildId, channel: fake.channelId, thread: fake.channelId };
}

describe('Discord surface over the gateway', () => {
  it('fetches /gateway/bot, identifies with the three intents, and heartbeats', async () => {
    expect(fake.requestsTo('GET', /^\/gateway\/bot$/).length).toBeGreaterThan(0);
    const identify = fake.gatewayReceived.find((p) => p.op === 2);
    expect(identify?.d).toMatchObject({ token: TOKEN, intents: INTENTS });
    await fake.waitFor(() => fake.gatewayReceived.filter((p) => p.op === 1).length >= 2, 'two heartbeats');
    expect(fake.socketCount).toBe(1);
  });

  it('runs a session: task with CSV starts a thread, plan with buttons, button deferred at once, progress edits, results with files', async () => {
    // 1. The task: a mention with a CSV attachment starts a thread named from the task.
    const before = events.length;
    const csv = fake.hostAttachment('train.csv', CSV, 'text/csv; charset=utf-8');
    const taskId = fake.userMessage({
      content: 'predict target from this file',
      mentionBot: true,
      attachments: [csv],
    });
    const task = await driver.nextEvent(before);
    const threadCall = fake.requestsTo(
      'POST',
      new RegExp(`^/channels/${fake.channelId}/messages/${taskId}/threads$`),
    );
    expect(threadCall).toHaveLength(1);
    expect(threadCall[0]?.body).toMatchObject({
      name: 'predict target from this file',
      auto_archive_duration: 1440,
    });
    expect(task).toMatchObject({
      type: 'message',
      isRoot: true,
      addressed: true,
      messageId: taskId,
      text: 'predict target from this file',
      user: { id: fake.user.id, name: 'Alice' },
      thread: { surface: 'discord', space: fake.guildId, channel: fake.channelId, thread: taskId },
    });
    if (task.type !== 'message') throw new Error('expected a message');
    expect(task.files.map((f) => [f.name, f.bytes])).toEqual([['train.csv', CSV.length]]);
    const dest = driver.path('train.csv');
    await task.files[0]?.download(dest, 1024 * 1024);
    expect(await readFile(dest, 'utf8')).toBe(CSV);

    // 2. The plan in the thread, with buttons.
    const plan = await surface.post(task.thread, {
      text: 'Three plans',
      blocks: [
        { kind: 'heading', text: 'Three ranked plans' },
        { kind: 'text', text: '**Plan 1** …\n**Plan 2** …\n**Plan 3** …' },
        {
          kind: 'buttons',
          buttons: [
            ...[1, 2, 3].map((n) => ({
              action: `vote:s1:${n}`,
              label: `Vote ${n}`,
              style: 'default' as const,
            })),
            { action: 'vote:s1:r', label: 'Vote resolver', style: 'default' },
            ...[1, 2, 3].map((n) => ({
              action: `run:s1:${n}`,
              label: `Run ${n}`,
              style: 'primary' as const,
            })),
            { action: 'full:s1', label: 'Full text', style: 'default' },
          ],
        },
      ],
    });
    const planPost = fake.requestsTo('POST', new RegExp(`^/channels/${taskId}/messages$`)).at(-1);
    expect(String(planPost?.body?.content)).toContain('## Three ranked plans');
    expect(String(planPost?.body?.content).length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    const rows = planPost?.body?.components as Row[];
    expect(rows.map((r) => r.components.map((c) => c.custom_id))).toEqual([
      ['vote:s1:1', 'vote:s1:2', 'vote:s1:3', 'vote:s1:r', 'run:s1:1'],
      ['run:s1:2', 'run:s1:3', 'full:s1'],
    ]);
    expect(planPost?.body?.allowed_mentions).toEqual({ parse: [] });

    // 3. A button pressed: deferred before the bot's (slow) work finishes.
    const release = driver.holdActions();
    const pressedAt = events.length;
    const press = fake.pressButton({ messageId: plan.messageId, customId: 'run:s1:2' });
    const action = await driver.nextEvent(pressedAt);
    const callback = fake.requestsTo(
      'POST',
      new RegExp(`^/interactions/${press.id}/${press.token}/callback$`),
    );
    expect(callback).toHaveLength(1);
    expect(callback[0]?.body).toMatchObject({ type: 6 });
    expect((callback[0]?.at ?? Number.POSITIVE_INFINITY) - press.sentAt).toBeLessThan(3000);
    release();
    expect(action).toEqual({
      type: 'action',
      thread: { surface: 'discord', space: fake.guildId, channel: fake.channelId, thread: taskId },
      messageId: plan.messageId,
      user: { id: fake.user.id, name: 'Alice' },
      action: 'run:s1:2',
      // The interaction's own id: a second real press differs, a replay of this one does not.
      pressId: press.id,
    });

    // 4. Progress: one message edited in place.
    const status = await driver.postProgress(surface, action.thread, 'Running');
    const edits = fake.requestsTo('PATCH', new RegExp(`^/channels/${taskId}/messages/${status.messageId}$`));
    expect(edits.map((e) => String(e.body?.content).match(/\d\/4/)?.[0])).toEqual(['2/4', '3/4', '4/4']);

    // 5. Results: long code and the chart as attachments, in the thread.
    const chart = driver.path('chart.png');
    await writeFile(chart, Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9]));
    const code = longCode(90);
    await surface.post(action.thread, {
      text: 'Score',
      blocks: [
        { kind: 'text', text: '**Score** 0.91 roc_auc (baseline 0.50)' },
        { kind: 'code', language: 'python', code, filename: 'solution.py' },
        {
          kind: 'image',
          file: { name: 'chart.png', path: chart, mime: 'image/png', bytes: 6 },
          alt: 'chart',
        },
      ],
    });
    const results = fake.requestsTo('POST', new RegExp(`^/channels/${taskId}/messages$`)).at(-1);
    expect(results?.files.map((f) => f.name)).toEqual(['solution.py', 'chart.png']);
    expect(results?.files[0]?.bytes.toString()).toBe(code);
    expect(results?.files[1]?.bytes).toEqual(await readFile(chart));
    expect(String(results?.body?.content)).toContain('**Score** 0.91');
  });

  it('takes messages in a configured channel without a mention, and replies in its own threads', async () => {
    const before = events.length;
    fake.userMessage({ content: 'not for the bot', channelId: fake.channelId });
    const id = fake.userMessage({ content: 'a task here', channelId: configuredChannel });
    const event = await driver.nextEvent(before);
    expect(event).toMatchObject({
      type: 'message',
      text: 'a task here',
      addressed: true,
      thread: { thread: id },
    });
    fake.userMessage({ content: 'status', channelId: id });
    const reply = await driver.nextEvent(before + 1);
    expect(reply).toMatchObject({
      type: 'message',
      isRoot: false,
      text: 'status',
      thread: { channel: configuredChannel, thread: id },
    });
    expect(events.filter((e) => e.type === 'message' && e.text === 'not for the bot')).toEqual([]);
  });

  it('handles a replayed MESSAGE_CREATE once, and reuses a thread an earlier process already started', async () => {
    const before = events.length;
    const id = fake.nextId();
    fake.userMessage({ id, content: 'replayed task', mentionBot: true });
    fake.userMessage({ id, content: 'replayed task', mentionBot: true });
    fake.userMessage({ content: 'marker', mentionBot: true });
    await fake.waitFor(() => events.find((e) => e.type === 'message' && e.text === 'marker'), 'the marker');
    expect(
      events.slice(before).filter((e) => e.type === 'message' && e.text === 'replayed task'),
    ).toHaveLength(1);

    const started = fake.nextId();
    fake.createThread(fake.channelId, started, 'from before the restart');
    const at = events.length;
    fake.userMessage({ id: started, content: 'task again', mentionBot: true });
    const event = await driver.nextEvent(at);
    expect(event).toMatchObject({
      type: 'message',
      isRoot: true,
      thread: { channel: fake.channelId, thread: started },
    });
  });

  it('refuses a button from another guild with an ephemeral reply and does not pass it on', async () => {
    const before = events.length;
    const press = fake.pressButton({
      messageId: '900000000000099999',
      customId: 'run:s1:1',
      guildId: '900000000000000666',
    });
    const reply = await fake.waitFor(
      () => fake.requestsTo('POST', new RegExp(`^/interactions/${press.id}/`))[0],
      'the refusal callback',
    );
    expect(reply.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((reply.body?.data as { content?: string } | undefined)?.content)).toContain(
      'server this bot does not serve',
    );
    fake.userMessage({ content: 'still alive', mentionBot: true });
    const next = await driver.nextEvent(before);
    expect(next.type === 'message' && next.text).toBe('still alive');
  });

  it('refuses an oversized attachment before downloading and one on a foreign host', async () => {
    const before = events.length;
    const big = fake.hostAttachment('big.csv', CSV, 'text/csv', 80 * 1024 * 1024);
    const foreign = {
      ...fake.hostAttachment('evil.csv', CSV, 'text/csv'),
      url: 'https://evil.example/evil.csv',
    };
    fake.userMessage({ content: 'files', mentionBot: true, attachments: [big, foreign] });
    const event = await driver.nextEvent(before);
    if (event.type !== 'message') throw new Error('expected a message');
    const tooLarge = await event.files[0]
      ?.download(driver.path('big.csv'), 50 * 1024 * 1024)
      .catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(LinguacodusError);
    expect((tooLarge as LinguacodusError).code).toBe('too_large');
    const elsewhere = await event.files[1]?.download(driver.path('evil.csv'), 1024).catch((e: unknown) => e);
    expect((elsewhere as LinguacodusError).userMessage).toContain('only fetch files stored on Discord');
  });

  it('posts once for a repeated idempotency key (Discord nonce, enforced)', async () => {
    const thread = channelThread();
    const message = { text: 'once', blocks: [{ kind: 'text' as const, text: 'exactly once' }] };
    const first = await surface.post(thread, message, { idempotencyKey: 'deliver:post:abc-123' });
    const again = await surface.post(thread, message, { idempotencyKey: 'deliver:post:abc-123' });
    expect(again.messageId).toBe(first.messageId);
    const posts = fake.requestsTo('POST', new RegExp(`^/channels/${fake.channelId}/messages$`)).slice(-2);
    expect(posts.map((p) => p.body?.enforce_nonce)).toEqual([true, true]);
    expect(String(posts[0]?.body?.nonce).length).toBeLessThanOrEqual(25);
  });

  it('waits out a 429 with Retry-After and then edits', async () => {
    const thread = channelThread();
    const posted = await surface.post(thread, { text: 'p', blocks: [{ kind: 'text', text: 'before' }] });
    const path = new RegExp(`^/channels/${fake.channelId}/messages/${posted.messageId}$`);
    fake.rateLimit('PATCH', path, 1, 1);
    await surface.edit(thread, posted.messageId, { text: 'p', blocks: [{ kind: 'text', text: 'after' }] });
    const attempts = fake.requestsTo('PATCH', path);
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(attempts[1]?.body?.content).toBe('after');
  });
});

describe('Discord surface start errors', () => {
  it('names DISCORD_TOKEN when Discord refuses the token', async () => {
    const config = parseConfig({
      QUEUE_PREFIX: PREFIX,
      DISCORD_TOKEN: 'not-the-right-token',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GATEWAY_URL: fake.gatewayUrl,
    });
    const wrong = createDiscordSurface(discordSurfaceOptions(config, createLogger({ level: 'silent' })));
    const error = await wrong.start(async () => {}).catch((e: unknown) => e);
    await wrong.stop();
    expect(error).toBeInstanceOf(LinguacodusError);
    expect((error as LinguacodusError).userMessage).toContain('DISCORD_TOKEN');
  });

  it('names the Message Content intent when the gateway refuses it (close 4014)', async () => {
    fake.privilegedIntentsAllowed = false;
    const config = parseConfig({
      QUEUE_PREFIX: PREFIX,
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GATEWAY_URL: fake.gatewayUrl,
    });
    const refused = createDiscordSurface(discordSurfaceOptions(config, createLogger({ level: 'silent' })));
    try {
      const error = await refused.start(async () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinguacodusError);
      expect((error as LinguacodusError).userMessage).toContain('Message Content');
    } finally {
      fake.privilegedIntentsAllowed = true;
      await refused.stop();
    }
  });
});

describe('two bot processes on one gateway', () => {
  it('handle a message and a button press once between them (ids remembered in Redis)', async () => {
    const second = createDiscordSurface(
      discordSurfaceOptions(surfaceConfig(), createLogger({ level: 'silent' })),
    );
    const seenBySecond: IncomingEvent[] = [];
    await second.start(async (event) => {
      seenBySecond.push(event);
    });
    let stopped = false;
    try {
      await fake.waitFor(() => fake.socketCount === 2, 'the second gateway connection');
      const both = () => [...events, ...seenBySecond];
      const before = events.length;
      fake.userMessage({ content: 'one task for two processes', mentionBot: true });
      const press = fake.pressButton({ messageId: fake.nextId(), customId: 'vote:s9:1' });
      fake.userMessage({ content: 'marker for two', mentionBot: true });
      await fake.waitFor(
        () => both().some((e) => e.type === 'message' && e.text === 'marker for two'),
        'the marker',
      );
      // Both sockets got every frame in one send loop; stopping the second waits out its Redis answers, so
      // whatever it was going to take, it has taken.
      await second.stop();
      stopped = true;
      const taken = [...events.slice(before), ...seenBySecond];
      expect(
        taken.filter((e) => e.type === 'message' && e.text === 'one task for two processes'),
      ).toHaveLength(1);
      expect(taken.filter((e) => e.type === 'action' && e.pressId === press.id)).toHaveLength(1);
      const callbacks = fake.requestsTo(
        'POST',
        new RegExp(`^/interactions/${press.id}/${press.token}/callback$`),
      );
      expect(callbacks).toHaveLength(1);
    } finally {
      if (!stopped) await second.stop();
    }
  });
});
