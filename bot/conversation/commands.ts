// Thread commands in a thread that holds a session: help, status, cancel and rerun.

import { help } from '../render-help.ts';
import { errorReply, statusReply } from '../render-replies.ts';
import type { Session } from '../session-store.ts';
import { cancelThreadJobs } from './cancel-jobs.ts';
import type { EventContext, MessageEvent } from './event-context.ts';
import { startRun } from './start-run.ts';

const COMMANDS = ['help', 'status', 'cancel', 'rerun'] as const;
export type Command = (typeof COMMANDS)[number];

export function parseCommand(textIn: string): Command | null {
  const word = textIn.trim().toLowerCase().replace(/^[/!]/, '');
  return (COMMANDS as readonly string[]).includes(word) ? (word as Command) : null;
}

export async function runCommand(
  cx: EventContext<MessageEvent>,
  command: Command,
  session: Session,
): Promise<void> {
  const { store } = cx.bot;
  switch (command) {
    case 'help':
      await cx.reply(help());
      return;
    case 'status':
      await cx.reply(statusReply(session, await store.votes(session.id), await store.runs(session.id)));
      return;
    case 'cancel':
      await cancelThreadJobs(cx, session);
      return;
    case 'rerun':
      if (!session.plan) {
        await cx.reply(errorReply('There is no plan to run yet.'));
        return;
      }
      await startRun(cx, session, session.lastRun?.choice ?? 'resolver', cx.event.thread);
      return;
  }
}
