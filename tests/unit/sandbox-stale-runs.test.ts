import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepStaleRuns } from '../../sandbox/stale-runs.ts';

describe('stale run sweeping', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('removes run folders well past their deadline and leaves running ones and foreign folders alone', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'lc-sweep-'));
    roots.push(root);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const names = [
      `run-${nowSeconds - 3600}-expired`,
      `run-${nowSeconds + 3600}-running`,
      `run-${nowSeconds - 60}-just-ended`,
      'run-undated-old',
      'run-undated-new',
      'keep-me',
    ];
    for (const name of names) await mkdir(path.join(root, name, 'work'), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(path.join(root, 'run-undated-old'), twoDaysAgo, twoDaysAgo);
    await utimes(path.join(root, 'keep-me'), twoDaysAgo, twoDaysAgo);
    expect(await sweepStaleRuns(root, null)).toBe(2);
    expect((await readdir(root)).sort()).toEqual(
      [
        'keep-me',
        `run-${nowSeconds + 3600}-running`,
        `run-${nowSeconds - 60}-just-ended`,
        'run-undated-new',
      ].sort(),
    );
  });
});
