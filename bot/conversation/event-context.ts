// What the handlers of one chat event share instead of closure variables: the bot's context, the event, a reply.
import type { BotContext } from '../bot-context.ts';
import type { OutgoingMessage, ThreadRef } from '../messages.ts';
import type { IncomingEvent } from '../surface.ts';

export type MessageEvent = Extract<IncomingEvent, { type: 'message' }>;
export type ActionEvent = Extract<IncomingEvent, { type: 'action' }>;

export interface EventContext<E extends IncomingEvent = IncomingEvent> {
  readonly bot: BotContext;
  readonly event: E;
  /** Replies in `thread` (by default the event's own). */
  reply(message: OutgoingMessage, thread?: ThreadRef): Promise<void>;
}

export function eventContext<E extends IncomingEvent>(bot: BotContext, event: E): EventContext<E> {
  return {
    bot,
    event,
    async reply(message, thread = event.thread) {
      await bot.deliver.post(thread, message);
    },
  };
}
