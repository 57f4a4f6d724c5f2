// Slack as an AI app (the app installed with the assistant feature), at the wire: Bolt and the real bot (BullMQ on
// the real Redis, core on the offline engine) against the local Slack. A new assistant thread gets suggested
// prompts; a task in it gets a title, a status line while it is planned, and the plan, as a mention would.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { planKey } from '../../bot/jobs/delivery-keys.ts';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import { slackSurfaceOptions } from '../../bot/surface-options.ts';
import { FakeSlackServer, type RecordedCall } from '../helpers/fake-slack-server.ts';
import {
  BLUEBERRY as CSV_PATH,
  type PlatformBot,
  SESSION_TIMEOUT_MS,
  startPlatformBot,
  BLUEBERRY_TASK as TASK,
} from '../helpers/platform-bot.ts';
import { waitFor } from '../helpers/wait-for.ts';

const BOT_TOKEN = 'xoxb-777-888-assistant';
const APP_TOKEN = 'xapp-1-A0APP-999-assistant';
/** The app's DM with Alice: where Slack keeps her assistant threads. */
const DM = 'D0ALICEDM';

type Block = { type: string; elements?: { value?: string }[] };

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

const inThread = (ts: string) => (c: RecordedCall) => c.args.thread_ts === ts;
const blocksOf = (c: RecordedCall | undefined) => (c?.args.blocks ?? []) as Block[];

