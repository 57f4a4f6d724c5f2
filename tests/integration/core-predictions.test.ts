// Every offline recipe and the vanilla control write the harness contract's prediction files (out-of-fold scores on
// train.csv's rows, scores for test.csv's rows), print their folds, draw their importance chart, and the run keeps
// them beside result.json. Real sandbox, real suite data, quick mode.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictionColumns } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, parseCsvBytes } from '../../core/intake/index.ts';
import { type Choice, type RunResult, runResultSchema } from '../../core/types.ts';
import { type CoreFixture, coreFixture } from '../helpers/core-runs.ts';

async function expectPredictionFiles(fixture: CoreFixture, result: RunResult): Promise<void> {
  const { task, profile } = fixture.plan;
  expect(result.ok, result.error ?? '').toBe(true);
  const log = await readFile(result.artifacts.log!, 'utf8');
  expect(log).toContain('prediction files kept for blending');
  expect(result.attempts.at(-1)?.stdoutTail).toMatch(/fold 3 of 3/);
  for (const path of [result.artifacts.oofPredictions, result.artifacts.testPredictions]) {
    expect(path).toBeTruthy();
    const table = parseCsvBytes(await readFile(path!), 'predictions.csv', DEFAULT_INTAKE_LIMITS);
    expect(table.columns).toEqual(predictionColumns(task, profile));
    const values = table.rows.flatMap((row) => row.slice(1)).filter((v) => v !== null && v !== '');
    expect(values.length).toBeGreaterThan(0);
    if (profile.target.type === 'binary' || profile.target.type === 'multiclass') {
      expect(values.every((v) => Number(v) >= 0 && Number(v) <= 1)).toBe(true);
    }
  }
  expect(result.artifacts.importanceChart).toMatch(/importance\.png$/);
  expect(result.artifacts.chart).toMatch(/chart\.png$/);
  const saved = runResultSchema.parse(JSON.parse(await readFile(result.artifacts.result!, 'utf8')));
  expect(saved.score).toBe(result.score);
}

describe('prediction files of every offline recipe (titanic, quick)', () => {
  let fixture: CoreFixture;
  beforeAll(async () => {
    fixture = await coreFixture('titanic', { quick: true });
  });
  afterAll(() => fixture.close());

  for (const choice of ['1', '2', '3', 'vanilla'] as Choice[]) {
    it(`choice ${choice}`, { timeout: 60_000 }, async () => {
      const result = await fixture.core.run(fixture.plan, choice, { outDir: fixture.dir(choice) });
      expect(result.kind).toBe(choice === 'vanilla' ? 'vanilla' : 'option');
      console.info(`titanic ${choice}: ${fixture.plan.task.metric} ${result.score} (cv ${result.cvScore})`);
      await expectPredictionFiles(fixture, result);
    });
  }
});

describe('prediction files for multiclass and text (quick)', () => {
  it('wine_quality: one probability column per class', { timeout: 60_000 }, async () => {
    const fixture = await coreFixture('wine_quality', { quick: true });
    try {
      const result = await fixture.core.run(fixture.plan, '1', { outDir: fixture.dir('wine') });
      await expectPredictionFiles(fixture, result);
    } finally {
      await fixture.close();
    }
  });

  it('sms_spam: TF-IDF recipe and the vanilla control', { timeout: 90_000 }, async () => {
    const fixture = await coreFixture('sms_spam', { quick: true });
    try {
      for (const choice of ['1', 'vanilla'] as Choice[]) {
        const result = await fixture.core.run(fixture.plan, choice, { outDir: fixture.dir(choice) });
        console.info(`sms_spam ${choice}: ${result.score}`);
        await expectPredictionFiles(fixture, result);
      }
    } finally {
      await fixture.close();
    }
  });
});
