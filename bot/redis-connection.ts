// Redis connections for queues, workers, state and pub/sub, all from one URL.
import { Redis } from 'ioredis';
import { LinguacodusError } from '../common/errors.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A connection fit for BullMQ workers and for our own state: workers need maxRetriesPerRequest null
 * (blocking commands must wait out a reconnect instead of failing).
 */
export function createRedis(url: string | undefined, name: string): Redis {
  const redis = new Redis(url ?? DEFAULT_REDIS_URL, {
    maxRetriesPerRequest: null,
    connectionName: name,
    lazyConnect: false,
  });
  // ioredis retries on its own; an error event with no listener would crash the process.
  redis.on('error', () => {});
  return redis;
}

/** Fails fast with a message a newcomer can act on when Redis is not there. */
export async function checkRedis(redis: Redis, url: string | undefined): Promise<void> {
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
    ]);
  } catch (cause) {
    throw new LinguacodusError(
      'internal',
      `Cannot reach Redis at ${url ?? DEFAULT_REDIS_URL}. Start it (e.g. \`redis-server\` or \`docker run -p 6379:6379 redis:7\`) or set REDIS_URL.`,
      { cause },
    );
  }
}
