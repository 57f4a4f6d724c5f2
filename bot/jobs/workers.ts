// BullMQ workers for plan, run and a surface's deliveries, with concurrency and job leases from the config.
import { type Processor, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/pino-logger.ts';
import type { SurfaceName } from '../../contract/messages.ts';
import type { Config } from '../config.ts';
import { deliverQueueName, QUEUE_NAMES } from './queues.ts';

export type QueueName = keyof typeof QUEUE_NAMES;

/**
 * BullMQ's lease and stall check, sized so that a killed worker's job is taken again within JOB_LOCK_S. Every stall
 * check marks the active jobs and moves those it marked before whose lock has lapsed; a live worker's lease renewal
 * unmarks its job. So a job is moved by the first check after its lock lapses: between lockDuration / 2 and
 * lockDuration + stalledInterval after the kill, here a third to five sixths of JOB_LOCK_S. The lease is renewed
 * every lockDuration / 2: a worker whose event loop is blocked longer than a third of JOB_LOCK_S loses its job.
 * Measured by tests/integration/bot-crash-pickup.test.ts (the figure is in the README).
 */
export function leaseTimings(jobLockSeconds: number): { lockDuration: number; stalledInterval: number } {
  const ms = jobLockSeconds * 1000;
  return { lockDuration: Math.round((ms * 2) / 3), stalledInterval: Math.round(ms / 6) };
}

/**
 * A worker on one queue; `connection` must be a worker's (maxRetriesPerRequest null: createRedis's default). A
 * deliver worker names its surface: it takes only that surface's deliveries.
 */
export function createWorker(
  queue: QueueName,
  processor: Processor,
  connection: Redis,
  config: Config,
  logger: Logger,
  surface?: SurfaceName,
): Worker {
  if (queue === 'deliver' && !surface) throw new Error('a deliver worker needs its surface');
  const concurrency = {
    plan: config.PLAN_CONCURRENCY,
    run: config.RUN_CONCURRENCY,
    deliver: config.DELIVER_CONCURRENCY,
  }[queue];
  const name = queue === 'deliver' && surface ? deliverQueueName(surface) : QUEUE_NAMES[queue];
  const worker = new Worker(name, processor, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency,
    ...leaseTimings(config.JOB_LOCK_S),
    maxStalledCount: 2,
  });
  const log = logger.child({ queue: name });
  worker.on('failed', (job, err) =>
    log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } }, 'job failed'),
  );
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  worker.on('stalled', (jobId) =>
    log.warn({ jobId }, 'job stalled (its worker stopped); it will be retried'),
  );
  return worker;
}
