// Every post and edit on a chat surface goes through the deliver queue with an idempotency key:
// a retry after a crash finds "key → message id" in Redis and skips or edits instead of posting twice.
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { LinguacodusError } from '../../common/errors.ts';
import type { Logger } from '../../common/pino-logger.ts';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface } from '../../contract/surface.ts';
import type { StateKeys } from '../state/state-keys.ts';
import { type FileStore, localise } from '../store/index.ts';
import { editKey } from './delivery-keys.ts';
import { type DeliverJob, deliverJobId, deliverJobSchema, JOB_OPTIONS, type Queues } from './queues.ts';

/** Enqueues posts and edits; callers never touch a surface directly. */
export class Deliverer {
  constructor(
    private readonly queues: Queues,
    private readonly redis: Redis,
    private readonly keys: StateKeys,
  ) {}

  /** Posts once per key (from delivery-keys.ts); a key reused by a resent event or a retried job is a no-op. */
  async post(thread: ThreadRef, message: OutgoingMessage, key: string): Promise<string> {
    const data: DeliverJob = { op: 'post', key, thread, message };
    await this.queues.deliver[thread.surface].add('post', data, {
      ...JOB_OPTIONS.deliver,
      jobId: deliverJobId(key),
    });
    return key;
  }

  /** Replaces the message posted under `target`; later calls win even when delivered out of order. */
  async edit(thread: ThreadRef, target: string, message: OutgoingMessage): Promise<void> {
    const version = await this.redis.incr(this.keys.editVersion(target));
    await this.redis.expire(this.keys.editVersion(target), 7 * 24 * 3600);
    const key = editKey(target, version);
    const data: DeliverJob = { op: 'edit', key, thread, target, version, message };
    await this.queues.deliver[thread.surface].add('edit', data, {
      ...JOB_OPTIONS.deliver,
      jobId: deliverJobId(key),
    });
  }

  /**
   * The platform message id of a post, waiting up to `timeoutMs` for its delivery (null if it is still queued then):
   * for a link to a message just posted.
   */
  async waitForMessageId(key: string, timeoutMs: number): Promise<string | null> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const id = await this.messageIdOf(key);
      if (id || Date.now() >= until) return id;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The platform message id recorded for a post key, once delivered. */
  async messageIdOf(key: string): Promise<string | null> {
    return this.redis.get(this.keys.delivered(key));
  }
}

export interface DeliverProcessorDeps {
  /** The surface whose deliver queue this processor works on; only a process that holds it starts one. */
  surface: ChatSurface;
  redis: Redis;
  keys: StateKeys;
  ttlSeconds: number;
  logger: Logger;
  /** Where the files a message attaches are fetched from (a worker made them); default: they are local already. */
  fileStore?: FileStore;
}

/**
 * An edit that overtakes its own post waits for it (back in the delayed set, not a failed attempt), 200 ms, then
 * twice as long each time up to 5 s; after this many waits (about 2 minutes) it fails like any error and retries.
 */
const EDIT_WAITS = 30;
const editWaitMs = (started: number) => Math.min(200 * 2 ** Math.max(0, started - 1), 5000);

export function createDeliverProcessor(deps: DeliverProcessorDeps) {
  const { surface, redis, keys, ttlSeconds, logger, fileStore } = deps;
  return async (job: Job<DeliverJob>, token?: string): Promise<string | null> => {
    const data = deliverJobSchema.parse(job.data);
    if (data.thread.surface !== surface.name) {
      // Only a job put on the wrong queue by hand can get here; retrying it would not help.
      throw new UnrecoverableError(`a ${data.thread.surface} delivery on the ${surface.name} queue`);
    }
    try {
      if (data.op === 'post') {
        const existing = await redis.get(keys.delivered(data.key));
        if (existing) return existing;
        const message = await withLocalFiles(data.message, fileStore);
        const posted = await surface.post(data.thread, message, { idempotencyKey: data.key });
        await redis.set(keys.delivered(data.key), posted.messageId, 'EX', ttlSeconds);
        return posted.messageId;
      }
      const messageId = await redis.get(keys.delivered(data.target));
      if (!messageId) {
        // The post may still be queued behind us, or being delivered right now: wait for it to land.
        if (token && job.attemptsStarted < EDIT_WAITS) {
          await job.moveToDelayed(Date.now() + editWaitMs(job.attemptsStarted), token);
          throw new DelayedError();
        }
        throw new Error(`message ${data.target} not delivered yet`);
      }
      const applied = Number((await redis.get(keys.editApplied(data.target))) ?? 0);
      if (applied >= data.version) return messageId;
      await surface.edit(data.thread, messageId, await withLocalFiles(data.message, fileStore));
      await redis.eval(
        "local cur = tonumber(redis.call('get', KEYS[1]) or '0') if cur < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 0",
        1,
        keys.editApplied(data.target),
        String(data.version),
        String(ttlSeconds),
      );
      return messageId;
    } catch (error) {
      if (error instanceof LinguacodusError && !error.retryable) {
        logger.error({ err: error, key: data.key }, 'delivery refused by the surface');
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  };
}

/**
 * The message with its attached files at local paths: a notebook or chart a worker on another machine made is fetched
 * from the file store first (a store that is away fails the attempt as an infrastructure fault, and it is retried).
 */
async function withLocalFiles(
  message: OutgoingMessage,
  store: FileStore | undefined,
): Promise<OutgoingMessage> {
  if (!store || !message.blocks.some((b) => b.kind === 'file' || b.kind === 'image')) return message;
  const blocks = await Promise.all(
    message.blocks.map(async (b) =>
      b.kind === 'file' || b.kind === 'image'
        ? { ...b, file: { ...b.file, path: await localise(store, b.file.path, b.file.bytes) } }
        : b,
    ),
  );
  return { ...message, blocks };
}
