import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module (it runs before dependencies exist), no type declarations
import { missingSystemParts, npmStale, PACKAGES, redisTarget } from '../../scripts/setup.mjs';

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
