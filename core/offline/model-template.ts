// The architecture and training stages: the models of a recipe, K-fold CV with the task metric and the chart, as
// blocks of model-template.py with the instruction step each implements and the values they are filled with.
import { join } from 'node:path';
import { CHART_FILE, CV_SCORE_FILE } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { type ModelSettings, modelName } from './model-settings.ts';
import { py } from './python-literal.ts';
import { readPythonTemplate } from './python-template.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'model-template.py'));

function modelLiteral(m: ModelSettings): string {
  return py({
    id: m.id,
    style: m.style,
    weight: Number(m.weight.toFixed(4)),
    engine: m.engine,
    n_estimators: m.nEstimators,
    quick_n_estimators: m.quickEstimators,
    learning_rate: m.learningRate,
    quick_learning_rate: m.quickLearningRate,
    max_depth: m.maxDepth,
    early_stopping_rounds: m.earlyStoppingRounds,
    alpha: m.alpha,
    text_svd: m.textSvd,
    char_ngrams: m.charNgrams,
    max_tfidf_features: m.maxTfidfFeatures,
    log_target: m.logTarget,
    max_samples: m.maxSamples,
    min_samples_leaf: m.minSamplesLeaf,
  });
}

/** One instruction step describing a model and its settings. */
function describeModel(m: ModelSettings, input: TemplateInput): string {
  const short = modelName(m, input.profile);
  // Each model description is its own sentence.
  const name = short.charAt(0).toUpperCase() + short.slice(1);
  const log = m.logTarget ? ', fitted on log1p of the target' : '';
  const regression =
    input.profile.target.type === 'regression' || input.profile.target.type === 'multi-regression';
  // Mirrors linear_base_check() in the script (not for time series, where the trees keep the lag features' role).
  const base =
    regression && !input.recipe.params.timeSeries
      ? ' When a 3-fold ridge regression explains at least 90% of the target variance out of fold, the trees fit its residuals and predict ridge + trees, since step functions approximate a near-linear target poorly.'
      : '';
  switch (m.id) {
    case 'gbdt':
      return `${name} (tree_method hist, up to ${m.nEstimators} rounds, learning rate ${m.learningRate}, max depth ${m.maxDepth}, subsample 0.8, column sample 0.8, early stopping after ${m.earlyStoppingRounds} rounds without improvement; HistGradientBoosting when xgboost cannot be imported)${log}.${base}`;
    case 'random-forest':
      return `${name} with ${m.nEstimators} trees, min_samples_leaf ${m.minSamplesLeaf}${m.maxSamples ? `, each tree on ${m.maxSamples * 100}% of the rows` : ''}, max_features ${input.profile.target.type === 'binary' || input.profile.target.type === 'multiclass' ? '"sqrt"' : '0.5'}${log}.${base}`;
    case 'linear': {
      const cls = input.profile.target.type === 'binary' || input.profile.target.type === 'multiclass';
      return `${name} with L2 regularisation (${cls ? `C = ${Number((1 / m.alpha).toFixed(3))}` : `alpha = ${m.alpha}`})${log}.`;
    }
    case 'tfidf-linear': {
      const cls = input.profile.target.type === 'binary' || input.profile.target.type === 'multiclass';
      return `${name} on the sparse TF-IDF matrix plus the scaled numeric and one-hot features (${cls ? `C = ${Number((1 / m.alpha).toFixed(3))}` : `alpha = ${m.alpha}`})${log}.`;
    }
  }
}

/** The architecture stage: model constructors for each part of the recipe. */
export function architectureBlocks(input: TemplateInput): CodeBlock[] {
  const { models } = input;
  const blend = models.length > 1;
  const steps = models.map((m) => describeModel(m, input));
  const step = blend
    ? input.recipe.params.fitWeights
      ? `Blend ${models.length} models, averaging their predictions with weights fitted on their out-of-fold predictions (every weighting on a 0.1 grid, the task metric; log-loss for label metrics): ${steps.join(' ')}`
      : `Blend ${models.length} models, averaging their predictions with weights ${models.map((m) => m.weight.toFixed(2)).join(' / ')}: ${steps.join(' ')}`
    : (steps[0] ?? '');
  return [
    {
      step,
      code: PYTHON.block('models', { MODELS: models.map((m) => `    ${modelLiteral(m)},`).join('\n') }),
    },
  ];
}

function cvStep(input: TemplateInput): string {
  const { task, profile, folds, recipe } = input;
  const group = task.split.kind === 'group' && task.split.column ? task.split.column : null;
  const scheme = group
    ? `group ${folds}-fold CV by \`${group}\` (the holdout holds unseen ${group} values)`
    : recipe.params.timeSeries
      ? `time-ordered ${folds}-fold CV (each fold validates on a later period than it trains on), then a refit on all training rows with the median number of boosting rounds`
      : profile.target.type === 'binary' || profile.target.type === 'multiclass'
        ? `stratified ${folds}-fold CV (shuffled, seed 42)`
        : `${folds}-fold CV (shuffled, seed 42)`;
  return `Train with ${scheme}; score each fold with ${task.metric} on the out-of-fold predictions; test predictions are the average of the fold models${recipe.params.timeSeries ? "' refit" : ''}. Quick mode: 3 folds and fewer trees.`;
}

/** The task metric's score_metric() as Python (needs np, METRIC, CLASSIFICATION, N_CLASSES), for the harness's blend. */
export function metricPython(): string {
  return PYTHON.block('metric');
}

/** The task metric in Python (score_metric), shared with the vanilla control. */
export function metricBlock(): CodeBlock {
  return {
    step: null,
    note: 'The task metric computed with scikit-learn, on labels 0..K-1 (classification) or raw values (regression).',
    code: PYTHON.block('metric'),
  };
}

/** The training stage: K-fold CV, the task metric, cv_score.json and the chart. */
export function trainingBlocks(input: TemplateInput): CodeBlock[] {
  const { folds } = input;
  return [
    metricBlock(),
    {
      step: null,
      note: 'Fit one model on a fold: encoders fitted on the fold, classes re-indexed when a rare class is absent from it.',
      code: PYTHON.block('fit'),
    },
    {
      step: cvStep(input),
      code: PYTHON.block('cross-validation', {
        FOLDS: String(folds),
        CV_SCORE_FILE: py(CV_SCORE_FILE),
        FIT_WEIGHTS: py(input.recipe.params.fitWeights === true),
      }),
    },
    {
      step: `Save a chart of the ${input.task.metric} per CV fold and the 20 most important features to \`${CHART_FILE}\`.`,
      code: PYTHON.block('chart', { CHART_FILE: py(CHART_FILE) }),
    },
  ];
}
