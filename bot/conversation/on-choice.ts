// A press on the task rather than a plan: a target or metric chosen (from the question, or the choices the task card
// offers), or the choices asked for ("Change target", "Change metric", "Columns"). A choice is the reply it stands for.

import { type PlanPurpose, planKey } from '../jobs/delivery-keys.ts';
import type { TaskAction } from '../render/action-ids.ts';
import { errorReply, text } from '../render/render-replies.ts';
import { renderChoices } from '../render/render-task.ts';
import type { Session } from '../state/session-store.ts';
import { amendTask } from './amend-task.ts';
import type { ActionEvent, EventContext } from './event-context.ts';

/** The messages of a task that carry its buttons: the card, the question, and the choices it offered. */
const TASK_MESSAGES: PlanPurpose[] = ['ack', 'question', 'choose-target', 'choose-metric', 'choose-columns'];

export async function onChoice(
  cx: EventContext<ActionEvent>,
  action: TaskAction,
  session: Session,
): Promise<void> {
  const { bot, event } = cx;
  const understood = session.understood;
  if (action.planSeq !== session.planSeq || !understood) {
    await cx.reply(
      errorReply(
        'These buttons belong to an earlier version of the task in this thread; use the newest ones.',
      ),
    );
    return;
  }
  const job = { sid: session.id, planSeq: session.planSeq };
  const carriers = await Promise.all(TASK_MESSAGES.map((p) => bot.deliver.messageIdOf(planKey(job, p))));
  if (!carriers.includes(event.messageId)) {
    bot.logger.warn(
      { thread: event.thread, messageId: event.messageId },
      'ignored a task button pressed through another message',
    );
    return;
  }
  switch (action.kind) {
    case 'choose': {
      const key = planKey(job, `choose-${action.field}`);
      if ((await bot.deliver.messageIdOf(key)) !== null) {
        await cx.reply(text('The choices are above: press one, or reply with a column’s name.'));
        return;
      }
      const asking = understood.spec === null;
      await bot.deliver.post(
        session.thread,
        renderChoices({ ...job, field: action.field, asking, understood }),
        key,
      );
      return;
    }
    case 'target': {
      const choice = understood.choices[action.index];
      if (!choice) {
        await cx.reply(errorReply('That choice is no longer offered; reply with the column’s name instead.'));
        return;
      }
      await amendTask(cx, session, `target: ${choice.column}`);
      return;
    }
    case 'metric':
      await amendTask(cx, session, `metric: ${action.metric}`);
      return;
  }
}
