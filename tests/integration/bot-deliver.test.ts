// The deliver queue on real Redis: a post retried under the same key lands once, and a late, older edit of a
// message never overwrites a newer one. The web chat's store is the surface.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSurface } from '../../adapters/web/index.ts';
import { WebStore } from '../../adapters/web/web-store.ts';
import { createDeliverProcessor, Deliverer } from '../../bot/deliver.ts';
import { createLogger } from '../../bot/logger.ts';
import type { ThreadRef } from '../../bot/messages.ts';
import { createQueues, type Queues } from '../../bot/queues.ts';
import { stateKeys } from '../../bot/state-keys.ts';
import { webSurfaceOptions } from '../../bot/surface-options.ts';
import { type TestEnv, testEnv } from './bot-test-kit.ts';

const thread: ThreadRef = { surface: 'web', space: '', channel: 'general', thread: 'root-1' };
const say = (text: string) => ({ text, blocks: [{ kind: 'text' as const, text }] });

describe('the deliver queue', () => {
  let t: TestEnv;
  let redis: Redis;
  let queues: Queues;
  let worker: Worker | null = null;
  let store: WebStore;
  const web = () => createWebSurface(webSurfaceOptions(t.config, createLogger({ level: 'silent' })));
  let surface: ReturnType<typeof web>;

  beforeAll(async () => {
    t = await testEnv();
    redis = new Redis(t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    queues = createQueues(redis, t.prefix);
    store = new WebStore(redis, t.prefix, 3600);
    surface = web();
  });

  afterAll(async () => {
    await worker?.close();
    await surface?.stop();
    await queues?.close();
    await redis?.quit();
    await t?.cleanup();
  });

  const startWorker = () => {
    const keys = stateKeys(t.prefix);
    const processor = createDeliverProcessor({
      surfaces: new Map([['web', surface]]),
      redis,
      keys,
      ttlSeconds: 3600,
      logger: createLogger({ level: 'silent' }),
    });
    worker = new Worker('deliver', processor, { connection: redis, prefix: t.prefix, concurrency: 4 });
  };

  const drained = async () => {
    for (let i = 0; i < 200; i++) {
      const c = await queues.deliver.getJobCounts('wait', 'active', 'delayed');
      if ((c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('deliver queue did not drain');
  };

  it('posts once per key, edits by version, and records key → message id', async () => {
    const deliver = new Deliverer(queues, redis, stateKeys(t.prefix));
    // Enqueued before any worker runs: the edits wait for (retry until) their post.
    await deliver.edit(thread, 'status-1', say('version 1'));
    await deliver.post(thread, say('first'), 'status-1');
    await deliver.post(thread, say('first, again'), 'status-1');
    await deliver.edit(thread, 'status-1', say('version 2'));
    startWorker();
    await drained();

    const replies = await store.replies('root-1');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toBe('version 2');
    const id = await deliver.messageIdOf('status-1');
    expect(id).toBe(replies[0]?.id);

    // A crash after the post but before the record: the surface's own key check still prevents a double.
    await redis.del(stateKeys(t.prefix).delivered('status-1'));
    await surface.post(thread, say('replayed'), { idempotencyKey: 'status-1' });
    expect(await store.replies('root-1')).toHaveLength(1);
  });
});
