// Redis connections for queues, workers, state and pub/sub: one server by URL, or the master its Sentinels name.
import { Redis, type RedisOptions } from 'ioredis';
import { LinguacodusError } from '../../common/errors.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Where Redis is: REDIS_URL, or REDIS_SENTINELS and REDIS_SENTINEL_NAME (REDIS_URL then gives only the credentials and db). */
export interface RedisTarget {
  url?: string;
  sentinels?: { host: string; port: number }[];
  sentinelName?: string;
}

export function redisTarget(config: {
  REDIS_URL?: string;
  REDIS_SENTINELS?: { host: string; port: number }[];
  REDIS_SENTINEL_NAME?: string;
}): RedisTarget {
  return {
    url: config.REDIS_URL,
    sentinels: config.REDIS_SENTINELS,
    sentinelName: config.REDIS_SENTINEL_NAME,
  };
}

/** The target in words, for a message. */
export function describeRedis(target: RedisTarget | string | undefined): string {
  const t = typeof target === 'object' ? target : { url: target };
  if (t.sentinels?.length) {
    return `master ${t.sentinelName} of the sentinels ${t.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
  }
  return t.url ?? DEFAULT_REDIS_URL;
}

/** Credentials, db and TLS from a redis:// URL, for a Sentinel-managed master. */
function sentinelOptions(t: RedisTarget): RedisOptions {
  // failoverDetector: ioredis listens to the sentinels' +switch-master and reconnects to the new master at once.
  const options: RedisOptions = { sentinels: t.sentinels, name: t.sentinelName, failoverDetector: true };
  if (!t.url) return options;
  const u = new URL(t.url);
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  const db = Number(u.pathname.slice(1));
  if (Number.isInteger(db) && db > 0) options.db = db;
  if (u.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * What a connection is for, as BullMQ's production guide says: a `worker` (and our own state and pub/sub) waits
 * out a reconnect (maxRetriesPerRequest null: blocking commands must not fail); a `producer` (the queues jobs are
 * added to) fails fast while Redis is away (enableOfflineQueue false), so an add is refused at once rather than
 * left hanging.
 */
export type RedisUse = 'worker' | 'producer';

export function createRedis(
  target: RedisTarget | string | undefined,
  name: string,
  use: RedisUse = 'worker',
): Redis {
  const t: RedisTarget = typeof target === 'object' ? target : { url: target };
  const common: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    ...(use === 'producer' ? { enableOfflineQueue: false } : { maxRetriesPerRequest: null }),
  };
  const redis = t.sentinels?.length
    ? new Redis({ ...sentinelOptions(t), ...common })
    : new Redis(t.url ?? DEFAULT_REDIS_URL, common);
  // ioredis retries on its own; an error event with no listener would crash the process.
  redis.on('error', () => {});
  return redis;
}

/** Resolves once the connection is ready (a producer's commands fail until then), or throws after `ms`. */
async function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`no answer within ${ms / 1000} s`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** Fails fast with a message a newcomer can act on when Redis is not there. */
export async function checkRedis(redis: Redis, target: RedisTarget | string | undefined): Promise<void> {
  try {
    await whenReady(redis, 5000);
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
    ]);
  } catch (cause) {
    throw new LinguacodusError(
      'internal',
      `Cannot reach Redis at ${describeRedis(target)}. Start it (e.g. \`redis-server\` or \`docker run -p 6379:6379 redis:7\`) or set REDIS_URL (or REDIS_SENTINELS and REDIS_SENTINEL_NAME).`,
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
