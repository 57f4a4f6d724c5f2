import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_IMAGE } from '../../sandbox/docker-driver.ts';
// @ts-expect-error: plain JavaScript module, no type declarations
import { DEFAULT_IMAGE, imagePackages, recipeHash } from '../../scripts/sandbox-image.mjs';
import {
  localRedisArgs,
  missingSystemParts,
  npmStale,
  PACKAGES,
  redisDataDir,
  redisTarget,
  setting,
  // @ts-expect-error: plain JavaScript module (it runs before dependencies exist), no type declarations
} from '../../scripts/setup.mjs';

describe('set-up step', () => {
  it('finds every system part on this machine (bwrap, python libraries, chromium)', () => {
    expect(missingSystemParts({ forTests: true })).toEqual([]);
  });

  it('maps each missing part to the Debian package that provides it', () => {
    expect(PACKAGES.bwrap).toBe('bubblewrap');
    expect(PACKAGES.sklearn).toBe('python3-sklearn');
    expect(PACKAGES['redis-server']).toBe('redis-server');
  });

  it('targets local Redis unless REDIS_URL says otherwise, from the environment or .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-setup-'));
    const dotEnv = join(dir, '.env');
    expect(redisTarget({}, dotEnv)).toEqual({ host: '127.0.0.1', port: 6379, explicit: false });
    expect(redisTarget({ REDIS_URL: 'redis://cache.internal:6390' }, dotEnv)).toMatchObject({
      host: 'cache.internal',
      port: 6390,
      explicit: true,
    });
    writeFileSync(dotEnv, 'PORT=3000\nREDIS_URL="redis://10.0.0.5:6379"\n');
    expect(redisTarget({}, dotEnv)).toMatchObject({ host: '10.0.0.5', explicit: true });
    expect(redisTarget({ REDIS_URL: 'nonsense' }, dotEnv)).toMatchObject({ invalid: 'nonsense' });
  });

  it('starts its local Redis with an append-only file under DATA_DIR, never evicting keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-setup-'));
    const dotEnv = join(dir, '.env');
    expect(redisDataDir({ DATA_DIR: '/srv/lc' }, dotEnv)).toBe('/srv/lc/redis');
    expect(redisDataDir({}, dotEnv)).toMatch(/\/data\/redis$/);
    const args = localRedisArgs('/srv/lc/redis');
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--appendonly')).toBe('yes');
    expect(value('--dir')).toBe('/srv/lc/redis');
    expect(value('--maxmemory-policy')).toBe('noeviction');
    expect(value('--bind')).toBe('127.0.0.1');
    expect(value('--port')).toBe('6379');
  });

  it('reads SANDBOX_DRIVER from the environment first, then .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-setup-'));
    const dotEnv = join(dir, '.env');
    expect(setting('SANDBOX_DRIVER', {}, dotEnv)).toBeUndefined();
    writeFileSync(dotEnv, '# sandbox\nSANDBOX_DRIVER=docker\n');
    expect(setting('SANDBOX_DRIVER', {}, dotEnv)).toBe('docker');
    expect(setting('SANDBOX_DRIVER', { SANDBOX_DRIVER: 'bwrap' }, dotEnv)).toBe('bwrap');
  });

  it('builds the docker image from the run-time closure of the Python packages: no compilers, no headers', () => {
    expect(DEFAULT_IMAGE).toBe(DEFAULT_DOCKER_IMAGE);
    const packages: string[] = imagePackages();
    const names = packages.map((p) => p.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['python3', 'python3-sklearn', 'python3-pandas', 'libc6']));
    expect(names.filter((n) => /^(gcc|g\+\+|cpp)(-\d+)?$|-dev$/.test(n!))).toEqual([]);
    // Same packages, same recipe: the image is built once per machine.
    expect(recipeHash(packages)).toBe(recipeHash([...packages]));
    expect(recipeHash(packages)).not.toBe(recipeHash([...packages, 'python3-extra=1']));
  });

  it('calls dependencies stale when node_modules is missing or the lock file changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-setup-'));
    expect(npmStale(dir)).toBe(true);
    expect(npmStale()).toBe(false);
  });

  it('runs idempotently and succeeds when everything is present', () => {
    const first = spawnSync(process.execPath, ['scripts/setup.mjs', '--tests'], { encoding: 'utf8' });
    const second = spawnSync(process.execPath, ['scripts/setup.mjs', '--tests'], { encoding: 'utf8' });
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stderr).toBe('');
  });
});
