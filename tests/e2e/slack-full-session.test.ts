// A whole Slack session through Bolt and the real bot (conversation, BullMQ on the real Redis, core on the offline
// engine, bwrap sandbox), against the local Slack; assertions are on what the fake Slack received.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { totalBlockChars } from '../../adapters/slack/render-blocks.ts';
import { slackSurfaceOptions } from '../../bot/surface-options.ts';
import { FakeSlackServer, type RecordedCall } from '../helpers/fake-slack-server.ts';
import {
  BLUEBERRY as CSV_PATH,
  type PlatformBot,
  SESSION_TIMEOUT_MS,
  startPlatformBot,
  BLUEBERRY_TASK as TASK,
} from '../helpers/platform-bot.ts';

const BOT_TOKEN = 'xoxb-777-888-fullsession';
const APP_TOKEN = 'xapp-1-A0APP-999-fullsession';
const CHANNEL = 'C0DATATEAM';

type Block = {
  type: string;
  text?: { text: string };
  elements?: { value?: string; text?: { text: string } }[];
  /** An option card's section carries the card's vote beside its text. */
  accessory?: { value?: string; text?: { text: string } };
};

let fake: FakeSlackServer;
let bot: PlatformBot;

beforeAll(async () => {
  fake = new FakeSlackServer({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  await fake.start();
  bot = await startPlatformBot(
    { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl },
    (config, logger) => createSlackSurface(slackSurfaceOptions(config, logger)),
  );
  await fake.waitFor(() => fake.socketCount > 0, 'the Socket Mode connection');
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  await bot?.cleanup();
});

let tsCounter = 0;
function task(text: string, files: Record<string, unknown>[]) {
  tsCounter += 1;
  const ts = `1700100000.${String(tsCounter).padStart(6, '0')}`;
  const event = {
    type: 'app_mention',
    user: 'U0ALICE',
    text: `<@${fake.botUserId}> ${text}`,
    ts,
    channel: CHANNEL,
    team: fake.teamId,
    files,
  };
  fake.sendEnvelope('events_api', fake.eventCallback(event));
  return ts;
}

function hosted(name: string, body: Buffer | string, mimetype: string, size?: number) {
  return {
    id: `F${randomUUID().slice(0, 6)}`,
    name,
    mimetype,
    size: size ?? Buffer.byteLength(body),
    url_private: fake.hostFile(name, body, mimetype),
  };
}

const inThread = (ts: string) => (c: RecordedCall) => c.args.thread_ts === ts;
const blocksOf = (c: RecordedCall | undefined) => (c?.args.blocks ?? []) as Block[];
const allText = (c: RecordedCall) =>
  [String(c.args.text), ...blocksOf(c).map((b) => b.text?.text ?? '')].join('\n');

function assertWithinLimits(c: RecordedCall) {
  const blocks = blocksOf(c);
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(totalBlockChars(blocks as never)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
  for (const b of blocks) {
    if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    for (const e of b.elements ?? []) {
      if (e.value) expect(e.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      if (b.type === 'actions') expect(e.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
    if (b.accessory?.value) {
      expect(b.accessory.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      expect(b.accessory.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
  }
}

describe('a whole session in Slack', () => {
  it(
    'task with CSV → plan with buttons in the thread → Run pressed and acked → progress edits → results with files',
    async () => {
      const csv = await readFile(CSV_PATH);
      const ts = task(TASK, [hosted('blueberry.csv', csv, 'text/csv')]);

      // The plan: a message in the thread whose actions carry the bot's run buttons.
      const plan = await fake.waitFor(
        () =>
          fake
            .callsOf('chat.postMessage')
            .filter(inThread(ts))
            .find((c) =>
              blocksOf(c).some(
                (b) => b.type === 'actions' && b.elements?.some((e) => e.value?.includes('|run|')),
              ),
            ),
        'the plan with buttons',
        100_000,
      );
      expect(fake.downloads.some((d) => d.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
      expect(plan.args.channel).toBe(CHANNEL);
      expect(plan.args.thread_ts).toBe(ts);
      assertWithinLimits(plan);
      // Each option card: its vote beside its text (the section's accessory), its Run and Full text right under it.
      const buttons = blocksOf(plan).flatMap((b) =>
        b.type === 'actions' ? (b.elements ?? []) : b.accessory ? [b.accessory] : [],
      );
      expect(blocksOf(plan).filter((b) => b.accessory?.value?.includes('|vote|'))).toHaveLength(4);
      const run =
        buttons.find((e) => e.value?.endsWith('|run|resolver')) ??
        buttons.find((e) => e.value?.includes('|run|'));
      if (!run?.value) throw new Error('no run button in the plan');

      const press = (value: string) =>
        fake.sendEnvelope(
          'interactive',
          fake.blockActions({
            actionId: value,
            value,
            channel: CHANNEL,
            messageTs: String(plan.response?.ts),
            threadTs: ts,
          }),
        );

      // A vote: the tally is shown by editing the plan message.
      const vote = buttons.find((e) => e.value?.includes('|vote|'));
      if (!vote?.value) throw new Error('no vote button in the plan');
      press(vote.value);
      const tally = await fake.waitFor(
        () => fake.callsOf('chat.update').find((c) => c.args.ts === plan.response?.ts),
        'the tally edit',
      );
      assertWithinLimits(tally);

      // Run: acked at once, then the run's status message is posted and edited with progress.
      const postsBefore = fake.callsOf('chat.postMessage').length;
      const pressed = press(run.value);
      const ack = await fake.waitFor(
        () => fake.acks.find((a) => a.envelopeId === pressed.envelopeId),
        'the button ack',
      );
      expect(ack.at - pressed.sentAt).toBeLessThan(3000);

      const results = await fake.waitFor(
        () =>
          fake
            .callsOf('chat.postMessage')
            .slice(postsBefore)
            .filter(inThread(ts))
            .find((c) => /score/i.test(allText(c)) && /mae/i.test(allText(c))),
        'the results',
        180_000,
      );
      assertWithinLimits(results);
      const status = fake.callsOf('chat.postMessage').slice(postsBefore).filter(inThread(ts))[0];
      const edits = fake.callsOf('chat.update').filter((c) => c.args.ts === status?.response?.ts);
      expect(edits.length).toBeGreaterThan(0);
      expect(edits.every((e) => e.args.channel === CHANNEL)).toBe(true);
      for (const e of edits) assertWithinLimits(e);
      // Each post went through the deliver queue with its key as message metadata, each key posted once.
      const keys = fake
        .callsOf('chat.postMessage')
        .filter(inThread(ts))
        .map((c) => c.args.metadata as { event_type?: string; event_payload?: { key?: string } } | undefined);
      expect(keys.every((m) => m?.event_type === 'linguacodus_delivery' && !!m.event_payload?.key)).toBe(
        true,
      );
      expect(new Set(keys.map((m) => m?.event_payload?.key)).size).toBe(keys.length);

      // Files: uploaded into the same thread with files.uploadV2's three steps.
      const completes = await fake.waitFor(
        () => {
          const done = fake.callsOf('files.completeUploadExternal').filter((c) => c.args.thread_ts === ts);
          const names = fake.uploads.map((u) => u.filename);
          return names.some((n) => n.endsWith('.png')) && names.some((n) => n.endsWith('.ipynb')) && done;
        },
        'the chart and notebook uploads',
        60_000,
      );
      expect(completes.every((c) => c.args.channel_id === CHANNEL)).toBe(true);
      const uploaded = fake.uploads.map((u) => u.filename);
      expect(uploaded.some((n) => n.endsWith('.py') || n === 'solution.py')).toBe(true);
      const png = fake.uploads.find((u) => u.filename.endsWith('.png'));
      expect(png?.bytes.subarray(1, 4).toString()).toBe('PNG');
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    'refuses an oversized attachment and a non-CSV one with a reply in the thread, and keeps working',
    async () => {
      const big = task('Predict y. Metric: mae', [
        hosted('big.csv', 'a,b\n1,2\n', 'text/csv', 5 * 1024 * 1024),
      ]);
      const bigReply = await fake.waitFor(
        () => fake.callsOf('chat.postMessage').filter(inThread(big)).at(0),
        'the size refusal',
      );
      expect(allText(bigReply)).toMatch(/limit is 1 MB/);
      const pdf = task('Predict y. Metric: mae', [hosted('report.pdf', '%PDF-1.4', 'application/pdf')]);
      const pdfReply = await fake.waitFor(
        () => fake.callsOf('chat.postMessage').filter(inThread(pdf)).at(0),
        'refusal',
      );
      expect(allText(pdfReply)).toMatch(/CSV/);
      // A Run button pressed from another workspace: a private refusal, and no run starts.
      const postsBefore = fake.callsOf('chat.postMessage').length;
      fake.sendEnvelope(
        'interactive',
        fake.blockActions({
          actionId: 'lc|0123456789abcdef|1|run|resolver',
          value: 'lc|0123456789abcdef|1|run|resolver',
          channel: CHANNEL,
          messageTs: '1700000000.000001',
          teamId: 'T0INTRUDER',
          userId: 'U0MALLORY',
        }),
      );
      const refusal = await fake.waitFor(
        () => fake.callsOf('chat.postEphemeral').find((c) => c.args.user === 'U0MALLORY'),
        'the refusal',
      );
      expect(String(refusal.args.text)).toContain('another workspace');
      // Nothing crashed: a thread command still gets its answer.
      fake.sendEnvelope(
        'events_api',
        fake.eventCallback({
          type: 'message',
          user: 'U0ALICE',
          text: 'help',
          ts: '1700100099.000001',
          thread_ts: big,
          channel: CHANNEL,
        }),
      );
      const help = await fake.waitFor(
        () =>
          fake
            .callsOf('chat.postMessage')
            .filter(inThread(big))
            .find((c) => /How to use/.test(allText(c))),
        'help',
      );
      expect(help.args.channel).toBe(CHANNEL);
      expect(
        fake
          .callsOf('chat.postMessage')
          .slice(postsBefore)
          .every((c) => c.args.thread_ts === big),
      ).toBe(true);
    },
    SESSION_TIMEOUT_MS,
  );
});
