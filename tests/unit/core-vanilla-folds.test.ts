// The vanilla control's folds hold rows out the way the task does: its out-of-fold predictions go into blends, and a
// shuffled k-fold on a time-ordered or grouped task leaks (measured on air_quality: own CV RMSE 35.6 against 67-79
// for honest folds, and a blend that gave the vanilla run all the weight).
import { describe, expect, it } from 'vitest';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { vanillaInstruction } from '../../core/offline/vanilla-template.ts';
import type { DataProfile, TaskSpec } from '../../core/types.ts';
import { bankChurn, minTemperature, studentSummaries } from '../helpers/offline-profiles.ts';

// Unformatted (black runs as a process, and unit tests start none): the code is the same otherwise.
const coder = new OfflineCoder({ format: false });
const vanilla = (fixture: { task: TaskSpec; profile: DataProfile }) =>
  coder.integrate({
    task: fixture.task,
    profile: fixture.profile,
    instruction: vanillaInstruction(fixture.task, fixture.profile),
    previous: [],
  });

describe('the vanilla control’s folds', () => {
  it('are time-ordered when the task holds out a later period', async () => {
    const code = await vanilla(minTemperature());
    expect(code).toContain('splits = TimeSeriesSplit(n_splits=FOLDS).split(X)');
    expect(code).not.toMatch(/\bKFold\(/);
  });

  it('keep each group in one fold when the task holds out unseen groups', async () => {
    const code = await vanilla(studentSummaries());
    expect(code).toContain('groups = train["prompt_id"].astype(str).to_numpy()');
    expect(code).toContain('splits = GroupKFold(n_splits=FOLDS).split(X, groups=groups)');
  });

  it('stay a shuffled k-fold on a plain random split', async () => {
    const code = await vanilla(bankChurn());
    expect(code).toContain(
      'splits = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(X, y)',
    );
    expect(code).not.toMatch(/TimeSeriesSplit|GroupKFold/);
  });
});
