// The vanilla control (the paper's baseline, "the task alone"): the plain default model a coder writes when given
// only the task, as stages of vanilla-template.py plus the shared settings, target, metric and submission blocks.
//
// Why these models: asked for a solution with no instruction, a model (and most people) write scikit-learn's
// defaults: a random forest for a table (no tuning, median-imputed numeric columns, one-hot categoricals with few
// values), TF-IDF with logistic or ridge regression for text. It is kept honest, not weakened: 5-fold CV, the same
// harness contract, the same prediction files; what it lacks is what the instructions add (engineered features,
// boosting, early stopping, tuned settings).
import { join } from 'node:path';
import { CHART_FILE, CV_SCORE_FILE } from '../harness/index.ts';
import type { DataProfile, Instruction, StageName, TaskSpec } from '../types.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList, columnRoles } from './column-roles.ts';
import { metricBlock } from './model-template.ts';
import { vanillaSharedBlocks } from './preprocessing-template.ts';
import { py } from './python-literal.ts';
import { readPythonTemplate } from './python-template.ts';
import { parseRecipe } from './recipes.ts';
import { submissionBlocks } from './submission-template.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'vanilla-template.py'));

/** The recipe id the vanilla instruction carries (Instruction.recipe), read by the offline coder. */
export const VANILLA_RECIPE_ID = 'vanilla';
/** First line of a vanilla script's first stage. */
export const VANILLA_MARKER = '# linguacodus-vanilla';

/** Whether the vanilla control models text (TF-IDF + linear) rather than a table (random forest). */
export function vanillaModelsText(task: TaskSpec, profile: DataProfile): boolean {
  const roles = columnRoles(task, profile);
  if (roles.text.length === 0) return false;
  return task.dataType === 'text' || roles.numeric.length + roles.categorical.length <= 2;
}

/** The vanilla control's instruction: the task alone, so notebooks and logs read well; no steps of a method. */
export function vanillaInstruction(task: TaskSpec, profile: DataProfile): Instruction {
  const text = vanillaModelsText(task, profile);
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  const model = text
    ? `TF-IDF of the text with ${classification ? 'logistic' : 'ridge'} regression (scikit-learn defaults).`
    : `A random forest ${classification ? 'classifier' : 'regressor'} with scikit-learn's defaults (100 trees).`;
  return {
    rank: 0,
    title: 'Vanilla control: the task alone',
    dataPreprocessing: [
      'Numeric columns with median imputation and one-hot encoding of categoricals with at most 20 values; nothing engineered.',
    ],
    modelArchitecture: [model],
    modelTraining: ['5-fold cross-validation with the task metric; no tuning.'],
    submission: ['Predict the test rows with the average of the fold models and write the submission.'],
    recipe: { id: VANILLA_RECIPE_ID, params: {} },
  };
}

/** The template input of the vanilla script: the shared blocks need settings but no recipe's models. */
export function vanillaTemplateInput(task: TaskSpec, profile: DataProfile): TemplateInput {
  return {
    task,
    profile,
    // Time-ordered rows and folds where the task holds out a later period (as every option does): the CV's honesty.
    recipe: parseRecipe({
      id: 'random-forest',
      params: { timeSeries: task.dataType === 'time series' || task.split.kind === 'time' },
    }),
    roles: columnRoles(task, profile),
    models: [],
    folds: 5,
  };
}

/** The blocks of one stage of the vanilla script. */
export function vanillaStageBlocks(stage: StageName, input: TemplateInput): CodeBlock[] {
  const { task, profile, roles } = input;
  const text = vanillaModelsText(task, profile);
  switch (stage) {
    case 'preprocessing': {
      const shared = vanillaSharedBlocks(input);
      const what = text
        ? `the text of ${columnList(roles.text)} as it is, numeric columns and categoricals with at most 20 values`
        : `numeric columns ${columnList(roles.numeric, 5)} and categoricals with at most 20 values`;
      return [
        ...shared.head,
        {
          step: `Use ${what}; nothing engineered.`,
          code: PYTHON.block('features', { TEXT_MODEL: py(text) }),
        },
        shared.quickSample,
      ];
    }
    case 'architecture':
      return [
        { step: vanillaInstruction(task, profile).modelArchitecture[0] ?? null, code: PYTHON.block('model') },
      ];
    case 'training':
      return [
        metricBlock(),
        {
          step: '5-fold cross-validation with the task metric; no tuning.',
          code: PYTHON.block('cross-validation', { CV_SCORE_FILE: py(CV_SCORE_FILE) }),
        },
        {
          step: null,
          note: `The model's feature importances (or coefficients) in ${CHART_FILE}.`,
          code: PYTHON.block('chart', { CHART_FILE: py(CHART_FILE) }),
        },
      ];
    case 'submission':
      return submissionBlocks(input);
  }
}
