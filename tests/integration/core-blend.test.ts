// Blend: two real runs of a suite task, their out-of-fold predictions weighted (non-negative, summing to 1) by the
// harness's blend script, scored by the harness on the same held-out rows; and the clear error when fewer than two
// runs have prediction files. Real sandbox, real suite data, quick mode.
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError, type RunResult, runResultSchema } from '../../core/index.ts';
import { type CoreFixture, coreFixture } from '../helpers/core-runs.ts';

describe('blend of two runs (blueberry_yield, quick)', () => {
  let fixture: CoreFixture;
  const dirs: Record<string, string> = {};
  const runs: Record<string, RunResult> = {};
  beforeAll(async () => {
    fixture = await coreFixture('blueberry_yield', { quick: true });
    for (const choice of ['1', '3'] as const) {
      dirs[choice] = fixture.dir(`option-${choice}`);
      runs[choice] = await fixture.core.run(fixture.plan, choice, { outDir: dirs[choice] });
      expect(runs[choice]?.artifacts.oofPredictions).toBeTruthy();
    }
  }, 120_000);
  afterAll(() => fixture.close());

  it('weights sum to 1 and the blend scores at least as well as the better member (within 2%)', {
    timeout: 60_000,
  }, async () => {
    const result = await fixture.core.blend(
      fixture.plan,
      [
        { label: '#1', dir: dirs['1']! },
        { label: '#3', dir: dirs['3']! },
      ],
      { outDir: fixture.dir('blend') },
    );
    expect(result.ok, result.error ?? '').toBe(true);
    expect(result.kind).toBe('blend');
    expect(result.choice).toBeNull();
    const members = result.blend?.members ?? [];
    expect(members.map((m) => m.label)).toEqual(['#1', '#3']);
    expect(members.every((m) => m.weight >= 0)).toBe(true);
    expect(members.reduce((sum, m) => sum + m.weight, 0)).toBeCloseTo(1, 3);
    expect(members.map((m) => m.score)).toEqual([runs['1']?.score, runs['3']?.score]);
    expect(result.change).toMatch(/^weights: #/);
    const best = Math.min(runs['1']!.score!, runs['3']!.score!);
    console.info(
      `blueberry_yield mae: #1 ${runs['1']?.score}, #3 ${runs['3']?.score}, blend ${result.score} (${result.change})`,
    );
    expect(result.score!).toBeLessThanOrEqual(best * 1.02);
    const saved = runResultSchema.parse(JSON.parse(await readFile(result.artifacts.result!, 'utf8')));
    expect(saved.blend?.members).toEqual(members);
    expect(result.artifacts.submission).toBeTruthy();
    expect(result.artifacts.chart).toBeTruthy();
    expect(await readFile(result.artifacts.code, 'utf8')).toContain('weights: #');
  });

  it('refuses with fewer than two runs that have prediction files, saying which and why', {
    timeout: 30_000,
  }, async () => {
    const broken = fixture.dir('no-predictions');
    await rm(broken, { recursive: true, force: true });
    const attempt = fixture.core.blend(
      fixture.plan,
      [
        { label: '#1', dir: dirs['1']! },
        { label: '#9', dir: broken },
      ],
      { outDir: fixture.dir('blend-refused') },
    );
    await expect(attempt).rejects.toBeInstanceOf(LinguacodusError);
    await expect(attempt).rejects.toThrow(/at least 2 finished runs.*#9/);
  });
});
