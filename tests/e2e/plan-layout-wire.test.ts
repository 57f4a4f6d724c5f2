// The plan as option cards at the wire: Bolt and discord.js against the local Slack and Discord, posting a plan
// with the paper's longest released instructions and editing it with each card's full text shown in place; what
// the fake servers received stays within each platform's limits, and a card's own Vote comes back as its action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSurface } from '../../adapters/discord/index.ts';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { totalBlockChars } from '../../adapters/slack/render-blocks.ts';
import { parseConfig } from '../../bot/config.ts';
import { encodeAction } from '../../bot/render/action-ids.ts';
import { renderPlan } from '../../bot/render/render-plan.ts';
import { discordSurfaceOptions, slackSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface } from '../../contract/surface.ts';
import type { Choice, Plan } from '../../core/types.ts';
import { FakeDiscordServer, type RecordedRequest } from '../helpers/fake-discord-server.ts';
import { FakeSlackServer, type RecordedCall } from '../helpers/fake-slack-server.ts';
import { longPlan } from '../helpers/long-plan.ts';
import { dropPrefix, testPrefix } from '../helpers/redis-prefix.ts';
import { SurfaceDriver } from '../helpers/surface-driver.ts';

const PREFIX = testPrefix('plan-layout');
const SID = '0123456789abcdef';
const EXPANDED: (Choice | null)[] = [null, '1', '2', '3', 'resolver'];
const votes: Record<string, string> = { U0ALICE: '2', U0BOB: '2', U0CAROL: 'resolver' };

let plan: Plan;
const view = (expanded: Choice | null) =>
  renderPlan({ sid: SID, planSeq: 1, plan, votes, file: null, expanded });

beforeAll(async () => {
  plan = await longPlan();
}, 60_000);

afterAll(async () => {
  await dropPrefix(PREFIX);
});

type SlackButton = { action_id: string; value: string; text: { text: string } };
type SlackBlock = {
  type: string;
  text?: { text: string };
  elements?: SlackButton[];
  accessory?: SlackButton;
};

