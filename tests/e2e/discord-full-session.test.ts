// A whole Discord session through discord.js and the real bot (conversation, BullMQ on the real Redis, core on the
// offline engine, bwrap sandbox), against the local Discord; assertions are on what the fake Discord received.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSurface } from '../../adapters/discord/index.ts';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { discordSurfaceOptions } from '../../bot/surface-options.ts';
import { FakeDiscordServer, type RecordedRequest } from '../helpers/fake-discord-server.ts';
import {
  BLUEBERRY as CSV_PATH,
  type PlatformBot,
  SESSION_TIMEOUT_MS,
  startPlatformBot,
  BLUEBERRY_TASK as TASK,
} from '../helpers/platform-bot.ts';

const TOKEN = 'fake-discord-token-full-session';

type Row = { components: { custom_id: string; label: string }[] };

let fake: FakeDiscordServer;
let bot: PlatformBot;

beforeAll(async () => {
  fake = new FakeDiscordServer(TOKEN, 2000);
  await fake.start();
  bot = await startPlatformBot(
    { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: fake.apiUrl, DISCORD_GATEWAY_URL: fake.gatewayUrl },
    (config, logger) => createDiscordSurface(discordSurfaceOptions(config, logger)),
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  await bot?.cleanup();
});

const postsIn = (thread: string) => fake.requestsTo('POST', new RegExp(`^/channels/${thread}/messages$`));
const textOf = (r: RecordedRequest) =>
  [
    String(r.body?.content ?? ''),
    ...((r.body?.embeds ?? []) as { description?: string }[]).map((e) => e.description ?? ''),
  ].join('\n');
const customIds = (r: RecordedRequest) =>
  ((r.body?.components ?? []) as Row[]).flatMap((row) => row.components.map((c) => c.custom_id));

function assertWithinLimits(r: RecordedRequest) {
  expect(String(r.body?.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  const rows = (r.body?.components ?? []) as Row[];
  expect(rows.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
  for (const row of rows) {
    expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
    for (const b of row.components) {
      expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
      expect(b.label.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
    }
  }
  const embeds = (r.body?.embeds ?? []) as { description?: string }[];
  expect(embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(
    DISCORD_LIMITS.embedsTotal,
  );
  expect(r.files.length).toBeLessThanOrEqual(DISCORD_LIMITS.attachmentsPerMessage);
}

describe('a whole session in Discord', () => {
  it(
    'task with CSV → thread → plan with buttons → Run deferred at once → progress edits → results with files',
    async () => {
      const csv = await readFile(CSV_PATH);
      const attachment = fake.hostAttachment('blueberry.csv', csv, 'text/csv');
      const taskId = fake.userMessage({ content: TASK, mentionBot: true, attachments: [attachment] });
      // Discord names the thread after the task message; the thread's id is the task message's id.
      await fake.waitFor(
        () => fake.requestsTo('POST', new RegExp(`/messages/${taskId}/threads$`))[0],
        'the thread',
      );

      const plan = await fake.waitFor(
        () => postsIn(taskId).find((r) => customIds(r).some((id) => id.includes('|run|'))),
        'the plan with buttons',
        100_000,
      );
      assertWithinLimits(plan);
      const ids = customIds(plan);
      // One row per option card, its buttons labelled with the option: Vote 2, Run 2, Full text 2.
      const rows = ((plan.body?.components ?? []) as Row[]).map((row) => row.components.map((c) => c.label));
      expect(rows.slice(0, 4)).toEqual(
        ['1', '2', '3', 'resolver'].map((n) => [`Vote ${n}`, `Run ${n}`, `Full text ${n}`]),
      );
      expect(rows[4]).toEqual(['Run vanilla control', 'Full text', 'Auto']);
      const run = ids.find((id) => id.endsWith('|run|resolver')) ?? ids.find((id) => id.includes('|run|'));
      const vote = ids.find((id) => id.includes('|vote|'));
      if (!run || !vote) throw new Error('the plan lacks run or vote buttons');
      const posted = plan.response as { id: string };

      // A vote: deferred, then the plan message edited with the tally.
      const votePress = fake.pressButton({ messageId: posted.id, customId: vote, channelId: taskId });
      await fake.waitFor(
        () => fake.requestsTo('POST', new RegExp(`^/interactions/${votePress.id}/`))[0],
        'vote ack',
      );
      const tally = await fake.waitFor(
        () => fake.requestsTo('PATCH', new RegExp(`^/channels/${taskId}/messages/${posted.id}$`))[0],
        'the tally edit',
      );
      assertWithinLimits(tally);

      // Run: deferred within 3 s (type 6), then a status message edited with progress, then the results.
      const postsBefore = postsIn(taskId).length;
      const runPress = fake.pressButton({ messageId: posted.id, customId: run, channelId: taskId });
      const callback = await fake.waitFor(
        () =>
          fake.requestsTo('POST', new RegExp(`^/interactions/${runPress.id}/${runPress.token}/callback$`))[0],
        'the run ack',
      );
      expect(callback.body).toMatchObject({ type: 6 });
      expect(callback.at - runPress.sentAt).toBeLessThan(3000);

      const results = await fake.waitFor(
        () =>
          postsIn(taskId)
            .slice(postsBefore)
            .find((r) => /score/i.test(textOf(r)) && /mae/i.test(textOf(r))),
        'the results',
        180_000,
      );
      assertWithinLimits(results);
      const status = postsIn(taskId)[postsBefore];
      const statusId = (status?.response as { id: string } | undefined)?.id;
      const edits = fake.requestsTo('PATCH', new RegExp(`^/channels/${taskId}/messages/${statusId}$`));
      expect(edits.length).toBeGreaterThan(0);
      for (const e of edits) assertWithinLimits(e);

      const files = postsIn(taskId).flatMap((r) => r.files.map((f) => f.name));
      expect(files.some((n) => n.endsWith('.png'))).toBe(true);
      expect(files.some((n) => n.endsWith('.ipynb'))).toBe(true);
      const png = postsIn(taskId)
        .flatMap((r) => r.files)
        .find((f) => f.name.endsWith('.png'));
      expect(png?.bytes.subarray(1, 4).toString()).toBe('PNG');
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    'refuses an oversized and a non-CSV attachment in the thread, and a button from another guild',
    async () => {
      const bigId = fake.userMessage({
        content: 'Predict y. Metric: mae',
        mentionBot: true,
        attachments: [fake.hostAttachment('big.csv', 'a,b\n1,2\n', 'text/csv', 5 * 1024 * 1024)],
      });
      const bigReply = await fake.waitFor(() => postsIn(bigId)[0], 'the size refusal');
      expect(textOf(bigReply)).toMatch(/limit is 1 MB/);
      const pdfId = fake.userMessage({
        content: 'Predict y. Metric: mae',
        mentionBot: true,
        attachments: [fake.hostAttachment('report.pdf', '%PDF-1.4', 'application/pdf')],
      });
      const pdfReply = await fake.waitFor(() => postsIn(pdfId)[0], 'the type refusal');
      expect(textOf(pdfReply)).toMatch(/CSV/);

      const foreign = fake.pressButton({
        messageId: '900000000000077777',
        customId: 'lc|0123456789abcdef|1|run|resolver',
        guildId: '900000000000000666',
      });
      const refusal = await fake.waitFor(
        () => fake.requestsTo('POST', new RegExp(`^/interactions/${foreign.id}/`))[0],
        'the refusal',
      );
      expect(refusal.body).toMatchObject({ type: 4, data: { flags: 64 } });

      // Nothing crashed: a thread command still gets its answer.
      fake.userMessage({ content: 'help', channelId: bigId });
      const help = await fake.waitFor(() => postsIn(bigId).find((r) => /How to use/.test(textOf(r))), 'help');
      assertWithinLimits(help);
    },
    SESSION_TIMEOUT_MS,
  );
});
