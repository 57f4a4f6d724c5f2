// Redis connections for queues, workers, state and pub/sub: one server by URL, the master its Sentinels name, or a
// Redis Cluster.
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { LinguacodusError } from '../../common/errors.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

type HostPort = { host: string; port: number };

/**
 * Where Redis is: REDIS_URL; or REDIS_SENTINELS and REDIS_SENTINEL_NAME; or REDIS_CLUSTER_NODES (with either of the
 * last two, REDIS_URL gives only the credentials, db and TLS).
 */
export interface RedisTarget {
  url?: string;
  sentinels?: HostPort[];
  sentinelName?: string;
  clusterNodes?: HostPort[];
}

export function redisTarget(config: {
  REDIS_URL?: string;
  REDIS_SENTINELS?: HostPort[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_CLUSTER_NODES?: HostPort[];
}): RedisTarget {
  return {
    url: config.REDIS_URL,
    sentinels: config.REDIS_SENTINELS,
    sentinelName: config.REDIS_SENTINEL_NAME,
    clusterNodes: config.REDIS_CLUSTER_NODES,
  };
}

/** The target in words, for a message. */
export function describeRedis(target: RedisTarget | string | undefined): string {
  const t = typeof target === 'object' ? target : { url: target };
  if (t.clusterNodes?.length)
    return `the cluster of ${t.clusterNodes.map((n) => `${n.host}:${n.port}`).join(', ')}`;
  if (t.sentinels?.length) {
    return `master ${t.sentinelName} of the sentinels ${t.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
  }
  return t.url ?? DEFAULT_REDIS_URL;
}

/** Credentials, db and TLS from a redis:// URL, for a Sentinel-managed master or the nodes of a cluster. */
function urlOptions(url: string | undefined): RedisOptions {
  const options: RedisOptions = {};
  if (!url) return options;
  const u = new URL(url);
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
  let redis: Redis;
  if (t.clusterNodes?.length) {
    const { db: _db, ...credentials } = urlOptions(t.url);
    const options: ClusterOptions = {
      redisOptions: {
        ...credentials,
        connectionName: name,
        ...(use === 'producer' ? {} : { maxRetriesPerRequest: null }),
      },
      enableOfflineQueue: use !== 'producer',
      lazyConnect: false,
    };
    // A Cluster client takes the same commands as a Redis one; every key of the bot and of its queues carries
    // QUEUE_PREFIX's hash tag, so multi-key commands and BullMQ's scripts stay within one slot.
    redis = new Cluster(t.clusterNodes, options) as unknown as Redis;
  } else if (t.sentinels?.length) {
    // failoverDetector: ioredis listens to the sentinels' +switch-master and reconnects to the new master at once.
    const sentinel: RedisOptions = { sentinels: t.sentinels, name: t.sentinelName, failoverDetector: true };
    redis = new Redis({ ...urlOptions(t.url), ...sentinel, ...common });
  } else {
    redis = new Redis(t.url ?? DEFAULT_REDIS_URL, common);
  }
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
