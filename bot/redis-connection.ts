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

/**
 * What in the Redis server's settings can lose the bot's state, in words for the log: an eviction policy other than
 * noeviction (sessions and queued jobs can vanish under memory pressure), and no persistence at all (a restart
 * loses everything). Empty when all is well or when the server does not allow CONFIG (managed Redis).
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  const setting = async (name: string): Promise<string | undefined> => {
    const reply = (await redis.call('CONFIG', 'GET', name).catch(() => [])) as string[];
    return reply[1];
  };
  const warnings: string[] = [];
  const policy = await setting('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis evicts keys under memory pressure (maxmemory-policy ${policy}): sessions and queued jobs can vanish. Set maxmemory-policy noeviction.`,
    );
  }
  const appendonly = await setting('appendonly');
  const save = await setting('save');
  if (appendonly === 'no' && save === '') {
    warnings.push(
      'Redis saves nothing to disk (appendonly no, no save points): a restart loses every session and queued job. Run it with --appendonly yes.',
    );
  }
  return warnings;
}
