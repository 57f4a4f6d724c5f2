// What the conversation and the job processors share: config, Redis state, the deliver queue, the pipeline.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/pino-logger.ts';
import type { Config } from './config.ts';
import type { CancelRegistry } from './jobs/cancel-registry.ts';
import type { Deliverer } from './jobs/deliver.ts';
import type { Queues } from './jobs/queues.ts';
import type { BotMetrics } from './ops/metrics.ts';
import type { Pipeline } from './pipeline.ts';
import type { SessionFiles } from './state/session-files.ts';
import type { SessionStore } from './state/session-store.ts';
import type { StateKeys } from './state/state-keys.ts';
import type { FileStore } from './store/index.ts';

export interface BotContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: StateKeys;
  store: SessionStore;
  files: SessionFiles;
  /** Where files that outlive a job or move between machines are kept (DATA_DIR, or S3): bot/store/. */
  fileStore: FileStore;
  deliver: Deliverer;
  queues: Queues;
  cancels: CancelRegistry;
  /** Loaded on first use by a plan or run worker; the conversation itself never needs it. */
  pipeline: () => Promise<Pipeline>;
  /** True once shutdown began: an aborted job goes back to the queue instead of reporting "cancelled". */
  shuttingDown: () => boolean;
  /** The process's Prometheus metrics (bot/ops/metrics.ts); absent in a context made for a test. */
  metrics?: BotMetrics;
}
