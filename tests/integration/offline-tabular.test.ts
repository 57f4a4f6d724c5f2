// The offline engine end to end on real tabular suite tasks: instructions, staged code, the product's run (sandbox,
// harness, score).
import { describe, expect, it } from 'vitest';
import { RARE_CLASS_ROWS } from '../../core/offline/model-settings.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { expectValidAndBetter, prepareSuiteTask, solveWithOffline } from '../helpers/offline-task-runner.ts';

const instructor = new OfflineInstructor();

describe('offline engine on tabular suite tasks (quick mode)', () => {
  it('bank_churn: gradient boosting predicts churn probabilities with ROC AUC above chance', {
    timeout: 120_000,
  }, async () => {
    const prepared = await prepareSuiteTask('bank_churn');
    const [first] = await instructor.instructions(prepared.task, prepared.profile);
    if (!first) throw new Error('no instruction');
    expect(first.recipe?.id).toBe('gbdt');
    expectValidAndBetter(prepared, await solveWithOffline(prepared, first, { quick: true }));
  });

  it('california_housing: the linear option (one-hot, scaling, log target) beats the mean on RMSE', {
    timeout: 120_000,
  }, async () => {
    const prepared = await prepareSuiteTask('california_housing');
    const linear = (await instructor.instructions(prepared.task, prepared.profile))[2];
    if (!linear) throw new Error('no instruction');
    expect(linear.recipe?.id).toBe('linear');
    expectValidAndBetter(prepared, await solveWithOffline(prepared, linear, { quick: true }));
  });

  it('wine_quality: multiclass labels with the original class values beat the majority class', {
    timeout: 120_000,
  }, async () => {
    const prepared = await prepareSuiteTask('wine_quality');
    const forest = (await instructor.instructions(prepared.task, prepared.profile))[1];
    if (!forest) throw new Error('no instruction');
    const solved = await solveWithOffline(prepared, forest, { quick: true });
    expectValidAndBetter(prepared, solved);
    // The quick sample keeps every row of a rare class (quality 3 and 9 have a few dozen rows at most): thinning them
    // further would leave the quick CV next to nothing to score them on.
    const sampled = /rows per class in the sample: \[([\d, ]+)\]/.exec(solved.run.stdout)?.[1];
    const perClass = (sampled ?? '').split(',').map(Number);
    const target = prepared.task.targets[0] ?? '';
    // The training part the harness gave the script.
    const train = solved.run.train;
    const column = train.columns.indexOf(target);
    const trainCounts = new Map<string, number>();
    for (const row of train.rows)
      trainCounts.set(String(row[column]), (trainCounts.get(String(row[column])) ?? 0) + 1);
    const sorted = [...trainCounts.entries()].sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(perClass).toHaveLength(sorted.length);
    sorted.forEach(([, count], i) => {
      if (count < RARE_CLASS_ROWS) expect(perClass[i]).toBe(count);
    });
    expect(sorted.some(([, count]) => count < RARE_CLASS_ROWS)).toBe(true);
    const labels = new Set(solved.run.submission?.rows.map((r) => r[1]));
    const known = new Set(prepared.profile.target.classes?.map((c) => c.value));
    expect([...labels].every((l) => known.has(String(l)))).toBe(true);
  });

  it('wine_quality with log loss: one probability column per class, better than the class prior', {
    timeout: 120_000,
  }, async () => {
    const base = await prepareSuiteTask('wine_quality');
    const prepared = { ...base, task: { ...base.task, metric: 'log-loss' as const } };
    const logistic = (await instructor.instructions(prepared.task, prepared.profile))[2];
    if (!logistic) throw new Error('no instruction');
    expect(logistic.recipe?.id).toBe('linear');
    const solved = await solveWithOffline(prepared, logistic, { quick: true });
    expectValidAndBetter(prepared, solved);
    const sums = solved.run.submission?.rows.map((r) => r.slice(1).reduce((s, v) => s + Number(v), 0)) ?? [];
    expect(sums.every((s) => Math.abs(s - 1) < 1e-3)).toBe(true);
  });

  it('titanic: binary labels for accuracy in full mode (5 folds, all trees)', {
    timeout: 180_000,
  }, async () => {
    const prepared = await prepareSuiteTask('titanic');
    const [first] = await instructor.instructions(prepared.task, prepared.profile);
    if (!first) throw new Error('no instruction');
    const solved = await solveWithOffline(prepared, first, { quick: false });
    expectValidAndBetter(prepared, solved);
    expect(solved.run.stdout).toContain('fold 5 of 5');
  });
});
