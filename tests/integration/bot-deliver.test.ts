// The deliver queue on real Redis: a post retried under the same key lands once, and a late, older edit of a
// message never overwrites a newer one. The web chat's store is the surface. The test waits on the jobs' own
// completion events, never on a timer.
import { type Job, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSurface } from '../../adapters/web/index.ts';
import { WebStore } from '../../adapters/web/web-store.ts';
import { createDeliverProcessor, Deliverer } from '../../bot/jobs/deliver.ts';
import { editKey } from '../../bot/jobs/delivery-keys.ts';
import {
  createQueues,
  type DeliverJob,
  deliverJobId,
  deliverQueueName,
  type Queues,
} from '../../bot/jobs/queues.ts';
import { stateKeys } from '../../bot/state/state-keys.ts';
import { webSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import { type TestEnv, testEnv } from '../helpers/bot-test-kit.ts';

const thread: ThreadRef = { surface: 'web', space: '', channel: 'general', thread: 'root-1' };
const say = (text: string) => ({ text, blocks: [{ kind: 'text' as const, text }] });

describe('the deliver queue', () => {
  let t: TestEnv;
  let redis: Redis;
  let queues: Queues;
  let worker: Worker | null = null;
  let events: QueueEvents;
  let store: WebStore;
  const web = () => createWebSurface(webSurfaceOptions(t.config, createLogger({ level: 'silent' })));
  let surface: ReturnType<typeof web>;

  beforeAll(async () => {
    t = await testEnv();
    redis = new Redis(t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    queues = createQueues(redis, t.prefix);
    store = new WebStore(redis, t.prefix, 3600);
    surface = web();
    events = new QueueEvents(deliverQueueName('web'), {
      connection: { url: t.env.REDIS_URL },
      prefix: t.prefix,
    });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await surface?.stop();
    await queues?.close();
    await redis?.quit();
    await t?.cleanup();
  });

  const processor = () =>
    createDeliverProcessor({
      surface,
      redis,
      keys: stateKeys(t.prefix),
      ttlSeconds: 3600,
      logger: createLogger({ level: 'silent' }),
    });

  /** The deliver job enqueued under `key`, once it has finished for good (retries included). */
  const finished = async (key: string): Promise<Job<DeliverJob>> => {
    const job = await queues.deliver.web.getJob(deliverJobId(key));
    if (!job) throw new Error(`no deliver job for ${key}`);
    await job.waitUntilFinished(events);
    return job;
  };

  it('posts once per key, edits by version, and records key → message id', async () => {
    const deliver = new Deliverer(queues, redis, stateKeys(t.prefix));
    // Enqueued before any worker runs: the edits wait for (retry until) their post.
    await deliver.edit(thread, 'status-1', say('version 1'));
    await deliver.post(thread, say('first'), 'status-1');
    await deliver.post(thread, say('first, again'), 'status-1');
    await deliver.edit(thread, 'status-1', say('version 2'));
    worker = new Worker(deliverQueueName('web'), processor(), {
      connection: redis,
      prefix: t.prefix,
      concurrency: 4,
    });
    const [late] = await Promise.all([
      finished(editKey('status-1', 1)),
      finished('status-1'),
      finished(editKey('status-1', 2)),
    ]);

    const replies = await store.replies('root-1');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe('version 2');
    const id = await deliver.messageIdOf('status-1');
    expect(id).toBe(replies[0]?.id);

    // Version 1 delivered once more after version 2 (a retry that lost a race): it changes nothing.
    await processor()(late);
    expect((await store.replies('root-1')).map((m) => m.text)).toEqual(['version 2']);

    // A crash after the post but before the record: the surface's own key check still prevents a double.
    await redis.del(stateKeys(t.prefix).delivered('status-1'));
    await surface.post(thread, say('replayed'), { idempotencyKey: 'status-1' });
    expect(await store.replies('root-1')).toHaveLength(1);
  });
});
