// Validates Slack event and action payloads (zod) and translates them into the bot's IncomingEvent.
import { z } from 'zod';
import type { IncomingEvent, IncomingFile } from '../../contract/surface.ts';
import { withoutMentions } from '../mention-text.ts';

export const slackFileSchema = z.object({
  id: z.string(),
  name: z.string().default('file'),
  mimetype: z.string().default('application/octet-stream'),
  size: z.number().int().nonnegative().default(0),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
  mode: z.string().optional(),
});
export type SlackFile = z.infer<typeof slackFileSchema>;

export const slackMessageEventSchema = z.object({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  channel: z.string(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(''),
  ts: z.string(),
  thread_ts: z.string().optional(),
  team: z.string().optional(),
  files: z.array(slackFileSchema).default([]),
});
export type SlackMessageEvent = z.infer<typeof slackMessageEventSchema>;

export const slackBlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }).nullable().optional(),
  user: z.object({
    id: z.string(),
    username: z.string().optional(),
    name: z.string().optional(),
    team_id: z.string().optional(),
  }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().optional(),
        type: z.string(),
        action_ts: z.string().optional(),
      }),
    )
    .min(1),
  trigger_id: z.string().optional(),
});
export type SlackBlockActions = z.infer<typeof slackBlockActionsSchema>;

/** Message subtypes that carry something a person wrote; edits, joins and bot posts are not tasks. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export function isPersonMessage(event: SlackMessageEvent, botUserId: string): boolean {
  return PERSON_SUBTYPES.has(event.subtype) && !event.bot_id && !!event.user && event.user !== botUserId;
}

/** Slack's user mention markup: `<@U123>`, `<@W123>` (Enterprise Grid), and the older `<@U123|ann>`. */
const SLACK_MENTION = /<@[A-Za-z0-9]+(?:\|[^>]*)?>/g;

/** Removes every mention (the bot's and anyone else's) and a typed `@linguacodus`; whitespace collapses to one space. */
export function stripMentions(text: string): string {
  return withoutMentions(text, SLACK_MENTION).replace(/\s+/g, ' ');
}

/**
 * The thread's space is always the bot's own workspace: in a Slack Connect channel `event.team` names the poster's
 * workspace, and a session must not split by who wrote in it.
 */
export function messageToIncoming(
  event: SlackMessageEvent,
  teamId: string,
  addressed: boolean,
  files: IncomingFile[],
  userName?: string,
): IncomingEvent {
  const user = event.user ?? 'unknown';
  return {
    type: 'message',
    thread: {
      surface: 'slack',
      space: teamId,
      channel: event.channel,
      thread: event.thread_ts ?? event.ts,
    },
    isRoot: !event.thread_ts || event.thread_ts === event.ts,
    messageId: event.ts,
    user: { id: user, name: userName ?? user },
    text: stripMentions(event.text),
    files,
    addressed,
  };
}

/** The team a button press came from (Slack Connect users carry their own workspace's id). */
export function actionTeam(body: SlackBlockActions): string | undefined {
  return body.team?.id ?? body.user.team_id;
}

export function actionToIncoming(body: SlackBlockActions, teamId: string): IncomingEvent | undefined {
  const action = body.actions[0];
  const channel = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  if (!action || !channel || !messageTs) return undefined;
  return {
    type: 'action',
    thread: { surface: 'slack', space: teamId, channel, thread: body.message?.thread_ts ?? messageTs },
    messageId: messageTs,
    user: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
    // The renderer puts the whole neutral action in value; action_id may carry a uniqueness suffix.
    action: action.value ?? action.action_id,
    // Each press has its own action_ts (and trigger_id); a payload without either is told apart as before.
    pressId: action.action_ts ?? body.trigger_id ?? `${messageTs}|${action.action_id}|${body.user.id}`,
  };
}
