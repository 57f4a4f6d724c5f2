// Thread commands in a thread that holds a session: help, status, cancel, rerun, improve [N], blend and auto [minutes].

import { DEFAULT_AUTO_MINUTES } from '../config.ts';
import { help } from '../render/render-help.ts';
import { errorReply, statusReply } from '../render/render-replies.ts';
import type { Session } from '../state/session-store.ts';
import { cancelThreadJobs } from './cancel-jobs.ts';
import type { EventContext, MessageEvent } from './event-context.ts';
import { startRun } from './start-run.ts';

const COMMANDS = ['help', 'status', 'cancel', 'rerun', 'improve', 'blend', 'auto'] as const;
export type Command = (typeof COMMANDS)[number];

/** `improve 3`, `improve #3`: the run to improve; null for plain `improve` (the best run). */
const IMPROVE_ARG = /^[/!]?improve\s+#?(\d{1,6})$/i;

/** `auto`, `auto 5`: a search of that many minutes. */
const AUTO_ARG = /^[/!]?auto\s+(\d{1,4})$/i;

export function parseCommand(textIn: string): Command | null {
  const trimmed = textIn.trim();
  if (IMPROVE_ARG.test(trimmed)) return 'improve';
  if (AUTO_ARG.test(trimmed)) return 'auto';
  const word = trimmed.toLowerCase().replace(/^[/!]/, '');
  return (COMMANDS as readonly string[]).includes(word) ? (word as Command) : null;
}

/** The run number an `improve N` names; null for plain `improve`. */
export function improveTarget(textIn: string): number | null {
  const m = IMPROVE_ARG.exec(textIn.trim());
  return m ? Number(m[1]) : null;
}

/** The minutes an `auto [minutes]` asks for: the default without a number, at least 1, at most the maximum. */
export function autoMinutes(textIn: string, maxMinutes: number): number {
  const m = AUTO_ARG.exec(textIn.trim());
  const asked = m ? Number(m[1]) : DEFAULT_AUTO_MINUTES;
  return Math.min(Math.max(asked, 1), maxMinutes);
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
      await cx.reply(statusReply(session, await store.votes(session.id), await store.runList(session.id)));
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
    case 'improve':
    case 'blend':
      if (!session.plan) {
        await cx.reply(errorReply('There is no plan to run yet.'));
        return;
      }
      await startRun(
        cx,
        session,
        command === 'blend' ? { kind: 'blend' } : { kind: 'improve', parent: improveTarget(cx.event.text) },
        cx.event.thread,
      );
      return;
    case 'auto':
      if (!session.plan) {
        await cx.reply(errorReply('There is no plan to run yet.'));
        return;
      }
      await startRun(
        cx,
        session,
        { kind: 'auto', budgetS: autoMinutes(cx.event.text, cx.bot.config.AUTO_MAX_MINUTES) * 60 },
        cx.event.thread,
      );
      return;
  }
}
