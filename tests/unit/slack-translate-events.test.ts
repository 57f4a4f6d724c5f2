// Slack payloads become the bot's IncomingEvent: addressing, threads, mentions stripped, resends dropped, hosts checked.
import { describe, expect, it } from 'vitest';
import { isSlackHost } from '../../adapters/slack/download-file.ts';
import { EventDedupe } from '../../adapters/slack/event-dedupe.ts';
import {
  actionTeam,
  actionToIncoming,
  isPersonMessage,
  messageToIncoming,
  slackBlockActionsSchema,
  slackMessageEventSchema,
  stripMentions,
} from '../../adapters/slack/translate-events.ts';

const BOT = 'U0BOT';

describe('Slack message events', () => {
  it('a top-level mention opens a thread on its own ts, with the mention removed', () => {
    const event = slackMessageEventSchema.parse({
      type: 'app_mention',
      user: 'U1',
      text: `<@${BOT}>   predict   price`,
      ts: '1.000001',
      channel: 'C1',
    });
    expect(messageToIncoming(event, 'T1', true, [])).toEqual({
      type: 'message',
      thread: { surface: 'slack', space: 'T1', channel: 'C1', thread: '1.000001' },
      isRoot: true,
      messageId: '1.000001',
      user: { id: 'U1', name: 'U1' },
      text: 'predict price',
      files: [],
      addressed: true,
    });
  });

  it('delivers the text without anyone’s mention markup or a typed @linguacodus', () => {
    const event = slackMessageEventSchema.parse({
      type: 'message',
      user: 'U1',
      text: '<@U024BE7LH> predict price, ask <@W0ANN|ann> first',
      ts: '3.0',
      thread_ts: '1.0',
      channel: 'C1',
    });
    expect(messageToIncoming(event, 'T1', true, [])).toMatchObject({ text: 'predict price, ask first' });
    expect(stripMentions('@linguacodus help')).toBe('help');
    expect(stripMentions('status @Linguacodus')).toBe('status');
    // An e-mail address or a word that merely starts like the name is the person's text, not a mention.
    expect(stripMentions('mail ann@linguacodus.org about @linguacodusbot')).toBe(
      'mail ann@linguacodus.org about @linguacodusbot',
    );
  });

  it('a reply keeps its thread_ts as the thread and is not a root', () => {
    const event = slackMessageEventSchema.parse({
      type: 'message',
      user: 'U1',
      text: 'status',
      ts: '2.0',
      thread_ts: '1.0',
      channel: 'C1',
      team: 'T9',
    });
    const incoming = messageToIncoming(event, 'T1', false, [], 'Ann');
    // The space stays the bot's workspace even when a Slack Connect user from T9 writes.
    expect(incoming).toMatchObject({
      isRoot: false,
      thread: { space: 'T1', thread: '1.0' },
      addressed: false,
      user: { id: 'U1', name: 'Ann' },
    });
  });

  it('only people’s messages count: edits, joins, bots and the bot itself do not', () => {
    const base = { type: 'message' as const, text: 'x', ts: '1', channel: 'C' };
    expect(isPersonMessage(slackMessageEventSchema.parse({ ...base, user: 'U1' }), BOT)).toBe(true);
    expect(
      isPersonMessage(slackMessageEventSchema.parse({ ...base, user: 'U1', subtype: 'file_share' }), BOT),
    ).toBe(true);
    expect(
      isPersonMessage(
        slackMessageEventSchema.parse({ ...base, user: 'U1', subtype: 'message_changed' }),
        BOT,
      ),
    ).toBe(false);
    expect(
      isPersonMessage(slackMessageEventSchema.parse({ ...base, user: 'U1', subtype: 'channel_join' }), BOT),
    ).toBe(false);
    expect(isPersonMessage(slackMessageEventSchema.parse({ ...base, bot_id: 'B2' }), BOT)).toBe(false);
    expect(isPersonMessage(slackMessageEventSchema.parse({ ...base, user: BOT }), BOT)).toBe(false);
  });
});

describe('Slack block actions', () => {
  const body = {
    type: 'block_actions',
    team: { id: 'T1' },
    user: { id: 'U1', username: 'ann', team_id: 'T1' },
    channel: { id: 'C1' },
    message: { ts: '5.0', thread_ts: '4.0' },
    actions: [{ type: 'button', action_id: 'lc|x#2', value: 'lc|x' }],
  };

  it('reads the neutral action from value (action_id may carry a uniqueness suffix)', () => {
    const parsed = slackBlockActionsSchema.parse(body);
    expect(actionToIncoming(parsed, 'T1')).toEqual({
      type: 'action',
      thread: { surface: 'slack', space: 'T1', channel: 'C1', thread: '4.0' },
      messageId: '5.0',
      user: { id: 'U1', name: 'ann' },
      action: 'lc|x',
    });
  });

  it('names the team the press came from, falling back to the user’s team', () => {
    expect(actionTeam(slackBlockActionsSchema.parse(body))).toBe('T1');
    expect(
      actionTeam(slackBlockActionsSchema.parse({ ...body, team: null, user: { id: 'U2', team_id: 'T7' } })),
    ).toBe('T7');
  });

  it('rejects a payload without actions', () => {
    expect(slackBlockActionsSchema.safeParse({ ...body, actions: [] }).success).toBe(false);
  });
});

describe('EventDedupe', () => {
  it('passes an id once within the TTL and again after it', () => {
    let now = 0;
    const dedupe = new EventDedupe(10, 1000, () => now);
    expect(dedupe.first('Ev1')).toBe(true);
    expect(dedupe.first('Ev1')).toBe(false);
    now = 1500;
    expect(dedupe.first('Ev1')).toBe(true);
  });

  it('forgets the oldest ids past its capacity', () => {
    const dedupe = new EventDedupe(2, 60_000, () => 0);
    dedupe.first('a');
    dedupe.first('b');
    dedupe.first('c');
    expect(dedupe.first('a')).toBe(true);
    expect(dedupe.first('c')).toBe(false);
  });
});

describe('isSlackHost', () => {
  it('sends the token only to Slack over HTTPS, or to the configured test host', () => {
    expect(isSlackHost(new URL('https://files.slack.com/files-pri/T1-F1/a.csv'))).toBe(true);
    expect(isSlackHost(new URL('http://files.slack.com/a.csv'))).toBe(false);
    expect(isSlackHost(new URL('https://files.slack.com.evil.example/a.csv'))).toBe(false);
    expect(isSlackHost(new URL('https://evilslack.com/a.csv'))).toBe(false);
    expect(isSlackHost(new URL('http://127.0.0.1:4000/a.csv'), '127.0.0.1:4000')).toBe(true);
    expect(isSlackHost(new URL('http://127.0.0.1:4001/a.csv'), '127.0.0.1:4000')).toBe(false);
  });
});
