// The vanilla control (the paper's baseline, "the task alone"): the plain default model a coder writes when given
// only the task, as stages of vanilla-template.py plus the shared settings, target, metric and submission blocks.
//
// Why these models: asked for a solution with no instruction, a model (and most people) write scikit-learn's
// defaults: a random forest for a table (no tuning, median-imputed numeric columns, one-hot categoricals with few
// values), TF-IDF with logistic or ridge regression for text. It is kept honest, not weakened: 5-fold CV, the same
// harness contract, the same prediction files; what it lacks is what the instructions add (engineered features,
// boosting, early stopping, tuned settings).
import { join } from 'node:path';
import { CHART_FILE } from '../harness/index.ts';
import type { DataProfile, Instruction, StageName, TaskSpec } from '../types.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList, columnRoles } from './column-roles.ts';
import { modelSettings } from './model-settings.ts';
import { trainingBlocks } from './model-template.ts';
import { headBlocks, targetBlocks } from './preprocessing-template.ts';
import { readPythonTemplate } from './python-template.ts';
import { parseRecipe } from './recipes.ts';
import { importanceExpression, type ScriptFacts, scriptFacts } from './script-facts.ts';
import { submissionBlocks } from './submission-template.ts';

/** Categoricals with at most this many values are one-hot encoded by the vanilla control; others are left out. */
const ONE_HOT_MAX_VALUES = 20;

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

/** The vanilla script's template values: its own columns and its one default model, no engineered features. */
function vanillaFacts(input: TemplateInput): ScriptFacts {
  const { task, profile, roles } = input;
  const text = vanillaModelsText(task, profile);
  const unique = new Map(profile.columns.map((c) => [c.name, c.unique]));
  const facts = scriptFacts(input);
  const categorical = roles.categorical.filter((c) => (unique.get(c) ?? Infinity) <= ONE_HOT_MAX_VALUES);
  const settings = modelSettings(input.recipe, profile)[0]!;
  const model = {
    ...settings,
    c: 1,
    name: 'vanilla',
    encoder: 'vanilla',
    id: text ? ('linear' as const) : ('random-forest' as const),
  };
  return {
    ...facts,
    numeric: roles.numeric.filter((c) => c !== facts.time_column),
    categorical,
    high_cardinality: [],
    text: text ? roles.text : [],
    dates: roles.datetime,
    models: [model],
    weights: { vanilla: 1 },
    blend: false,
    fit_weights: false,
    log_target: false,
    linear_base: false,
    refit: false,
    importance: text ? 'linear' : 'trees',
    feature_lists: [
      ...(facts.numeric.length > 0 ? ['NUMERIC'] : []),
      ...(categorical.length > 0 ? ['CATEGORICAL'] : []),
      ...(text ? ['TEXT'] : []),
      ...(roles.datetime.length > 0 ? ['DATES'] : []),
    ].join(' + '),
    non_numeric_constants: [
      ...(categorical.length > 0 ? ['CATEGORICAL'] : []),
      ...(text ? ['TEXT'] : []),
    ].join(' + '),
    vanilla_what: [
      'numeric columns',
      ...(categorical.length > 0 ? [`one-hot categoricals with at most ${ONE_HOT_MAX_VALUES} values`] : []),
      ...(text ? ['TF-IDF of the text'] : []),
      ...(roles.datetime.length > 0 ? ["the dates' year, month and day"] : []),
    ].join(', '),
    importance_model: 'vanilla',
    importance_expression: importanceExpression(text),
  };
}

/** The blocks of one stage of the vanilla script. */
export function vanillaStageBlocks(stage: StageName, input: TemplateInput): CodeBlock[] {
  const { task, profile, roles } = input;
  const text = vanillaModelsText(task, profile);
  const facts = vanillaFacts(input);
  switch (stage) {
    case 'preprocessing': {
      const what = text
        ? `the text of ${columnList(roles.text)} as it is, numeric columns and categoricals with at most ${ONE_HOT_MAX_VALUES} values`
        : `numeric columns ${columnList(roles.numeric, 5)} and categoricals with at most ${ONE_HOT_MAX_VALUES} values`;
      return [
        ...headBlocks(facts),
        { step: `Use ${what}; nothing engineered.`, code: PYTHON.block('features', facts) },
        ...targetBlocks(input, facts),
      ];
    }
    case 'architecture':
      return [
        {
          step: vanillaInstruction(task, profile).modelArchitecture[0] ?? null,
          code: PYTHON.block('model', facts),
        },
      ];
    case 'training':
      return trainingBlocks(input, facts).map((block) =>
        block.step === null
          ? block
          : {
              ...block,
              step: block.step.startsWith('Save')
                ? null
                : `${facts.folds}-fold cross-validation with the task metric; no tuning.`,
              note: `The model's feature importances (or coefficients) in ${CHART_FILE}.`,
            },
      );
    case 'submission':
      return submissionBlocks(input, facts);
  }
}
