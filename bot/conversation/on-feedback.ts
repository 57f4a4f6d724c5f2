// A rating of a run's result (Slack's feedback buttons): recorded with the run, logged and counted in the metrics.
import type { BotAction } from '../render/action-ids.ts';
import type { Session } from '../state/session-store.ts';
import type { ActionEvent, EventContext } from './event-context.ts';

/**
 * Counts only when pressed on run #n's own result message (anything else is forged: nothing happens). Each person's
 * latest rating is kept on the run; nothing is said in the thread (Slack's buttons show the press themselves).
 */
export async function onFeedback(
  cx: EventContext<ActionEvent>,
  action: Extract<BotAction, { kind: 'feedback' }>,
  session: Session,
): Promise<void> {
  const { store, deliver, logger, metrics } = cx.bot;
  const { event } = cx;
  const run = (await store.runList(session.id)).find((r) => r.n === action.run);
  const carrier = run?.resultKey ? await deliver.messageIdOf(run.resultKey) : null;
  if (!run || carrier !== event.messageId) {
    logger.warn(
      { thread: event.thread, messageId: event.messageId, run: action.run },
      'ignored a rating pressed through another message than the run’s result',
    );
    return;
  }
  await store.patchRun(session.id, run.key, run.jobId, {
    feedback: { ...run.feedback, [event.user.id]: action.value },
  });
  metrics?.feedback.inc({ value: action.value });
  logger.info(
    {
      sid: session.id,
      run: run.n,
      engine: run.engine,
      score: run.score,
      user: event.user.id,
      value: action.value,
    },
    'feedback on a result',
  );
}
