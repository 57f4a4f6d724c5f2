// One bot process: surfaces in, the conversation, the queues and their workers, and a graceful stop.
import path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../common/pino-logger.ts';
import type { SurfaceName } from '../contract/messages.ts';
import type { ChatSurface, IncomingHandler } from '../contract/surface.ts';
import { checkSandbox, sandboxOptionsFromEnv } from '../sandbox/index.ts';
import type { BotContext } from './bot-context.ts';
import type { Config } from './config.ts';
import { createConversation } from './conversation/index.ts';
import { CancelRegistry } from './jobs/cancel-registry.ts';
import { createDeliverProcessor, Deliverer } from './jobs/deliver.ts';
import { createPlanProcessor } from './jobs/plan-job.ts';
import { createQueues, QUEUE_NAMES, type Queues } from './jobs/queues.ts';
import { createRunProcessor } from './jobs/run-job.ts';
import { settleFailedJob } from './jobs/settle-ended-job.ts';
import { Watchdog } from './jobs/watchdog.ts';
import { createWorker, type QueueName } from './jobs/workers.ts';
import { measureHandler, measurePlans, measureRuns } from './ops/job-metrics.ts';
import { Operations } from './ops/operations.ts';
import { createReadiness } from './ops/readiness.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { checkRedis, createRedis, redisDurabilityWarnings, redisTarget } from './state/redis-connection.ts';
import { RedisEpoch } from './state/redis-epoch.ts';
import { SessionFiles } from './state/session-files.ts';
import { SessionStore } from './state/session-store.ts';
import { stateKeys } from './state/state-keys.ts';
import { createFileStore } from './store/index.ts';

export interface BotAppOptions {
  config: Config;
  logger: Logger;
  surfaces: ChatSurface[];
  /** Which queues this process works on (default: all; 'deliver' means the deliver queue of each of its surfaces). */
  workers?: QueueName[];
  /** The pipeline (default: the real core with the real sandbox, made on first use). */
  pipeline?: Pipeline;
  /**
   * Health, readiness, metrics and the queue dashboard (default: its own, from ADMIN_TOKEN and ADMIN_ALLOW_RETRY).
   * Hand the same one to the web chat (WebAdapterOptions.operations) to serve them on its port.
   */
  operations?: Operations;
}

export interface BotApp {
  readonly ctx: BotContext;
  readonly handler: IncomingHandler;
  readonly operations: Operations;
  start(): Promise<void>;
  /** Stops taking events and jobs, lets running jobs finish within SHUTDOWN_GRACE_S, then closes Redis. */
  stop(): Promise<void>;
}

const SWEEP_MS = 60 * 60 * 1000;

