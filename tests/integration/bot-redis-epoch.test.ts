// Redis losing its data is noticed (real Redis): while the bot runs (the epoch key vanishes or changes) and between
// two runs (the value remembered in DATA_DIR no longer matches); every process agrees on one value.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisEpoch } from '../../bot/state/redis-epoch.ts';
import { dropPrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis-prefix.ts';

const prefix = testPrefix('epoch');
const key = `${prefix}:lc:epoch`;
const dir = mkdtempSync(path.join(tmpdir(), 'lc-epoch-'));
const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await redis.quit();
  await dropPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('the Redis epoch', () => {
  it('is the same for every process, and a loss is noticed while running and at the next start', async () => {
    const file = path.join(dir, 'epoch');
    const a = new RedisEpoch(redis, key, file);
    const b = new RedisEpoch(redis, key, path.join(dir, 'epoch-b'));
    expect(await Promise.all([a.start(), b.start()])).toEqual(['same', 'same']);
    expect(a.id).toBe(b.id);
    expect(await a.check()).toBe(false);

    // Redis comes back empty: the first check of each process notices, and they agree on the new value.
    await redis.del(key);
    expect(await a.check()).toBe(true);
    expect(await b.check()).toBe(true);
    expect(a.id).toBe(b.id);
    expect(await a.check()).toBe(false);

    // Lost while no bot ran: the next start compares with the value kept in DATA_DIR.
    await redis.del(key);
    expect(await new RedisEpoch(redis, key, file).start()).toBe('lost');
    expect(await new RedisEpoch(redis, key, file).start()).toBe('same');
  });
});