describe('Slack: the plan as option cards', () => {
  let fake: FakeSlackServer;
  let surface: ChatSurface;
  const driver = new SurfaceDriver((predicate, what) => fake.waitFor(predicate, what));

  beforeAll(async () => {
    fake = new FakeSlackServer({ botToken: 'xoxb-1-2-layout', appToken: 'xapp-1-A0APP-3-layout' });
    await fake.start();
    const config = parseConfig({
      QUEUE_PREFIX: PREFIX,
      SLACK_BOT_TOKEN: 'xoxb-1-2-layout',
      SLACK_APP_TOKEN: 'xapp-1-A0APP-3-layout',
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'silent',
    });
    surface = createSlackSurface(slackSurfaceOptions(config, createLogger({ level: 'silent' })));
    await driver.start(surface, 'plan-layout-slack-');
    await fake.waitFor(() => fake.socketCount > 0, 'the Socket Mode connection');
  }, 60_000);

  afterAll(async () => {
    await surface?.stop();
    await fake?.stop();
    await driver.cleanup();
  });

  function assertWithinLimits(call: RecordedCall): SlackBlock[] {
    const blocks = call.args.blocks as SlackBlock[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(totalBlockChars(blocks as never)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
    const ids = new Set<string>();
    for (const b of blocks) {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      const buttons = b.type === 'actions' ? (b.elements ?? []) : [];
      for (const button of [...buttons, ...(b.accessory ? [b.accessory] : [])]) {
        expect(button.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect(button.action_id.length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        expect(button.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        expect(ids.has(button.action_id)).toBe(false);
        ids.add(button.action_id);
      }
      expect(buttons.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
    }
    expect(String(call.args.text).length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    return blocks;
  }

  it('posts every card with its vote beside it, edits each open in place, and a card’s vote comes back as its action', async () => {
    const thread: ThreadRef = {
      surface: 'slack',
      space: fake.teamId,
      channel: 'C0PLANS',
      thread: '1700200000.000100',
    };
    const posted = await surface.post(thread, view(null));
    for (const expanded of EXPANDED.slice(1)) await surface.edit(thread, posted.messageId, view(expanded));
    const post = fake.callsOf('chat.postMessage').find((c) => c.args.channel === 'C0PLANS');
    if (!post) throw new Error('the plan was not posted');
    const updates = fake.callsOf('chat.update').filter((c) => c.args.ts === posted.messageId);
    expect(updates).toHaveLength(4);
    const measured: string[] = [];
    for (const [i, call] of [post, ...updates].entries()) {
      const blocks = assertWithinLimits(call);
      const cards = blocks.filter((b) => b.type === 'section' && b.accessory);
      expect(cards.map((b) => b.accessory?.text.text)).toEqual([
        'Vote 1',
        'Vote 2',
        'Vote 3',
        'Vote resolver',
        'Run vanilla control',
      ]);
      const expanded = EXPANDED[i];
      if (expanded) {
        const open = cards.find((b) => b.accessory?.value.endsWith(`|vote|${expanded}`));
        expect(open?.text?.text.length).toBeGreaterThan(1000);
      }
      measured.push(
        `${expanded ?? 'folded'}: ${blocks.length} blocks, ${totalBlockChars(blocks as never)} chars, longest text ${Math.max(...blocks.map((b) => b.text?.text.length ?? 0))}`,
      );
    }
    console.info(
      `Slack plan payloads (limits: 50 blocks, ${SLACK_LIMITS.totalBlockText} chars, 3000 per section): ${measured.join('; ')}`,
    );
    // Nothing spilled into an overflow file.
    expect(fake.callsOf('files.getUploadURLExternal')).toHaveLength(0);

    // Option 2's own vote, pressed: the bot gets exactly that card's action.
    const vote2 = (post.args.blocks as SlackBlock[]).find((b) =>
      b.accessory?.value.endsWith('|vote|2'),
    )?.accessory;
    if (!vote2) throw new Error('no vote beside option 2');
    const before = driver.events.length;
    fake.sendEnvelope(
      'interactive',
      fake.blockActions({
        actionId: vote2.action_id,
        value: vote2.value,
        channel: 'C0PLANS',
        messageTs: posted.messageId,
        threadTs: thread.thread,
      }),
    );
    const event = await driver.nextEvent(before);
    expect(event).toMatchObject({
      type: 'action',
      action: encodeAction({ kind: 'vote', sid: SID, planSeq: 1, choice: '2' }),
    });
  }, 60_000);
});

type Row = { type: number; components: { custom_id: string; label: string; style: number }[] };

describe('Discord: the plan as option cards', () => {
  let fake: FakeDiscordServer;
  let surface: ChatSurface;
  const driver = new SurfaceDriver((predicate, what) => fake.waitFor(predicate, what));

  beforeAll(async () => {
    fake = new FakeDiscordServer('fake-discord-token-plan-layout', 300);
    await fake.start();
    const config = parseConfig({
      QUEUE_PREFIX: PREFIX,
      DISCORD_TOKEN: 'fake-discord-token-plan-layout',
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GATEWAY_URL: fake.gatewayUrl,
      LOG_LEVEL: 'silent',
    });
    surface = createDiscordSurface(discordSurfaceOptions(config, createLogger({ level: 'silent' })));
    await driver.start(surface, 'plan-layout-discord-');
  }, 60_000);

  afterAll(async () => {
    await surface?.stop();
    await fake?.stop();
    await driver.cleanup();
  });

  function assertWithinLimits(r: RecordedRequest): Row[] {
    const content = String(r.body?.content ?? '');
    expect(content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    const embeds = (r.body?.embeds ?? []) as { description?: string }[];
    expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    for (const e of embeds)
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(
      DISCORD_LIMITS.embedsTotal,
    );
    const rows = (r.body?.components ?? []) as Row[];
    expect(rows.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    const ids = new Set<string>();
    for (const row of rows) {
      expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
      for (const b of row.components) {
        expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
        expect(b.label.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
        expect(ids.has(b.custom_id)).toBe(false);
        ids.add(b.custom_id);
      }
    }
    expect(r.files.length).toBeLessThanOrEqual(DISCORD_LIMITS.attachmentsPerMessage);
    return rows;
  }

  it('posts a row of labelled buttons per card, edits each open in place, and a card’s vote comes back as its action', async () => {
    const thread: ThreadRef = {
      surface: 'discord',
      space: fake.guildId,
      channel: fake.channelId,
      thread: fake.channelId,
    };
    const posted = await surface.post(thread, view(null));
    for (const expanded of EXPANDED.slice(1)) await surface.edit(thread, posted.messageId, view(expanded));
    const post = fake
      .requestsTo('POST', new RegExp(`^/channels/${fake.channelId}/messages$`))
      .find((r) => ((r.body?.components ?? []) as Row[]).length > 0);
    if (!post) throw new Error('the plan was not posted');
    const edits = fake.requestsTo(
      'PATCH',
      new RegExp(`^/channels/${fake.channelId}/messages/${posted.messageId}$`),
    );
    expect(edits).toHaveLength(4);
    const measured: string[] = [];
    for (const [i, r] of [post, ...edits].entries()) {
      const rows = assertWithinLimits(r);
      const expanded = EXPANDED[i];
      expect(rows.map((row) => row.components.map((c) => c.label))).toEqual([
        ...['1', '2', '3', 'resolver'].map((n) => [
          `Vote ${n}`,
          `Run ${n}`,
          expanded === n ? `Less of ${n}` : `Full text ${n}`,
        ]),
        ['Run vanilla control', 'Full text', 'Auto'],
      ]);
      // Nothing spilled into an overflow attachment.
      expect(r.files.map((f) => f.name)).not.toContain('full-message.md');
      const embeds = (r.body?.embeds ?? []) as { description?: string }[];
      measured.push(
        `${expanded ?? 'folded'}: content ${String(r.body?.content ?? '').length}, ${embeds.length} embeds ${embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)} chars, ${rows.length} rows`,
      );
    }
    console.info(
      `Discord plan payloads (limits: content 2000, embeds 6000, 5 rows x 5): ${measured.join('; ')}`,
    );

    const vote2 = encodeAction({ kind: 'vote', sid: SID, planSeq: 1, choice: '2' });
    const before = driver.events.length;
    fake.pressButton({ messageId: posted.messageId, customId: vote2, channelId: fake.channelId });
    const event = await driver.nextEvent(before);
    expect(event).toMatchObject({ type: 'action', action: vote2 });
  }, 60_000);
});
