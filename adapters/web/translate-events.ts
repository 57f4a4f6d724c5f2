// A person's message or button press in the web chat, as the bot's IncomingEvent; a typed `@linguacodus` is removed.
import type { IncomingEvent, IncomingFile } from '../../contract/surface.ts';
import { withoutMentions } from '../mention-text.ts';
import type { WebMessage, WebUser } from './web-store.ts';

/** Every message in the web chat is for the bot: there is no one else to address. */
export function messageToIncoming(message: WebMessage, files: IncomingFile[]): IncomingEvent {
  return {
    type: 'message',
    thread: { surface: 'web', space: '', channel: message.channel, thread: message.thread ?? message.id },
    isRoot: message.thread === null,
    messageId: message.id,
    user: message.user,
    text: withoutMentions(message.text),
    files,
    addressed: true,
  };
}

/** `message` is the one carrying the button; `pressId` is the receiver's own id for this press (one per request). */
export function pressToIncoming(
  message: WebMessage,
  action: string,
  user: WebUser,
  pressId: string,
): IncomingEvent {
  return {
    type: 'action',
    thread: { surface: 'web', space: '', channel: message.channel, thread: message.thread ?? message.id },
    messageId: message.id,
    user,
    action,
    pressId,
  };
}
