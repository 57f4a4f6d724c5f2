// How a plan or run job ends on an error: back to the queue (transient, shutdown), or a clear reply and no retry.
import { type Job, UnrecoverableError } from 'bullmq';
import { asLinguacodusError, InfrastructureError } from '../../common/errors.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { BotContext } from '../bot-context.ts';
import { capitalise, errorReply, text } from '../render/render-replies.ts';
import type { JobTracker } from './cancel-registry.ts';
import { jobEndKey, jobRetryKey } from './delivery-keys.ts';

export interface FailureContext {
  ctx: BotContext;
  job: Job;
  /** The job's deterministic id (planJobId, runJobId): its failure reports are keyed by it. */
  jobId: string;
  thread: ThreadRef;
  tracker: Pick<JobTracker, 'signal' | 'timedOut'>;
  /** What was being done, for the reply ("planning", "the run of option 2"). */
  what: string;
  timeoutSeconds: number;
  /** Called once the outcome is final (not for a retry), before the reply. */
  onFinal?: (outcome: 'cancelled' | 'failed', message: string) => Promise<void>;
}

/**
 * Classifies the error and replies when it is final. Returns 'cancelled' (the caller reports it and ends
 * normally); otherwise throws: a plain Error for BullMQ to retry, or UnrecoverableError after replying.
 */
export async function settleJobError(error: unknown, f: FailureContext): Promise<'cancelled'> {
  const { ctx, job, thread } = f;
  const { signal } = f.tracker;
  const log = ctx.logger.child({ jobId: job.id, queue: job.queueName });
  if (ctx.shuttingDown() && signal.aborted) {
    // On the last attempt BullMQ fails it for good: the worker's `failed` listener settles it (settle-ended-job).
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    log.warn(
      last
        ? 'job interrupted by shutdown on its last attempt'
        : 'job interrupted by shutdown; it goes back to the queue',
    );
    throw new Error('interrupted by shutdown');
  }
  if (f.tracker.timedOut()) {
    await f.onFinal?.('failed', 'timed out');
    await ctx.deliver.post(
      thread,
      errorReply(`${capitalise(f.what)} took longer than ${f.timeoutSeconds} s and was stopped.`),
      jobEndKey(f.jobId, 'timeout'),
    );
    throw new UnrecoverableError('timed out');
  }
  const lerr = asLinguacodusError(error);
  if (signal.aborted || lerr.code === 'cancelled') {
    await f.onFinal?.('cancelled', 'cancelled');
    return 'cancelled';
  }
  const attempts = job.opts.attempts ?? 1;
  if (lerr.retryable && job.attemptsMade + 1 < attempts) {
    if (lerr instanceof InfrastructureError) {
      // The cause (the file system's or the store's own error) goes to the log; the thread hears what it is.
      log.error(
        { err: error, cause: lerr.cause, attempt: job.attemptsMade + 1 },
        'infrastructure fault; retrying with backoff',
      );
      await ctx.deliver.post(
        thread,
        text(`⚠️ ${lerr.userMessage} Retrying (attempt ${job.attemptsMade + 2} of ${attempts}).`, 'context'),
        jobRetryKey(f.jobId, job.attemptsMade + 1),
      );
    } else {
      log.warn({ err: error, attempt: job.attemptsMade + 1 }, 'transient failure; retrying with backoff');
    }
    throw error instanceof Error ? error : new Error(String(error));
  }
  log.error({ err: error, cause: lerr.cause }, `${f.what} failed`);
  await f.onFinal?.('failed', lerr.userMessage);
  const hint =
    lerr.code === 'internal' || lerr.retryable
      ? 'You can try again with `rerun` or post the task again.'
      : 'Post a corrected task or file in this thread to try again.';
  await ctx.deliver.post(thread, errorReply(lerr.userMessage, hint), jobEndKey(f.jobId, 'error'));
  throw new UnrecoverableError(lerr.message);
}
