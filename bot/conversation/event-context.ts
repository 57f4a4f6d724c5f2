// What the handlers of one chat event share instead of closure variables: the bot's context, the event, a reply.

import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type { IncomingEvent } from '../../contract/surface.ts';
import type { BotContext } from '../bot-context.ts';
import { type ReplyPurpose, replyKey } from '../jobs/delivery-keys.ts';

export type MessageEvent = Extract<IncomingEvent, { type: 'message' }>;
export type ActionEvent = Extract<IncomingEvent, { type: 'action' }>;

export interface ReplyOptions {
  /** Where to reply; the event's own thread unless the session names it. */
  thread?: ThreadRef;
  purpose?: ReplyPurpose;
  /** What the answer depends on besides the event (see replyKey). */
  about?: string;
}

export interface EventContext<E extends IncomingEvent = IncomingEvent> {
  readonly bot: BotContext;
  readonly event: E;
  /** Replies under a key derived from the event: handling a resent event again answers once. */
  reply(message: OutgoingMessage, options?: ReplyOptions): Promise<void>;
}

export function eventContext<E extends IncomingEvent>(bot: BotContext, event: E): EventContext<E> {
  return {
    bot,
    event,
    async reply(message, { thread = event.thread, purpose = 'answer', about } = {}) {
      await bot.deliver.post(thread, message, replyKey(event, purpose, about));
    },
  };
}
