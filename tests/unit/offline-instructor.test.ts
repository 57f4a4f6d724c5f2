import { describe, expect, it } from 'vitest';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { instructionSchema } from '../../core/types.ts';
import { bankChurn, housing, minTemperature, smsSpam, wine } from '../helpers/offline-profiles.ts';

const instructor = new OfflineInstructor();

describe('offline instructor', () => {
  it('returns three valid instructions ranked 1 to 3, each with a recipe and every section filled', async () => {
    const { task, profile } = bankChurn();
    const instructions = await instructor.instructions(task, profile);
    expect(instructions.map((i) => i.rank)).toEqual([1, 2, 3]);
    for (const instruction of instructions) {
      expect(() => instructionSchema.parse(instruction)).not.toThrow();
      expect(instruction.recipe).not.toBeNull();
      for (const section of [
        'dataPreprocessing',
        'modelArchitecture',
        'modelTraining',
        'submission',
      ] as const) {
        expect(instruction[section].length).toBeGreaterThan(0);
      }
    }
  });

  it('names the actual columns: ids dropped, categoricals one-hot encoded for the linear option', async () => {
    const { task, profile } = bankChurn();
    const [gbdt, , linear] = await instructor.instructions(task, profile);
    const prep = linear?.dataPreprocessing.join('\n') ?? '';
    expect(prep).toMatch(/Drop id and unused columns `RowNumber` and `CustomerId`/);
    expect(prep).toMatch(/one-hot encoding of `Surname`, `Geography` and `Gender`/);
    expect(gbdt?.dataPreprocessing.join('\n')).toMatch(
      /ordinal codes for `Surname`, `Geography` and `Gender`/,
    );
    expect(gbdt?.dataPreprocessing.join('\n')).toMatch(
      /High-cardinality `Surname` also gets a frequency-count/,
    );
  });

  it('states the model, its settings, the metric, the CV scheme and the submission columns', async () => {
    const { task, profile } = bankChurn();
    const [gbdt] = await instructor.instructions(task, profile);
    expect(gbdt?.title).toBe('XGBoost classifier with stratified 5-fold CV on roc-auc');
    expect(gbdt?.modelArchitecture.join(' ')).toMatch(/learning rate 0\.05.*early stopping after 100 rounds/);
    expect(gbdt?.modelTraining.join(' ')).toMatch(/stratified 5-fold CV/);
    expect(gbdt?.submission.join(' ')).toMatch(/columns `RowNumber` and `Exited`.*probability/);
  });

  it('describes the log target, missing columns and regression CV for a skewed regression', async () => {
    const { task, profile } = housing();
    const linear = (await instructor.instructions(task, profile))[2];
    expect(linear?.modelArchitecture.join(' ')).toMatch(/Ridge regression.*log1p/);
    expect(linear?.dataPreprocessing.join(' ')).toMatch(/missing in `total_bedrooms`/);
    expect(linear?.title).toBe('Ridge regression with 3-fold CV on rmse');
  });

  it('plans TF-IDF n-grams for text and horizon-safe lags for a time series', async () => {
    const text = await instructor.instructions(smsSpam().task, smsSpam().profile);
    expect(text[0]?.dataPreprocessing.join(' ')).toMatch(
      /TF-IDF of `text`: word 1-2-grams and character 2-5-grams/,
    );
    const series = await instructor.instructions(minTemperature().task, minTemperature().profile);
    const prep = series[0]?.dataPreprocessing.join(' ') ?? '';
    expect(prep).toMatch(/Parse the date column\(s\) `Date`/);
    expect(prep).toMatch(
      /lag and rolling-mean features of `Temp` shifted by at least the length of the forecast period/,
    );
    expect(series[0]?.title).toMatch(/time-ordered/);
  });

  it('writes one probability column per class for a multiclass probability metric', async () => {
    const { task, profile } = wine('log-loss');
    const [first] = await instructor.instructions(task, profile);
    expect(first?.submission.join(' ')).toMatch(
      /`row_id`, `6`, `5`, `7`, `8`, `4`, `3` and `9`.*one probability column per class/,
    );
  });
});
