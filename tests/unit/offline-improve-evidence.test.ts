// The offline Improve step reads what the parent's run showed (issue 23): a skewed, never negative target gets the
// log scale; folds that spread widely get regularised models; a steady run on a symmetric target takes the ladder's
// next family. Each change line says what was seen.
import { describe, expect, it } from 'vitest';
import { foldScoresOf, offlineImprovement } from '../../core/offline/offline-improve.ts';
import { instructionForRecipe } from '../../core/offline/offline-instructor.ts';
import { rankRecipes } from '../../core/offline/recipes.ts';
import { bankChurn, housing } from '../helpers/offline-profiles.ts';

describe('offline improve reads the parent run', () => {
  it('reads fold scores from a script output', () => {
    expect(
      foldScoresOf('fold 1 of 3: rmse = 1.5\nfold 2 of 3: rmse = 2.25\nnoise\nfold 3 of 3: rmse = 1e-3\n'),
    ).toEqual([1.5, 2.25, 0.001]);
  });

  it('a right-skewed, never negative target: log1p of the target, said in the change', () => {
    const { task, profile } = housing();
    const first = instructionForRecipe(task, profile, rankRecipes(task, profile)[0]!.recipe, 0);
    const step = offlineImprovement('', first, task, profile, {
      foldScores: [1, 1, 1],
      higherIsBetter: false,
    });
    expect(step.change).toMatch(
      /^target: median_house_value is right-skewed \(skew 1.6\) and never negative/,
    );
    expect(step.recipe.params.logTarget).toBe(true);
    // Once along a line: the improved run's next step is the ladder's.
    const again = offlineImprovement('', instructionForRecipe(task, profile, step.recipe, 0), task, profile, {
      foldScores: [1, 1, 1],
      higherIsBetter: false,
    });
    expect(again.change).toMatch(/^model: blend/);
    // Without the parent's evidence: the ladder (a second family).
    expect(offlineImprovement('', first, task, profile).change).toMatch(/^model: blend/);
  });

  it('folds that spread widely: regularised models; steady folds: the ladder', () => {
    const { task, profile } = bankChurn();
    const first = instructionForRecipe(task, profile, rankRecipes(task, profile)[0]!.recipe, 0);
    const wide = offlineImprovement('', first, task, profile, {
      foldScores: [0.81, 0.9, 0.86],
      higherIsBetter: true,
    });
    expect(wide.change).toMatch(/^regularise: the 3 folds' roc-auc spread widely/);
    expect(wide.recipe.params.maxDepth).toBe(4);
    const steady = offlineImprovement('', first, task, profile, {
      foldScores: [0.86, 0.861, 0.859],
      higherIsBetter: true,
    });
    expect(steady.change).toMatch(/^model: blend/);
  });
});
