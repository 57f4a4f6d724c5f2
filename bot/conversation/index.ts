// The conversation: turns chat events into sessions, replies and jobs. Returns fast: slow work goes to queues.
import { asLinguacodusError } from '../../common/errors.ts';
import type { IncomingHandler } from '../../contract/surface.ts';
import type { BotContext } from '../bot-context.ts';
import { errorReply } from '../render/render-replies.ts';
import { eventContext } from './event-context.ts';
import { onAction } from './on-action.ts';
import { onMessage } from './on-message.ts';

export function createConversation(bot: BotContext): IncomingHandler {
  return async (event) => {
    try {
      if (event.type === 'message') await onMessage(eventContext(bot, event));
      else await onAction(eventContext(bot, event));
    } catch (error) {
      bot.logger.error({ err: error, thread: event.thread }, 'could not handle a chat event');
      await eventContext(bot, event)
        .reply(errorReply(asLinguacodusError(error).userMessage), { purpose: 'failure' })
        .catch((e) => bot.logger.error({ err: e }, 'could not report the failure either'));
    }
  };
}
