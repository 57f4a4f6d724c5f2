// A button press on a plan: a vote (the tally is edited in place), Run, or the full text of the instructions; a press
// on the task (a choice of target or metric) goes to on-choice.ts.

import { DEFAULT_AUTO_MINUTES } from '../config.ts';
import { boardKey, planKey } from '../jobs/delivery-keys.ts';
import {
  type BotAction,
  decodeAction,
  isRunAction,
  isTaskAction,
  type RunAction,
  type TaskAction,
} from '../render/action-ids.ts';
import { fileRefFor } from '../render/file-refs.ts';
import { renderFullText, renderPlan } from '../render/render-plan.ts';
import { errorReply } from '../render/render-replies.ts';
import { type Session, sessionIdFor } from '../state/session-store.ts';
import type { ActionEvent, EventContext } from './event-context.ts';
import { onChoice } from './on-choice.ts';
import { onFeedback } from './on-feedback.ts';
import { startRun } from './start-run.ts';

/**
 * A press counts only on the message it belongs to: the action's session must be the thread's of the message it
 * was pressed on, and that message the session's current plan. A press that names another thread's session, or
 * comes through another message, is forged: nothing changes and nothing is said. A genuine press on buttons that
 * have since gone stale (an expired session, an earlier plan) is answered with why it no longer works.
 */
export async function onAction(cx: EventContext<ActionEvent>): Promise<void> {
  const { bot, event } = cx;
  const action = decodeAction(event.action);
  if (!action) {
    bot.logger.debug({ action: event.action }, 'ignoring a button that is not ours');
    return;
  }
  if (action.sid !== sessionIdFor(event.thread)) {
    bot.logger.warn(
      { thread: event.thread, messageId: event.messageId },
      'ignored a press naming another thread’s session',
    );
    return;
  }
  const session = await bot.store.get(action.sid);
  if (!session) {
    await cx.reply(
      errorReply(
        `This session has expired (sessions last ${bot.config.SESSION_TTL_HOURS} h), so its buttons no longer work.`,
        'Post the task again with its CSV to start a new session.',
      ),
    );
    return;
  }
  // A choice on the task (its card, a question) works before any plan: on-choice.ts checks its own message.
  if (isTaskAction(action)) {
    await onChoice(cx, action, session);
    return;
  }
  // A rating counts on any of the thread's results, an earlier plan's included.
  if (action.kind === 'feedback') {
    await onFeedback(cx, action, session);
    return;
  }
  if (action.planSeq !== session.planSeq || !session.plan) {
    await cx.reply(errorReply('These buttons belong to an earlier plan in this thread; use the newest one.'));
    return;
  }
  // Improve and Blend are pressed on a run's result or on the leaderboard, not on the plan.
  if (isRunAction(action)) {
    await pressOnRuns(cx, action, session);
    return;
  }
  const planMessage = await bot.deliver.messageIdOf(
    planKey({ sid: session.id, planSeq: session.planSeq }, 'plan'),
  );
  if (planMessage === null) {
    await cx.reply(errorReply('This button is no longer valid.', 'Post the task again to get a new plan.'));
    return;
  }
  if (planMessage !== event.messageId) {
    bot.logger.warn(
      { thread: event.thread, messageId: event.messageId },
      'ignored a press of a plan’s button through another message',
    );
    return;
  }
  await pressOnPlan(cx, action, session);
}

/**
 * Improve #n counts on run #n's result message or the leaderboard; Blend on any run's result or the leaderboard.
 * A press through any other message is forged (nothing happens, nothing is said).
 */
async function pressOnRuns(
  cx: EventContext<ActionEvent>,
  action: RunAction,
  session: Session,
): Promise<void> {
  const { store, deliver, logger } = cx.bot;
  const runs = await store.runList(session.id);
  const carriers = [boardKey(session.id, session.planSeq)];
  for (const r of runs) {
    if (!r.resultKey || r.planSeq !== session.planSeq) continue;
    if (action.kind === 'blend' || r.n === action.run) carriers.push(r.resultKey);
  }
  const ids = await Promise.all(carriers.map((k) => deliver.messageIdOf(k)));
  if (!ids.includes(cx.event.messageId)) {
    logger.warn(
      { thread: cx.event.thread, messageId: cx.event.messageId, action: action.kind },
      'ignored a press of a run’s button through another message',
    );
    return;
  }
  await startRun(
    cx,
    session,
    action.kind === 'blend' ? { kind: 'blend' } : { kind: 'improve', parent: action.run },
    session.thread,
  );
}

async function pressOnPlan(
  cx: EventContext<ActionEvent>,
  action: Exclude<BotAction, TaskAction | RunAction | { kind: 'feedback' }>,
  session: Session,
): Promise<void> {
  const { store, deliver } = cx.bot;
  const plan = session.plan;
  if (!plan) return;
  const file = await fileRefFor(session.planMarkdown ?? undefined, 'instructions.md');
  switch (action.kind) {
    case 'vote': {
      const votes = await store.setVote(session.id, cx.event.user.id, action.choice);
      await deliver.edit(
        session.thread,
        planKey({ sid: session.id, planSeq: session.planSeq }, 'plan'),
        renderPlan({ sid: session.id, planSeq: session.planSeq, plan, votes, file }),
      );
      return;
    }
    case 'run':
      await startRun(cx, session, action.choice, session.thread);
      return;
    case 'auto':
      await startRun(
        cx,
        session,
        { kind: 'auto', budgetS: Math.min(DEFAULT_AUTO_MINUTES, cx.bot.config.AUTO_MAX_MINUTES) * 60 },
        session.thread,
      );
      return;
    case 'full':
      if (action.choice) {
        // One option's full text opens in place: the plan is edited with that card open (or closed again).
        await deliver.edit(
          session.thread,
          planKey({ sid: session.id, planSeq: session.planSeq }, 'plan'),
          renderPlan({
            sid: session.id,
            planSeq: session.planSeq,
            plan,
            votes: await store.votes(session.id),
            file,
            expanded: action.less ? null : action.choice,
          }),
        );
        return;
      }
      await cx.reply(renderFullText(plan, file), { thread: session.thread });
      return;
  }
}
