// A correction in the thread (`target: Age`, `metric: mae`, `id: PassengerId`, a column's name alone, new words, or a
// choice pressed): it changes only what it names, keeps the file and the rest, says so, and plans the task again.
import { asLinguacodusError } from '../../common/errors.ts';
import { namedColumns, readReply, type StatedFields } from '../../core/intake/index.ts';
import { planJobId } from '../jobs/queues.ts';
import { errorReply, planAck } from '../render/render-replies.ts';
import { CHANGE_HINT, renderChange } from '../render/render-task.ts';
import type { Session } from '../state/session-store.ts';
import { statedWords, type Understood } from '../state/task-understood.ts';
import type { EventContext } from './event-context.ts';
import { queuePlan } from './start-task.ts';

/** Stated columns that are not in the file, for a reply that names them. */
function unknownColumns(stated: StatedFields, understood: Understood): string[] {
  const columns = understood.facts.map((f) => f.name);
  const named = [
    ...(stated.target ? [stated.target.value] : []),
    ...(stated.idColumn ? [stated.idColumn.value] : []),
    ...(stated.drop?.value ?? []),
  ];
  // A stated target may list several ("content, wording").
  return named.filter((n) => namedColumns(columns, n) === null);
}

/** What a change keeps, in words: the fields it does not name, and the file. */
function keptWords(stated: StatedFields, session: Session): string[] {
  const spec = session.understood?.spec;
  const out: string[] = [];
  if (spec && !stated.target) out.push(`the target ${spec.targets.map((t) => `\`${t}\``).join(', ')}`);
  if (spec && !stated.metric) out.push(`the metric ${spec.metric}`);
  const files = session.files.map((f) => f.name);
  if (files.length > 0) out.push(`the file ${files.join(', ')}`);
  return out;
}

/**
 * Applies a reply (or a pressed choice, written as the reply it stands for: "target: Survived") to the thread's task.
 * Nothing changes when it names nothing recognisable, a column the file lacks, or a metric the harness cannot score:
 * the reply says why.
 */
export async function amendTask(cx: EventContext, session: Session, reply: string): Promise<void> {
  const understood = session.understood;
  if (!understood) return;
  if (reply.trim() === '') {
    await cx.reply(errorReply('Your message is empty.', CHANGE_HINT));
    return;
  }
  let stated: StatedFields;
  try {
    stated = readReply(reply, understood.facts);
  } catch (error) {
    await cx.reply(errorReply(asLinguacodusError(error).userMessage, 'Nothing was changed.'));
    return;
  }
  const setting = statedWords(stated);
  if (setting.length === 0) {
    await cx.reply(
      errorReply(
        'I could not tell what to change from that, so the task stays as it is.',
        `${CHANGE_HINT} Thread commands: \`help\`, \`status\`, \`cancel\`, \`rerun\`.`,
      ),
    );
    return;
  }
  const missing = unknownColumns(stated, understood);
  if (missing.length > 0) {
    const columns = understood.facts.map((f) => f.name);
    await cx.reply(
      errorReply(
        `${missing.map((m) => `“${m}”`).join(', ')} ${missing.length > 1 ? 'are not columns' : 'is not a column'} of the data, so nothing was changed.`,
        `Columns: ${columns.slice(0, 40).join(', ')}${columns.length > 40 ? ', …' : ''}.`,
      ),
    );
    return;
  }
  // Said in a reply of its own (keyed by this event, so said once), before the acknowledgement that becomes the new
  // task card, which shows what changed.
  await cx.reply(renderChange(setting, keptWords(stated, session), session.plan !== null));
  const started = await queuePlan(
    cx,
    session.id,
    session,
    { text: session.text, files: session.files, notes: [...session.notes, reply.trim()] },
    planAck(null),
  );
  // The plan being made is for the task as it was: stop it (its thread shows "Planning cancelled").
  if (started && session.status === 'planning') {
    await cx.bot.cancels.requestCancel(planJobId({ sid: session.id, planSeq: session.planSeq }));
  }
}
