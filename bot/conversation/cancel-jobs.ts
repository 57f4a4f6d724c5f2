// The `cancel` command: stops the thread's planning and runs, whether a worker has them yet or not.

import { planKey, runKey } from '../delivery-keys.ts';
import { planJobId } from '../queues.ts';
import { choiceLabel } from '../render-plan.ts';
import { text } from '../render-replies.ts';
import { renderRunProgress, runAtStart } from '../render-result.ts';
import type { Session } from '../session-store.ts';
import type { EventContext } from './event-context.ts';

export async function cancelThreadJobs(cx: EventContext, session: Session): Promise<void> {
  const { store, deliver } = cx.bot;
  const thread = cx.event.thread;
  const stopped: string[] = [];
  if (session.status === 'planning') {
    const job = { sid: session.id, planSeq: session.planSeq };
    if (await stopJob(cx, 'plan', planJobId(job))) {
      await store.update(session.id, (s) =>
        s?.planSeq === session.planSeq ? { ...s, status: 'failed', error: 'cancelled' } : null,
      );
      await deliver.edit(thread, planKey(job, 'ack'), text('Planning cancelled.', 'context'));
    }
    stopped.push('the planning');
  }
  const runs = await store.runs(session.id);
  for (const run of Object.values(runs)) {
    if (run.status !== 'queued' && run.status !== 'running') continue;
    if (await stopJob(cx, 'run', run.jobId)) {
      await store.patchRun(session.id, run.choice, run.jobId, { status: 'cancelled' });
      await store.unlockRun(session.id, run.choice, run.jobId);
      await deliver.edit(
        thread,
        runKey(run.jobId, 'status'),
        renderRunProgress(
          runAtStart(run.choice, run.startedBy.name, 'cancelled', Date.now() - Date.parse(run.startedAt)),
        ),
      );
    }
    stopped.push(`the run of ${choiceLabel(run.choice)}`);
  }
  await cx.reply(
    text(stopped.length ? `Cancelling ${stopped.join(' and ')}.` : 'Nothing is running in this thread.'),
  );
}

/**
 * Signals the job to stop (a worker running it aborts; one taking it later finds the flag), and removes it when no
 * worker has taken it yet. True when it was removed: then nobody else reports the cancel, so the caller does.
 */
async function stopJob(cx: EventContext, queue: 'plan' | 'run', jobId: string): Promise<boolean> {
  await cx.bot.cancels.requestCancel(jobId);
  const job = await cx.bot.queues[queue].getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  if (!['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return false;
  try {
    await job.remove();
    return true;
  } catch (error) {
    // Taken by a worker in between: its signal handles it.
    cx.bot.logger.debug({ err: error, jobId }, 'job started before it could be removed');
    return false;
  }
}
