// The `cancel` command: stops the thread's planning and runs, whether a worker has them yet or not, and releases
// work whose job already ended unreported (its worker died, its job was lost), so nothing stays "running".

import { planKey, runKey } from '../jobs/delivery-keys.ts';
import { planJobId } from '../jobs/queues.ts';
import { type EndReason, endReasonOf, settleEndedPlan, settleEndedRun } from '../jobs/settle-ended-job.ts';
import { capitalise, text } from '../render/render-replies.ts';
import { renderRunProgress, runAtStart } from '../render/render-result.ts';
import { runWhat } from '../render/run-labels.ts';
import { refreshBoard } from '../state/board.ts';
import type { Session } from '../state/session-store.ts';
import type { EventContext } from './event-context.ts';

/** What became of a job asked to stop: a worker has it (and aborts), it was taken off the queue, or it had ended. */
type Stopped = { how: 'signalled' | 'removed' } | { how: 'ended'; reason: EndReason };

export async function cancelThreadJobs(cx: EventContext, session: Session): Promise<void> {
  const { store, deliver } = cx.bot;
  const thread = cx.event.thread;
  const stopping: string[] = [];
  const released: string[] = [];
  if (session.status === 'planning') {
    const job = { sid: session.id, planSeq: session.planSeq };
    const stopped = await stopJob(cx, 'plan', planJobId(job), async () => {
      await store.update(session.id, (s) =>
        s?.planSeq === session.planSeq ? { ...s, status: 'failed', error: 'cancelled' } : null,
      );
      await deliver.edit(thread, planKey(job, 'ack'), text('Planning cancelled.', 'context'));
    });
    if (stopped.how === 'ended' && (await settleEndedPlan(cx.bot, job, stopped.reason)))
      released.push('the planning');
    else if (stopped.how !== 'ended') stopping.push('the planning');
  }
  const runs = await store.runs(session.id);
  for (const run of Object.values(runs).sort((a, b) => a.n - b.n)) {
    if (run.status !== 'queued' && run.status !== 'running') continue;
    const stopped = await stopJob(cx, 'run', run.jobId, async () => {
      const elapsed = Date.now() - Date.parse(run.startedAt);
      await store.patchRun(session.id, run.key, run.jobId, { status: 'cancelled', durationMs: elapsed });
      await store.unlockRun(session.id, run.key, run.jobId);
      await deliver.edit(
        thread,
        runKey(run.jobId, 'status'),
        renderRunProgress(runAtStart(run, run.startedBy.name, 'cancelled', elapsed)),
      );
      await refreshBoard(cx.bot, session.id);
    });
    const what = runWhat(run);
    if (stopped.how !== 'ended') stopping.push(what);
    else if (
      await settleEndedRun(
        cx.bot,
        {
          sid: session.id,
          planSeq: run.planSeq,
          choice: run.choice,
          seq: run.seq,
          ...(run.key !== run.choice ? { key: run.key } : {}),
        },
        stopped.reason,
      )
    )
      released.push(what);
  }
  const lines = [
    ...(stopping.length ? [`Cancelling ${stopping.join(' and ')}.`] : []),
    ...(released.length
      ? [`${capitalise(released.join(' and '))} had already stopped (see below); nothing is left running.`]
      : []),
  ];
  await cx.reply(text(lines.length ? lines.join('\n') : 'Nothing is running in this thread.'));
}

/**
 * Signals the job to stop (a worker running it aborts; one taking it later finds the flag). A job no worker has
 * taken yet is settled as cancelled (`cancelWaiting`, which reports it, since no worker will) before it leaves the
 * queue, so the watchdog never finds it gone while its state still says queued.
 */
async function stopJob(
  cx: EventContext,
  queue: 'plan' | 'run',
  jobId: string,
  cancelWaiting: () => Promise<void>,
): Promise<Stopped> {
  await cx.bot.cancels.requestCancel(jobId);
  const job = await cx.bot.queues[queue].getJob(jobId);
  if (!job) return { how: 'ended', reason: 'lost' };
  const state = await job.getState();
  if (state === 'active') return { how: 'signalled' };
  if (state === 'failed') return { how: 'ended', reason: endReasonOf(job.failedReason) };
  if (!['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state))
    return { how: 'ended', reason: state === 'completed' ? 'failed' : 'lost' };
  await cancelWaiting();
  await job.remove().catch((error: unknown) => {
    // Taken by a worker in between: it finds the cancel flag and stops at once.
    cx.bot.logger.debug({ err: error, jobId }, 'job started before it could be removed');
  });
  return { how: 'removed' };
}
