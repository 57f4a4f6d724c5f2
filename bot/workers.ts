// BullMQ workers for plan, run and deliver, with concurrency and job leases from the config.
import { type Processor, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { QUEUE_NAMES } from './queues.ts';

export type QueueName = keyof typeof QUEUE_NAMES;

export function createWorker(
  queue: QueueName,
  processor: Processor,
  connection: Redis,
  config: Config,
  logger: Logger,
): Worker {
  const concurrency = {
    plan: config.PLAN_CONCURRENCY,
    run: config.RUN_CONCURRENCY,
    deliver: config.DELIVER_CONCURRENCY,
  }[queue];
  const lockDuration = config.JOB_LOCK_S * 1000;
  const worker = new Worker(QUEUE_NAMES[queue], processor, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency,
    lockDuration,
    // Look for jobs of crashed workers as often as a lease can lapse.
    stalledInterval: lockDuration,
    maxStalledCount: 2,
  });
  const log = logger.child({ queue });
  worker.on('failed', (job, err) =>
    log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } }, 'job failed'),
  );
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  worker.on('stalled', (jobId) =>
    log.warn({ jobId }, 'job stalled (its worker stopped); it will be retried'),
  );
  return worker;
}
