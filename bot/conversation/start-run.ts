// Starts a run of one choice (Run pressed, or `rerun`): who may, one run of a choice at a time, then the run job.
import type { Choice } from '../../core/types.ts';
import { runKey } from '../delivery-keys.ts';
import type { ThreadRef } from '../messages.ts';
import { JOB_OPTIONS, runJobId } from '../queues.ts';
import { choiceLabel } from '../render-plan.ts';
import { capitalise, errorReply, text } from '../render-replies.ts';
import { renderRunProgress, runAtStart } from '../render-result.ts';
import type { Session } from '../session-store.ts';
import type { EventContext } from './event-context.ts';

export async function startRun(
  cx: EventContext,
  session: Session,
  choice: Choice,
  thread: ThreadRef,
): Promise<void> {
  const { store, deliver, config, queues } = cx.bot;
  const user = cx.event.user;
  if (!session.plan) {
    await cx.reply(errorReply('The plan is not ready yet; I will post it in this thread.'), { thread });
    return;
  }
  if (config.RUN_PERMISSION === 'author' && user.id !== session.author.id) {
    await cx.reply(
      errorReply(
        `Sorry ${user.name}, only ${session.author.name}, who posted the task, can start runs here.`,
      ),
      { thread },
    );
    return;
  }
  const runs = await store.runs(session.id);
  const previous = runs[choice];
  const seq = (previous?.seq ?? 0) + 1;
  const job = { sid: session.id, planSeq: session.planSeq, choice, seq };
  const jobId = runJobId(job);
  if (!(await store.lockRun(session.id, choice, jobId, config.RUN_TIMEOUT_S + 900))) {
    const who = previous?.startedBy.name ? ` (started by ${previous.startedBy.name})` : '';
    await cx.reply(
      text(
        `${capitalise(choiceLabel(choice))} is already running${who}. \`status\` shows its progress, \`cancel\` stops it.`,
      ),
      // Answered again when a later press finds a later run of this choice running.
      { thread, about: previous?.jobId },
    );
    return;
  }
  await store.setRun(session.id, {
    choice,
    seq,
    planSeq: session.planSeq,
    jobId,
    status: 'queued',
    startedBy: user,
    startedAt: new Date().toISOString(),
    stage: null,
    attempt: null,
    score: null,
    metric: null,
  });
  await store.update(session.id, (s) => (s ? { ...s, lastRun: { choice, seq } } : null));
  await deliver.post(
    thread,
    renderRunProgress(runAtStart(choice, user.name, 'queued')),
    runKey(jobId, 'status'),
  );
  await queues.run.add('run', job, { ...JOB_OPTIONS.run, jobId });
}
