// The offline engine end to end on text, multi-target and time-series suite tasks, run as the product runs them.
import { describe, expect, it } from 'vitest';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { expectValidAndBetter, prepareSuiteTask, solveWithOffline } from '../helpers/offline-task-runner.ts';

const instructor = new OfflineInstructor();

describe('offline engine on text and time-series suite tasks (quick mode)', () => {
  it('sms_spam: TF-IDF with logistic regression ranks spam above ham', { timeout: 120_000 }, async () => {
    const prepared = await prepareSuiteTask('sms_spam');
    const [first] = await instructor.instructions(prepared.task, prepared.profile);
    if (!first) throw new Error('no instruction');
    expect(first.recipe?.id).toBe('tfidf-linear');
    expectValidAndBetter(prepared, await solveWithOffline(prepared, first, { quick: true }));
  });

  it('student_summaries: two targets (mcrmse) with group folds by prompt beat the per-target means', {
    timeout: 120_000,
  }, async () => {
    const prepared = await prepareSuiteTask('student_summaries');
    const [first] = await instructor.instructions(prepared.task, prepared.profile);
    if (!first) throw new Error('no instruction');
    const solved = await solveWithOffline(prepared, first, { quick: true });
    expectValidAndBetter(prepared, solved);
    expect(solved.result.code).toContain('splits = GroupKFold(n_splits=FOLDS).split(X, groups=groups)');
    expect(solved.result.code).toContain('groups = train["prompt_id"]');
  });

  it('min_temperature: calendar and horizon-safe lag features forecast the final days better than the mean', {
    timeout: 120_000,
  }, async () => {
    const prepared = await prepareSuiteTask('min_temperature');
    const instructions = await instructor.instructions(prepared.task, prepared.profile);
    for (const instruction of instructions.slice(0, 2)) {
      const solved = await solveWithOffline(prepared, instruction, { quick: true });
      expectValidAndBetter(prepared, solved);
      // Lags shifted by the number of rows to forecast: every test row's lag lies in the training part.
      expect(solved.result.code).toContain('.shift(max(len(test), 1))');
    }
  });
});
