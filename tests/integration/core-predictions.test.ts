// Every offline recipe and the vanilla control write the harness contract's prediction files (out-of-fold scores on
// train.csv's rows, scores for test.csv's rows), print their folds, draw their importance chart, and the run keeps
// them beside result.json. Real sandbox, real suite data, quick mode.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Choice } from '../../core/types.ts';
import { type CoreFixture, coreFixture, expectPredictionFiles } from '../helpers/core-runs.ts';

describe('prediction files of every offline recipe (titanic, quick)', () => {
  let fixture: CoreFixture;
  beforeAll(async () => {
    fixture = await coreFixture('titanic', { quick: true });
  });
  afterAll(() => fixture.close());

  // The random forest's files are checked by the blend test (blueberry_yield's option 1), to keep this file short.
  for (const choice of ['1', '3', 'vanilla'] as Choice[]) {
    it(`choice ${choice}`, { timeout: 60_000 }, async () => {
      const result = await fixture.core.run(fixture.plan, choice, { outDir: fixture.dir(choice) });
      expect(result.kind).toBe(choice === 'vanilla' ? 'vanilla' : 'option');
      console.info(`titanic ${choice}: ${fixture.plan.task.metric} ${result.score} (cv ${result.cvScore})`);
      await expectPredictionFiles(fixture, result);
      if (choice === 'vanilla') {
        const log = await readFile(result.artifacts.log!, 'utf8');
        expect(log).toContain('choice vanilla: Vanilla control: the task alone');
        expect(result.code).toContain('RandomForestClassifier(n_estimators=TREES');
      }
    });
  }
});
