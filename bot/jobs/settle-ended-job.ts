// A plan or run job that ended without its processor saying so (its worker stopped too often, shutdowns used up its
// attempts, it vanished from the queue): the session is settled and the thread told once, so Run and `cancel` work.
import type { Job } from 'bullmq';
import type { BotContext } from '../bot-context.ts';
import { capitalise, errorReply, text } from '../render/render-replies.ts';
import { renderRunProgress, runAtStart } from '../render/render-result.ts';
import { runWhat } from '../render/run-labels.ts';
import { refreshBoard } from '../state/board.ts';
import { jobEndKey, planKey, runKey } from './delivery-keys.ts';
import {
  type PlanJob,
  planJobId,
  planJobSchema,
  type RunJob,
  runJobId,
  runJobSchema,
  runKeyOf,
} from './queues.ts';

/** Why a job ended unreported: what the thread is told. */
export type EndReason = 'stalled' | 'shutdown' | 'lost' | 'failed';

/** BullMQ's reasons for failing a job itself, and ours for one a shutdown interrupted (job-failure.ts). */
export function endReasonOf(failedReason: string | undefined): EndReason {
  if (!failedReason) return 'failed';
  if (/stalled more than allowable limit|started more than allowable limit/.test(failedReason))
    return 'stalled';
  if (failedReason.includes('interrupted by shutdown')) return 'shutdown';
  if (/missing key|missing lock/i.test(failedReason)) return 'lost';
  return 'failed';
}

const WHY: Record<EndReason, string> = {
  stalled: 'the worker doing it stopped more than once',
  shutdown: 'the bot was restarted too many times while it was under way',
  lost: 'its job was lost from the queue (the bot’s storage may have been reset)',
  failed: 'it ended unexpectedly',
};

/** True when this call settled the planning (it was still under way); false when there was nothing to settle. */
export async function settleEndedPlan(ctx: BotContext, job: PlanJob, reason: EndReason): Promise<boolean> {
  const { store, deliver, logger } = ctx;
  let settled = false;
  const session = await store.update(job.sid, (s) => {
    if (s?.planSeq !== job.planSeq || s.status !== 'planning') return null;
    settled = true;
    return { ...s, status: 'failed', error: WHY[reason] };
  });
  if (!settled || !session) return false;
  logger.warn({ jobId: planJobId(job), reason }, 'planning ended without a report; settled');
  await deliver.edit(
    session.thread,
    planKey(job, 'ack'),
    text('Planning stopped: the reason is below.', 'context'),
  );
  await deliver.post(
    session.thread,
    errorReply(
      `Planning stopped: ${WHY[reason]}.`,
      'Post the task again in this thread to try again (the file you sent is kept).',
    ),
    jobEndKey(planJobId(job), 'stopped'),
  );
  return true;
}

/** True when this call settled the run (it was still queued or running); the run key's lock is freed either way. */
export async function settleEndedRun(ctx: BotContext, job: RunJob, reason: EndReason): Promise<boolean> {
  const { store, deliver, logger } = ctx;
  const jobId = runJobId(job);
  const key = runKeyOf(job);
  const run = (await store.runs(job.sid))[key];
  const open = run?.jobId === jobId && (run.status === 'queued' || run.status === 'running');
  const elapsed = run ? Date.now() - Date.parse(run.startedAt) : 0;
  if (open) await store.patchRun(job.sid, key, jobId, { status: 'failed', durationMs: elapsed });
  await store.unlockRun(job.sid, key, jobId);
  const session = open ? await store.get(job.sid) : null;
  if (!run || !open || !session) return false;
  logger.warn({ jobId, reason }, 'run ended without a report; settled');
  await deliver.edit(
    session.thread,
    runKey(jobId, 'status'),
    renderRunProgress(runAtStart(run, run.startedBy.name, 'failed', elapsed)),
  );
  await refreshBoard(ctx, job.sid);
  await deliver.post(
    session.thread,
    errorReply(
      `${capitalise(runWhat(run))} stopped: ${WHY[reason]}.`,
      reason === 'stalled'
        ? 'Press Run again or use `rerun`; if it keeps happening, the worker may be running out of memory.'
        : 'Press Run again or use `rerun`.',
    ),
    jobEndKey(jobId, 'stopped'),
  );
  return true;
}

/**
 * A worker's `failed` event: when the job failed for good, settles what its processor left under way (a failure the
 * processor reported has already settled the session, and this finds nothing to do).
 */
export async function settleFailedJob(ctx: BotContext, job: Job | undefined): Promise<void> {
  if (!job || (await job.getState()) !== 'failed') return;
  const reason = endReasonOf(job.failedReason);
  const plan = job.queueName === 'plan' ? planJobSchema.safeParse(job.data) : null;
  const run = job.queueName === 'run' ? runJobSchema.safeParse(job.data) : null;
  if (plan?.success) await settleEndedPlan(ctx, plan.data, reason);
  else if (run?.success) await settleEndedRun(ctx, run.data, reason);
}
