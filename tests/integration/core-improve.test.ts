// Improve with the offline engine: a finished run of a suite task, one improvement step (its change said in a line),
// then an improvement of the improved run (chains work), each scored by the harness with its own prediction files.
// Real sandbox, real suite data, quick mode.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError, type RunResult } from '../../core/index.ts';
import { type CoreFixture, coreFixture } from '../helpers/core-runs.ts';

describe('offline improve (blueberry_yield, quick)', () => {
  let fixture: CoreFixture;
  let parentDir: string;
  let parent: RunResult;
  beforeAll(async () => {
    fixture = await coreFixture('blueberry_yield', { quick: true });
    parentDir = fixture.dir('option-1');
    parent = await fixture.core.run(fixture.plan, '1', { outDir: parentDir });
    expect(parent.ok, parent.error ?? '').toBe(true);
  }, 90_000);
  afterAll(() => fixture.close());

  it('improves a run, then the improved run, each with a change line and a score', {
    timeout: 150_000,
  }, async () => {
    const firstDir = fixture.dir('improve-1');
    const first = await fixture.core.improve(fixture.plan, { dir: parentDir }, { outDir: firstDir });
    expect(first.ok, first.error ?? '').toBe(true);
    expect(first.kind).toBe('improve');
    expect(first.choice).toBe('1');
    expect(first.change).toMatch(
      /^model: blend the random forest regressor with a XGBoost regressor, .*out-of-fold/,
    );
    expect(first.attempts.at(-1)?.stdoutTail).toMatch(/blend weights fitted out of fold/);
    expect(first.score).not.toBeNull();
    expect(first.artifacts.oofPredictions).toBeTruthy();
    expect(await readFile(first.artifacts.log!, 'utf8')).toContain(`change: ${first.change}`);

    const second = await fixture.core.improve(
      fixture.plan,
      { dir: firstDir },
      { outDir: fixture.dir('improve-2') },
    );
    expect(second.ok, second.error ?? '').toBe(true);
    expect(second.kind).toBe('improve');
    expect(second.change).toMatch(/^model: add a ridge regression as a third model family/);
    console.info(
      `blueberry_yield mae: option 1 ${parent.score}, improved ${first.score} (${first.change}), again ${second.score} (${second.change})`,
    );
  });

  it('refuses a folder without a result', { timeout: 10_000 }, async () => {
    await expect(fixture.core.improve(fixture.plan, { dir: fixture.dir('nothing') })).rejects.toBeInstanceOf(
      LinguacodusError,
    );
  });
});
