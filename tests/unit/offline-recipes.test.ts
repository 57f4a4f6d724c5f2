import { describe, expect, it } from 'vitest';
import { FOREST_TREE_BUDGET, foldCount, modelSettings } from '../../core/offline/model-settings.ts';
import {
  parseRecipe,
  rankRecipes,
  recipeFromInstruction,
  saferRecipe,
  wantsLogTarget,
} from '../../core/offline/recipes.ts';
import type { Instruction } from '../../core/types.ts';
import {
  bankChurn,
  housing,
  minTemperature,
  smsSpam,
  studentSummaries,
} from '../helpers/offline-profiles.ts';

function llmInstruction(architecture: string[], training: string[] = []): Instruction {
  return {
    rank: 1,
    title: 'Model-written plan',
    dataPreprocessing: ['Fill missing values'],
    modelArchitecture: architecture,
    modelTraining: training,
    submission: ['Write submission.csv'],
    recipe: null,
  };
}

describe('offline recipe ranking', () => {
  it('puts gradient boosting first on a large mixed table, then the forest, then a linear model', () => {
    const { task, profile } = bankChurn();
    expect(rankRecipes(task, profile).map((r) => r.recipe.id)).toEqual(['gbdt', 'random-forest', 'linear']);
  });

  it('prefers the forest on a small table, where boosting has high variance', () => {
    const { task, profile } = housing(600);
    expect(rankRecipes(task, profile)[0]?.recipe.id).toBe('random-forest');
  });

  it('ranks TF-IDF with a linear model first for text and gives the tree options SVD text features', () => {
    const { task, profile } = smsSpam();
    const ranked = rankRecipes(task, profile);
    expect(ranked[0]?.recipe.id).toBe('tfidf-linear');
    expect(ranked.slice(1).every((r) => r.recipe.params.textSvd > 0)).toBe(true);
  });

  it('marks every time-series recipe so lags and time-ordered folds are used', () => {
    const { task, profile } = minTemperature();
    const ranked = rankRecipes(task, profile);
    expect(ranked.map((r) => r.recipe.id)).toEqual(['gbdt', 'linear', 'random-forest']);
    expect(ranked.every((r) => r.recipe.params.timeSeries)).toBe(true);
  });

  it('fits on log1p for rmsle and for a linear model on a skewed positive target only', () => {
    const { task, profile } = housing();
    expect(wantsLogTarget(task, profile, 'linear')).toBe(true);
    expect(wantsLogTarget(task, profile, 'gbdt')).toBe(false);
    expect(wantsLogTarget({ ...task, metric: 'rmsle' }, profile, 'gbdt')).toBe(true);
    const churn = bankChurn();
    expect(wantsLogTarget(churn.task, churn.profile, 'linear')).toBe(false);
  });
});

describe('recipe from a model-written instruction', () => {
  const tab = bankChurn();
  const text = smsSpam();
  it.each([
    [['Use a LightGBM classifier with 1000 trees'], 'gbdt'],
    [['XGBoost with early stopping'], 'gbdt'],
    [['CatBoost on the categoricals'], 'gbdt'],
    [['A Random Forest with 500 trees'], 'random-forest'],
    [['Logistic regression with L2 penalty'], 'linear'],
    [['Lasso regression'], 'linear'],
  ])('maps %s to %s', (architecture, id) => {
    expect(recipeFromInstruction(llmInstruction(architecture), tab.task, tab.profile).id).toBe(id);
  });

  it('maps BERT or TF-IDF on a text task to the TF-IDF linear recipe, and boosting on text to trees with SVD', () => {
    expect(
      recipeFromInstruction(llmInstruction(['Fine-tune BERT on the text']), text.task, text.profile).id,
    ).toBe('tfidf-linear');
    const boosted = recipeFromInstruction(
      llmInstruction(['XGBoost on TF-IDF features']),
      text.task,
      text.profile,
    );
    expect(boosted.id).toBe('gbdt');
    expect(boosted.params.textSvd).toBeGreaterThan(0);
  });

  it('falls back to the profile ranking when no model is named', () => {
    expect(recipeFromInstruction(llmInstruction(['A good model']), tab.task, tab.profile).id).toBe('gbdt');
  });

  it('reads the recipe when the instruction carries one, blends included', () => {
    const blend = parseRecipe({
      id: 'blend',
      params: {
        parts: [
          { id: 'gbdt', params: {} },
          { id: 'linear', params: { alpha: 2 } },
        ],
        weights: [0.6, 0.4],
      },
    });
    expect(blend.params.parts?.map((p) => p.id)).toEqual(['gbdt', 'linear']);
    expect(blend.params.parts?.[1]?.params.alpha).toBe(2);
    expect(blend.params.weights).toEqual([0.6, 0.4]);
    expect(() => parseRecipe({ id: 'neural-net', params: {} })).toThrow();
  });

  it('falls back to a light linear recipe (TF-IDF for text) after failures', () => {
    expect(saferRecipe(tab.task, tab.profile)).toMatchObject({ id: 'linear', params: { light: true } });
    expect(saferRecipe(text.task, text.profile).id).toBe('tfidf-linear');
  });
});

describe('offline forest size', () => {
  it('caps the forest so that trees x folds x targets stay within the time budget, tuned counts included', () => {
    // student_summaries: 2 targets x 5 group folds of 300 deep trees on SVD text features took 324 s in the bench.
    const { task, profile } = studentSummaries();
    const forest = rankRecipes(task, profile).find((r) => r.recipe.id === 'random-forest')?.recipe;
    if (!forest) throw new Error('no forest option');
    const fits = foldCount(forest.params, profile) * task.targets.length;
    const [settings] = modelSettings(forest, profile);
    expect(fits).toBe(10);
    expect((settings?.nEstimators ?? 0) * fits).toBeLessThanOrEqual(FOREST_TREE_BUDGET);
    expect(settings?.minSamplesLeaf).toBe(3);
    const tuned = { ...forest, params: { ...forest.params, nEstimators: 500 } };
    expect((modelSettings(tuned, profile)[0]?.nEstimators ?? 0) * fits).toBeLessThanOrEqual(
      FOREST_TREE_BUDGET,
    );
    // A single-target table keeps its 300 trees.
    const churn = bankChurn();
    const churnForest = rankRecipes(churn.task, churn.profile)[1]?.recipe;
    expect(churnForest?.id).toBe('random-forest');
    expect(modelSettings(churnForest ?? forest, churn.profile)[0]?.nEstimators).toBe(300);
  });
});
