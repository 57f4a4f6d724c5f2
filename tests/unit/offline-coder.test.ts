// The offline coder: stage code commented with the instruction steps it implements, integration, and rule-based repair.
import { describe, expect, it } from 'vitest';
import type { StageContext } from '../../core/engine.ts';
import { OfflineCoder, planRepair, recipeOfScript } from '../../core/offline/offline-coder.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { type DataProfile, type Instruction, STAGES, type TaskSpec } from '../../core/types.ts';
import { bankChurn, housing, smsSpam, wine } from '../helpers/offline-profiles.ts';

// Unformatted (black runs as a process, and unit tests start none): the code is the same otherwise.
const coder = new OfflineCoder({ format: false });

async function contextFor(task: TaskSpec, profile: DataProfile, rank = 1): Promise<StageContext> {
  const instructions = await new OfflineInstructor().instructions(task, profile);
  const instruction = instructions[rank - 1] as Instruction;
  return { task, profile, instruction, previous: [] };
}

async function script(context: StageContext): Promise<string> {
  const previous: StageContext['previous'] = [];
  for (const stage of STAGES)
    previous.push({ stage, code: await coder.writeStage(stage, { ...context, previous }) });
  return coder.integrate({ ...context, previous });
}

describe('offline coder stages', () => {
  it('comments each block with the instruction step it implements', async () => {
    const context = await contextFor(bankChurn().task, bankChurn().profile, 3);
    const preprocessing = await coder.writeStage('preprocessing', context);
    expect(preprocessing).toMatch(/# Step: Drop id and unused columns `RowNumber` and `CustomerId`/);
    expect(preprocessing).toMatch(
      /# Step: Encoders fitted inside each CV fold[\s\S]*one-hot encoding of `Surname`/,
    );
    expect(preprocessing).toContain('CATEGORICAL = ["Surname", "Geography", "Gender"]');
    const architecture = await coder.writeStage('architecture', context);
    expect(architecture).toMatch(/# Step: Logistic regression with L2 regularisation/);
    const submission = await coder.writeStage('submission', context);
    expect(submission).toMatch(/# Step: Write `submission.csv` with the columns `RowNumber` and `Exited`/);
    expect(submission).toContain('submission = pd.DataFrame({TARGETS[0]: test_prediction})');
  });

  it('uses the model-written step text when an instruction without a recipe describes the same thing', async () => {
    const base = await contextFor(bankChurn().task, bankChurn().profile);
    const instruction: Instruction = {
      ...base.instruction,
      recipe: null,
      dataPreprocessing: ['Drop the id columns RowNumber and CustomerId from the features before training.'],
      modelArchitecture: ['Use a random forest classifier with 300 trees.'],
    };
    const code = await coder.writeStage('preprocessing', { ...base, instruction });
    expect(code).toContain('# Step: Drop the id columns RowNumber and CustomerId from the features');
    expect(code).toContain('"random-forest"');
  });

  it('integrates stages into one script with each import once, at the top, and the recipe marker first', async () => {
    const code = await script(await contextFor(housing().task, housing().profile));
    const lines = code.split('\n');
    expect(lines[0]).toMatch(/^# linguacodus-recipe: \{"id":"gbdt"/);
    const firstCode = lines.findIndex(
      (l) => l !== '' && !l.startsWith('#') && !/^(import|from) /.test(l) && !/^\s/.test(l) && l !== ')',
    );
    const lastImport = lines.reduce((last, l, i) => (/^(import|from) \S/.test(l) ? i : last), -1);
    expect(lastImport).toBeLessThan(firstCode);
    expect(lines.filter((l) => l === 'import numpy as np')).toHaveLength(1);
    for (const stage of ['Stage 1/4', 'Stage 2/4', 'Stage 3/4', 'Stage 4/4']) expect(code).toContain(stage);
  });
});

describe('offline repair', () => {
  it('switches to HistGradientBoosting when xgboost fails', async () => {
    const context = await contextFor(bankChurn().task, bankChurn().profile);
    const broken = await script(context);
    const fixed = await coder.repair(broken, "ModuleNotFoundError: No module named 'xgboost'", context);
    expect(fixed).toMatch(/^# Repair: xgboost failed: use HistGradientBoosting\./);
    expect(recipeOfScript(fixed)).toMatchObject({ id: 'gbdt', params: { engine: 'hgb' } });
    expect(fixed).toContain('HistGradientBoostingClassifier(max_iter=ROUNDS');
    expect(fixed).not.toContain('import xgboost');
    expect(fixed).not.toContain('from xgboost');
  });

  it('lightens the recipe after running out of memory or time, then falls back to linear', async () => {
    const context = await contextFor(smsSpam().task, smsSpam().profile, 2);
    const current = recipeOfScript(await script(context));
    if (!current) throw new Error('offline script without a recipe marker');
    const light = planRepair(current, 'MemoryError', context);
    expect(light.recipe.params).toMatchObject({ light: true, charNgrams: false });
    const again = planRepair(light.recipe, 'the run timed out after 300 s', context);
    expect(again.recipe).toMatchObject({ id: 'tfidf-linear', params: { light: true } });
  });

  it('regenerates from the templates for a submission check failure and uses the safer recipe for other errors', async () => {
    const context = await contextFor(housing().task, housing().profile);
    const current = recipeOfScript(await script(context));
    if (!current) throw new Error('offline script without a recipe marker');
    const problem = 'The script finished but its submission is not valid: missing column median_house_value';
    expect(planRepair(current, problem, context).recipe).toEqual(current);
    // The same submission failure after a regeneration: the template itself is at fault, so change recipe.
    const fixed = await coder.repair(await script(context), problem, context);
    const again = await coder.repair(fixed, problem, context);
    expect(again).toMatch(/^# Repair: gbdt failed: regenerate with the safer linear recipe\./);
    const safer = planRepair(current, 'Traceback ...\nValueError: Input contains NaN', context);
    expect(safer.recipe).toMatchObject({ id: 'linear', params: { light: true } });
  });

  it('repairs model-written code (no marker) from the instruction it was written for', async () => {
    const context = await contextFor(wine().task, wine().profile);
    const fixed = await coder.repair(
      'import pandas as pd\nraise SystemExit(1)',
      'KeyError: quality_score',
      context,
    );
    expect(recipeOfScript(fixed)?.id).toBe('linear');
    expect(fixed).toContain('submission.to_csv("submission.csv", index=False)');
  });
});
