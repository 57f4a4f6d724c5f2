import { describe, expect, it } from 'vitest';
import {
  OfflineCritic,
  quickMinorityRows,
  rankByEvidence,
  relativeGap,
  unreliableEvidence,
} from '../../core/offline/offline-critic.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { parseRecipe } from '../../core/offline/recipes.ts';
import type { DataProfile, Evidence, TaskSpec } from '../../core/types.ts';
import { bankChurn, cardFraud, housing, smsSpam } from '../helpers/offline-profiles.ts';

const critic = new OfflineCritic();
const instructor = new OfflineInstructor();

function evidence(scores: (number | null)[]): Evidence[] {
  return scores.map((cvScore, i) => ({
    rank: i + 1,
    title: `option ${i + 1}`,
    cvScore,
    seconds: 3.2,
    ...(cvScore === null ? { error: 'ValueError: could not convert string to float' } : {}),
  }));
}

async function input(task: TaskSpec, profile: DataProfile, scores: (number | null)[]) {
  const instructions = await instructor.instructions(task, profile);
  return { task, profile, instructions, evidence: evidence(scores) };
}

describe('offline researcher (critique)', () => {
  it('names concrete weaknesses from the profile and cites each option’s evidence', async () => {
    const { task, profile } = housing();
    const text = await critic.critique(await input(task, profile, [52_000, 57_000, null]));
    expect(text).toMatch(/\*\*Option 1: XGBoost regressor/);
    expect(text).toMatch(/quick CV rmse = 52000/);
    expect(text).toMatch(/Option 3[\s\S]*failed the quick check: ValueError/);
    expect(text).toMatch(/A random forest .* cannot predict beyond the range/);
    expect(text).toMatch(/option 1 52000, option 2 57000/);
  });

  it('flags a skewed target for a linear model that cannot use a log transform', async () => {
    const { task, profile } = housing();
    const negative = {
      ...profile,
      columns: profile.columns.map((c) => (c.name === 'median_house_value' ? { ...c, min: -5 } : c)),
    };
    const text = await critic.critique(await input(task, negative, []));
    expect(text).toMatch(
      /Option 3[\s\S]*A linear model on a skewed target \(skewness 1\.6\) without a log transform/,
    );
    expect(text).toMatch(/No option has a cross-validation score yet/);
  });

  it('flags class imbalance (harmless for ROC AUC, not for accuracy) and high-cardinality categoricals', async () => {
    const { task, profile } = bankChurn();
    const imbalanced = {
      ...profile,
      target: {
        ...profile.target,
        classes: [
          { value: '0', count: 9500 },
          { value: '1', count: 500 },
        ],
      },
    };
    const auc = await critic.critique(await input(task, imbalanced, []));
    expect(auc).toMatch(/Class imbalance \(minority share 5\.0%\) is not reweighted; harmless for ROC AUC/);
    expect(auc).toMatch(/Ordinal codes for high-cardinality `Surname`/);
    const accuracy = await critic.critique(await input({ ...task, metric: 'accuracy' }, imbalanced, []));
    expect(accuracy).toMatch(/a 0\.5 threshold under-predicts the minority for accuracy/);
  });
});

