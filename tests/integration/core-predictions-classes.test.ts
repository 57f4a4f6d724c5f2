// Prediction files for a multiclass task (one probability column per class) and a text task (the TF-IDF recipe and
// the vanilla control's TF-IDF model). Real sandbox, real suite data, quick mode.
import { describe, it } from 'vitest';
import type { Choice } from '../../core/types.ts';
import { coreFixture, expectPredictionFiles } from '../helpers/core-runs.ts';

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
