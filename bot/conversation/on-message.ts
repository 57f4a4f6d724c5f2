// A message in a thread: a command, a task (with or without its CSV), or a correction of the task (amend-task.ts).
import { help } from '../render/render-help.ts';
import { errorReply, text } from '../render/render-replies.ts';
import { sessionIdFor } from '../state/session-store.ts';
import { amendTask } from './amend-task.ts';
import { parseCommand, runCommand } from './commands.ts';
import type { EventContext, MessageEvent } from './event-context.ts';
import { startTask } from './start-task.ts';

export async function onMessage(cx: EventContext<MessageEvent>): Promise<void> {
  const { bot, event } = cx;
  const sid = sessionIdFor(event.thread);
  const session = await bot.store.get(sid);
  if (session?.taskMessageId === event.messageId) {
    bot.logger.debug(
      { sid, messageId: event.messageId },
      'the task message again (a platform resend): ignored',
    );
    return;
  }
  // Mentions are the adapters' to remove (each knows its platform's markup); the text comes without them.
  const body = event.text.trim();
  const command = event.files.length === 0 ? parseCommand(body) : null;
  if (!session) {
    if (!event.addressed) return;
    if (command === 'help') {
      await cx.reply(help());
      return;
    }
    if (command) {
      // A command where we hold no session: an expired thread, or no task posted yet.
      await cx.reply(
        errorReply(
          `There is no active task here (sessions expire after ${bot.config.SESSION_TTL_HOURS} h).`,
          'Post the task in plain English with its CSV to start one.',
        ),
      );
      return;
    }
    await startTask(cx, sid, body, null);
    return;
  }
  if (command) {
    await runCommand(cx, command, session);
    return;
  }
  // Once the data has been read, words in the thread correct the task, before or after a plan.
  if (event.files.length === 0 && session.understood) {
    await amendTask(cx, session, body);
    return;
  }
  if (event.files.length === 0 && session.status === 'planning') {
    await cx.reply(text('I am still reading the data. `status` shows where it is, `cancel` stops it.'));
    return;
  }
  await startTask(cx, sid, body, session);
}