describe('Slack as an AI app', () => {
  it(
    'a new assistant thread gets suggested prompts; a task in it gets a title, a status while planned, the plan; a rating of its result is recorded',
    async () => {
      const root = '1700200000.000001';
      fake.sendEnvelope('events_api', fake.assistantThreadStarted({ channel: DM, threadTs: root }));
      const prompts = await fake.waitFor(
        () => fake.callsOf('assistant.threads.setSuggestedPrompts').find(inThread(root)),
        'the suggested prompts',
      );
      expect(prompts.args.channel_id).toBe(DM);
      // The Web API client sends arrays form-encoded as JSON text, as Slack reads them.
      const raw = prompts.args.prompts;
      const offered = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        title: string;
        message: string;
      }[];
      expect(offered.map((p) => p.title)).toContain('Predict churn from my CSV');
      expect(offered.every((p) => p.message.length > 0)).toBe(true);

      // The task, as a person writes it in the assistant thread: a DM message in that thread, no mention.
      const csv = await readFile(CSV_PATH);
      fake.sendEnvelope(
        'events_api',
        fake.eventCallback({
          type: 'message',
          channel: DM,
          channel_type: 'im',
          user: 'U0ALICE',
          text: TASK,
          ts: '1700200000.000002',
          thread_ts: root,
          team: fake.teamId,
          files: [
            {
              id: `F${randomUUID().slice(0, 6)}`,
              name: 'blueberry.csv',
              mimetype: 'text/csv',
              size: csv.length,
              url_private: fake.hostFile('blueberry.csv', csv, 'text/csv'),
            },
          ],
        }),
      );
      const plan = await fake.waitFor(
        () =>
          fake
            .callsOf('chat.postMessage')
            .filter(inThread(root))
            .find((c) =>
              blocksOf(c).some(
                (b) => b.type === 'actions' && b.elements?.some((e) => e.value?.includes('|run|')),
              ),
            ),
        'the plan in the assistant thread',
        100_000,
      );
      expect(plan.args.channel).toBe(DM);

      // The title: the task's own words, once.
      const titles = fake.callsOf('assistant.threads.setTitle').filter(inThread(root));
      expect(titles).toHaveLength(1);
      expect(String(titles[0]?.args.title)).toMatch(/^Predict/);
      expect(String(titles[0]?.args.title).length).toBeLessThanOrEqual(80);

      // The status line: set while the task was read and planned (before the plan), then cleared.
      const statuses = fake.callsOf('assistant.threads.setStatus').filter(inThread(root));
      const working = statuses.filter((c) => String(c.args.status) !== '' && c.at <= plan.at);
      expect(working.length).toBeGreaterThanOrEqual(2);
      expect(working.every((c) => c.args.channel_id === DM)).toBe(true);
      await fake.waitFor(
        () => fake.callsOf('assistant.threads.setStatus').filter(inThread(root)).at(-1)?.args.status === '',
        'the status cleared once the plan is ready',
      );

      // Run the resolver's choice; its result carries Slack's feedback buttons, and a press is recorded with the run.
      const run = blocksOf(plan)
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.value?.endsWith('|run|resolver'));
      if (!run?.value) throw new Error('no Run button on the plan');
      const postsBefore = fake.callsOf('chat.postMessage').length;
      const press = (value: string, actionType: 'button' | 'feedback_buttons', messageTs: string) =>
        fake.sendEnvelope(
          'interactive',
          fake.blockActions({
            actionId: actionType === 'button' ? value : 'feedback',
            value,
            channel: DM,
            messageTs,
            threadTs: root,
            actionType,
          }),
        );
      // The bot records the plan's ts once the post returns; a press before that would find no plan yet.
      const sid = sessionIdFor({ surface: 'slack', space: fake.teamId, channel: DM, thread: root });
      await waitFor(
        async () =>
          (await bot.app.ctx.deliver.messageIdOf(planKey({ sid, planSeq: 1 }, 'plan'))) === plan.response?.ts,
        'the plan delivery recorded',
      );
      press(run.value, 'button', String(plan.response?.ts));
      const result = await fake.waitFor(
        () =>
          fake
            .callsOf('chat.postMessage')
            .slice(postsBefore)
            .filter(inThread(root))
            .find((c) => blocksOf(c).some((b) => b.type === 'context_actions')),
        'the result with feedback buttons',
        180_000,
      );
      // The status line while the run was under way: set by its progress edits, cleared by its last one.
      const runStatuses = fake
        .callsOf('assistant.threads.setStatus')
        .filter(inThread(root))
        .filter((c) => c.at >= plan.at);
      expect(runStatuses.some((c) => String(c.args.status) !== '')).toBe(true);
      expect(runStatuses.at(-1)?.args.status).toBe('');
      const feedback = blocksOf(result).find((b) => b.type === 'context_actions') as unknown as {
        elements: { type: string; positive_button: { value: string }; negative_button: { value: string } }[];
      };
      expect(feedback.elements[0]?.type).toBe('feedback_buttons');
      const good = feedback.elements[0]?.positive_button.value ?? '';
      expect(good).toMatch(/\|feedback\|\d+\|good$/);
      expect(feedback.elements[0]?.negative_button.value).toMatch(/\|feedback\|\d+\|bad$/);

      // As for the plan: the result's ts is recorded once its post returns.
      await waitFor(async () => {
        for (const r of await bot.app.ctx.store.runList(sid))
          if (r.resultKey && (await bot.app.ctx.deliver.messageIdOf(r.resultKey)) === result.response?.ts)
            return true;
        return false;
      }, 'the result delivery recorded');
      press(good, 'feedback_buttons', String(result.response?.ts));
      const rated = await waitFor(async () => {
        const runs = await bot.app.ctx.store.runList(sid);
        return runs.find((r) => r.feedback?.U0ALICE === 'good');
      }, 'the rating recorded with the run');
      expect(rated.n).toBeGreaterThan(0);
      const metrics = await bot.app.operations.metrics.registry.getSingleMetricAsString(
        'linguacodus_feedback_total',
      );
      expect(metrics).toMatch(/linguacodus_feedback_total\{value="good"\} 1/);
      // A rating pressed through another message (forged) changes nothing.
      press(feedback.elements[0]?.negative_button.value ?? '', 'feedback_buttons', String(plan.response?.ts));
      await new Promise((r) => setTimeout(r, 500));
      expect((await bot.app.ctx.store.runList(sid)).find((r) => r.n === rated.n)?.feedback?.U0ALICE).toBe(
        'good',
      );

      // A channel thread never gets an assistant call (only the DM threads are the container's).
      expect(
        fake.callsOf('assistant.threads.setStatus').every((c) => String(c.args.channel_id).startsWith('D')),
      ).toBe(true);
    },
    SESSION_TIMEOUT_MS,
  );
});
