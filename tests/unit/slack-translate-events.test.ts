// Slack payloads become the bot's IncomingEvent: addressing, threads, mentions stripped, resends dropped, hosts checked.
import { describe, expect, it } from 'vitest';
import { isSlackHost } from '../../adapters/slack/download-file.ts';
import { requestTimeOk } from '../../adapters/slack/request-time.ts';
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
    actions: [{ type: 'button', action_id: 'lc|x#2', value: 'lc|x', action_ts: '1700000001.000200' }],
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
  };

  it('reads the neutral action from value (action_id may carry a uniqueness suffix)', () => {
    const parsed = slackBlockActionsSchema.parse(body);
    expect(actionToIncoming(parsed, 'T1')).toEqual({
      type: 'action',
      thread: { surface: 'slack', space: 'T1', channel: 'C1', thread: '4.0' },
      messageId: '5.0',
      user: { id: 'U1', name: 'ann' },
      action: 'lc|x',
      pressId: '1700000001.000200',
    });
  });

  it('tells two presses apart by their action_ts (or trigger_id), not by who pressed what where', () => {
    const again = { ...body, actions: [{ ...body.actions[0], action_ts: '1700000002.000300' }] };
    const first = actionToIncoming(slackBlockActionsSchema.parse(body), 'T1');
    const second = actionToIncoming(slackBlockActionsSchema.parse(again), 'T1');
    expect(first?.type === 'action' && second?.type === 'action' && first.pressId !== second.pressId).toBe(
      true,
    );
    const noTs = { ...body, actions: [{ type: 'button', action_id: 'lc|x#2', value: 'lc|x' }] };
    expect(actionToIncoming(slackBlockActionsSchema.parse(noTs), 'T1')).toMatchObject({
      pressId: body.trigger_id,
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

describe('request timestamps', () => {
  const now = 1_700_000_000_000;
  const secondsFromNow = (s: number) => String(Math.floor(now / 1000) + s);

  it('takes a request stamped within five minutes of our clock, either way', () => {
    for (const s of [0, -299, 299, -300, 300]) expect(requestTimeOk(secondsFromNow(s), now)).toBe(true);
  });

  it('refuses one stamped more than five minutes in the past or in the future, or not stamped at all', () => {
    for (const s of [-301, 301, -6 * 60, 6 * 60]) expect(requestTimeOk(secondsFromNow(s), now)).toBe(false);
    for (const bad of [undefined, '', 'soon', '1.5e9', '-1']) expect(requestTimeOk(bad, now)).toBe(false);
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
