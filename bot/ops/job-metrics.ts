// The plan and run processors and the chat handler, measured: how each job ended, how long it took, its tokens.
import { type Job, type Processor, UnrecoverableError } from 'bullmq';
import type { IncomingHandler } from '../../contract/surface.ts';
import type { BotContext } from '../bot-context.ts';
import { type PlanJob, type RunJob, runKeyOf } from '../jobs/queues.ts';
import type { BotMetrics, PlanOutcome, RunOutcome } from './metrics.ts';

/** True when BullMQ will not try the job again after this error. */
function failsForGood(job: Job, error: unknown): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function measureHandler(handler: IncomingHandler, metrics: BotMetrics): IncomingHandler {
  return async (event) => {
    const end = metrics.ackSeconds.startTimer();
    try {
      await handler(event);
    } finally {
      end();
    }
  };
}

export function measurePlans(
  processor: (job: Job<PlanJob>) => Promise<string>,
  ctx: BotContext,
  metrics: BotMetrics,
): Processor<PlanJob, string> {
  return async (job) => {
    const end = metrics.planSeconds.startTimer();
    try {
      const result = await processor(job);
      const outcome: PlanOutcome =
        result === 'stale' || result === 'asked' || result === 'cancelled' ? result : 'planned';
      metrics.plans.inc({ outcome });
      if (outcome === 'planned') {
        const session = await ctx.store.get(job.data.sid).catch(() => null);
        if (session?.plan) metrics.countTokens(session.plan.usage);
      }
      return result;
    } catch (error) {
      metrics.plans.inc({ outcome: failsForGood(job, error) ? 'failed' : 'retried' });
      throw error;
    } finally {
      end();
    }
  };
}

/** The run's own result (sandbox seconds, tokens) is recorded by the run job itself (recordRunResult). */
export function measureRuns(
  processor: (job: Job<RunJob>) => Promise<string>,
  ctx: BotContext,
  metrics: BotMetrics,
): Processor<RunJob, string> {
  return async (job) => {
    const end = metrics.runSeconds.startTimer();
    const session = await ctx.store.get(job.data.sid).catch(() => null);
    const engine = runKeyOf(job.data) === 'blend' ? 'none' : (session?.plan?.engines.coder ?? 'unknown');
    try {
      const result = await processor(job);
      const outcome: RunOutcome =
        result === 'stale' || result === 'cancelled' ? result : result.startsWith('score ') ? 'ok' : 'failed';
      metrics.runs.inc({ engine, outcome });
      return result;
    } catch (error) {
      metrics.runs.inc({ engine, outcome: failsForGood(job, error) ? 'failed' : 'retried' });
      throw error;
    } finally {
      end();
    }
  };
}