describe('offline resolver', () => {
  it('chooses the lowest score for an error metric and the highest for ROC AUC', async () => {
    const reg = housing();
    const low = await critic.resolve({
      ...(await input(reg.task, reg.profile, [60_000, 50_000, 70_000])),
      critique: '',
    });
    expect(low.chose).toBe(2);
    const cls = bankChurn();
    const high = await critic.resolve({
      ...(await input(cls.task, cls.profile, [0.8, 0.7, 0.86])),
      critique: '',
    });
    expect(high.chose).toBe(3);
    expect(high.rationale).toMatch(/option 3 0\.86, option 1 0\.8, option 2 0\.7 \(higher is better\)/);
  });

  it('blends the two best when they are close, with the evidence in the rationale', async () => {
    const { task, profile } = housing();
    const decision = await critic.resolve({
      ...(await input(task, profile, [50_000, 50_800, 70_000])),
      critique: '',
    });
    expect(decision.chose).toBe(1);
    const recipe = parseRecipe(decision.instruction.recipe ?? { id: '', params: {} });
    expect(recipe.id).toBe('blend');
    expect(recipe.params.parts?.map((p) => p.id)).toEqual(['gbdt', 'random-forest']);
    expect(decision.instruction.rank).toBe(0);
    expect(decision.rationale).toMatch(/blend it with option 2/);
    expect(decision.instruction.modelTraining.join(' ')).toMatch(/Resolver's evidence/);
  });

  it('tunes the best option when the runner-up is far behind', async () => {
    const { task, profile } = bankChurn();
    const decision = await critic.resolve({
      ...(await input(task, profile, [0.87, 0.8, 0.75])),
      critique: '',
    });
    const recipe = parseRecipe(decision.instruction.recipe ?? { id: '', params: {} });
    expect(recipe).toMatchObject({
      id: 'gbdt',
      params: { learningRate: 0.03, nEstimators: 4000, maxDepth: 5 },
    });
    expect(decision.rationale).toMatch(/tune it/);
  });

  it('keeps the profile ranking when no option has a score, and says which failed', async () => {
    const { task, profile } = smsSpam();
    const decision = await critic.resolve({
      ...(await input(task, profile, [null, null, null])),
      critique: '',
    });
    expect(decision.chose).toBe(1);
    expect(decision.rationale).toMatch(/No option produced a cross-validation score/);
    expect(decision.rationale).toMatch(/option 1 and option 2 and option 3 failed/);
    expect(parseRecipe(decision.instruction.recipe ?? { id: '', params: {} }).id).toBe('tfidf-linear');
  });

  it('keeps the profile ranking when the quick sample has too few minority rows for its CV to mean anything', async () => {
    // card_fraud: 7 positives, near-perfect quick CV for every option; the evidence once picked the linear option
    // (holdout ROC AUC 0.68) over boosting (0.89).
    const { task, profile } = cardFraud();
    const scored = await input(task, profile, [0.9995, 0.9993, 1]);
    const critique = await critic.critique(scored);
    expect(critique).toMatch(/These scores are unreliable: .*only 7 rows of class "1"/);
    const decision = await critic.resolve({ ...scored, critique });
    expect(decision.chose).toBe(1);
    expect(decision.rationale).toMatch(
      /quick CV evidence \(option 3 1, option 1 0\.9995, option 2 0\.9993\) is unreliable/,
    );
    expect(decision.rationale).toMatch(/kept on the data profile's ranking/);
    const recipe = parseRecipe(decision.instruction.recipe ?? { id: '', params: {} });
    expect(recipe.id).toBe('gbdt');
    expect(decision.rationale).not.toMatch(/blend/);
  });

  it('counts the rarest class as the quick sample sees it: rare classes whole, common ones thinned', () => {
    expect(quickMinorityRows(cardFraud(150, 100_000).profile)).toEqual({ value: '1', rows: 150 });
    expect(quickMinorityRows(cardFraud(5000, 100_000).profile)).toEqual({ value: '1', rows: 150 });
    expect(quickMinorityRows(housing().profile)).toBeNull();
    expect(unreliableEvidence(cardFraud(19).task, cardFraud(19).profile)).toMatch(/only 19 rows/);
    expect(unreliableEvidence(cardFraud(20).task, cardFraud(20).profile)).toBeNull();
    expect(unreliableEvidence(bankChurn().task, bankChurn().profile)).toBeNull();
  });

  it('measures closeness on the remaining error for bounded metrics', () => {
    const { task } = bankChurn();
    expect(relativeGap(task, 0.9, 0.89)).toBeCloseTo(0.1);
    const reg = housing().task;
    expect(relativeGap(reg, 100, 103)).toBeCloseTo(0.03);
    expect(rankByEvidence(reg, evidence([3, null, 1])).map((e) => e.rank)).toEqual([3, 1]);
  });
});