export function createBotApp(options: BotAppOptions): BotApp {
  const { config, logger } = options;
  const target = redisTarget(config);
  const redis: Redis = createRedis(target, 'linguacodus-state');
  const subscriber: Redis = createRedis(target, 'linguacodus-cancel');
  /** Where jobs are added: it fails fast while Redis is away, where the workers' connection waits. */
  const producer: Redis = createRedis(target, 'linguacodus-producer', 'producer');
  const keys = stateKeys(config.QUEUE_PREFIX);
  const queues: Queues = createQueues(producer, config.QUEUE_PREFIX);
  const ttlSeconds = config.SESSION_TTL_HOURS * 3600;
  const store = new SessionStore(redis, keys, ttlSeconds);
  const files = new SessionFiles(config.DATA_DIR);
  const fileStore = createFileStore(config);
  const cancels = new CancelRegistry(redis, subscriber, keys);
  let shuttingDown = false;
  let pipeline: Pipeline | undefined = options.pipeline;
  const operations =
    options.operations ??
    new Operations({ adminToken: config.ADMIN_TOKEN, allowRetry: config.ADMIN_ALLOW_RETRY, logger });
  const metrics = operations.metrics;
  const ctx: BotContext = {
    config,
    logger,
    redis,
    keys,
    store,
    files,
    fileStore,
    deliver: new Deliverer(queues, redis, keys),
    queues,
    cancels,
    pipeline: async () => {
      pipeline ??= createPipeline(config, logger);
      return pipeline;
    },
    shuttingDown: () => shuttingDown,
    metrics,
  };
  const handler = measureHandler(createConversation(ctx), metrics);
  const surfaces = new Map<SurfaceName, ChatSurface>(options.surfaces.map((s) => [s.name, s]));
  const workers: Worker[] = [];
  const wanted = options.workers ?? ['plan', 'run', 'deliver'];
  operations.attach({
    queues,
    readiness: createReadiness({
      pingRedis: () => producer.ping(),
      workers: () => workers.map((w) => ({ name: w.name, running: w.isRunning() })),
      checkSandbox:
        wanted.includes('plan') || wanted.includes('run')
          ? () => checkSandbox(sandboxOptionsFromEnv(config))
          : null,
    }),
  });
  let sweepTimer: NodeJS.Timeout | undefined;
  const epoch = new RedisEpoch(
    redis,
    keys.epoch,
    path.resolve(config.DATA_DIR, 'state', `redis-epoch-${config.QUEUE_PREFIX}`),
  );
  const jobLockMs = config.JOB_LOCK_S * 1000;
  const watchdog = new Watchdog(ctx, epoch, { intervalMs: jobLockMs, graceMs: Math.max(5000, jobLockMs) });
  /** Settlements of jobs that failed for good, awaited by stop() before Redis closes. */
  const settling = new Set<Promise<void>>();
  const settleWhenFailed = (worker: Worker) =>
    worker.on('failed', (job) => {
      const done: Promise<void> = settleFailedJob(ctx, job)
        .catch((err: unknown) => logger.error({ err, jobId: job?.id }, 'could not settle a failed job'))
        .finally(() => settling.delete(done));
      settling.add(done);
    });

  return {
    ctx,
    handler,
    operations,
    async start() {
      await checkRedis(redis, target);
      await checkRedis(producer, target);
      for (const warning of await redisDurabilityWarnings(redis)) logger.warn(warning);
      if ((await epoch.start()) === 'lost') {
        logger.error(
          'Redis lost its data since the bot last ran (restarted without persistence, evicted or flushed): sessions and queued jobs from before are gone. Run Redis with --appendonly yes and maxmemory-policy noeviction (README, Redis).',
        );
      }
      await cancels.start();
      // A deliver worker per surface this process holds, and none without one: no reply waits on a process
      // that cannot post it.
      if (wanted.includes('deliver')) {
        for (const surface of surfaces.values()) {
          const processor = createDeliverProcessor({ surface, redis, keys, ttlSeconds, logger, fileStore });
          const worker = createWorker('deliver', processor, redis, config, logger, surface.name);
          worker.on('failed', (job, err) => {
            const final =
              !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
            (final ? metrics.deliveriesFailed : metrics.deliveriesRetried).inc({ surface: surface.name });
          });
          workers.push(worker);
        }
      }
      if (wanted.includes('plan'))
        workers.push(
          settleWhenFailed(
            createWorker('plan', measurePlans(createPlanProcessor(ctx), ctx, metrics), redis, config, logger),
          ),
        );
      if (wanted.includes('run')) {
        const processor = measureRuns(createRunProcessor(ctx), ctx, metrics);
        workers.push(settleWhenFailed(createWorker('run', processor, redis, config, logger)));
      }
      for (const surface of surfaces.values()) await surface.start(handler);
      const sweep = () =>
        files.sweep(store, logger, fileStore).catch((err) => logger.warn({ err }, 'file sweep failed'));
      void sweep();
      sweepTimer = setInterval(sweep, SWEEP_MS);
      sweepTimer.unref();
      watchdog.start();
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      await watchdog.stop();
      // Surfaces keep taking events while workers drain: a new task only lands in the queue (Redis), where
      // this or another process picks it up.
      // Plan and run first: their last replies still need the deliver worker.
      const isDeliver = (w: Worker) => w.name.startsWith(`${QUEUE_NAMES.deliver}-`);
      const jobWorkers = workers.filter((w) => !isDeliver(w));
      const deliverWorkers = workers.filter(isDeliver);
      const closing = Promise.all(jobWorkers.map((w) => w.close()));
      const graceOver = new Promise<'grace'>((r) =>
        setTimeout(() => r('grace'), config.SHUTDOWN_GRACE_S * 1000).unref(),
      );
      if ((await Promise.race([closing.then(() => 'done' as const), graceOver])) === 'grace') {
        logger.warn('running jobs did not finish within the grace period; returning them to the queue');
        shuttingDown = true;
        cancels.abortAll('shutdown');
        await closing;
      }
      // A job that failed for good while closing is settled (its thread told) through the deliver queue.
      await Promise.all(settling);
      await Promise.all(deliverWorkers.map((w) => w.close()));
      // Surfaces last: the deliver worker posts through them until it stops.
      for (const surface of surfaces.values()) {
        await surface
          .stop()
          .catch((err) => logger.warn({ err, surface: surface.name }, 'surface stop failed'));
      }
      await operations.close();
      await queues.close();
      await Promise.allSettled([redis.quit(), subscriber.quit(), producer.quit()]);
    },
  };
}
