// The architecture and training stages: the models of a recipe, K-fold CV with the task metric and the chart, as
// blocks of model-template.py with the instruction step each implements and the values they are filled with.
import { join } from 'node:path';
import { CHART_FILE } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { type ModelSettings, modelName } from './model-settings.ts';
import { readPythonTemplate } from './python-template.ts';
import { type ScriptFacts, scriptFacts } from './script-facts.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'model-template.py'));
const SCORE_METRIC = readPythonTemplate(join(import.meta.dirname, 'score-metric.py'));

/** One instruction step describing a model and its settings. */
function describeModel(m: ModelSettings, input: TemplateInput): string {
  const short = modelName(m, input.profile);
  // Each model description is its own sentence.
  const name = short.charAt(0).toUpperCase() + short.slice(1);
  const log = m.logTarget ? ', fitted on log1p of the target' : '';
  switch (m.id) {
    case 'gbdt':
      return `${name} (tree_method hist, up to ${m.nEstimators} rounds, learning rate ${m.learningRate}, max depth ${m.maxDepth}, subsample 0.8, column sample 0.8, early stopping after ${m.earlyStoppingRounds} rounds without improvement)${log}.`;
    case 'random-forest':
      return `${name} with ${m.nEstimators} trees, min_samples_leaf ${m.minSamplesLeaf}${m.maxSamples ? `, each tree on ${m.maxSamples * 100}% of the rows` : ''}, max_features ${input.profile.target.type === 'binary' || input.profile.target.type === 'multiclass' ? '"sqrt"' : '0.5'}${log}.`;
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
  // The script's ridge base (regression tables with tree models; not forecasts, where the lags carry the trend).
  const base = scriptFacts(input).linear_base
    ? ' When a 3-fold ridge regression explains at least 90% of the target variance out of fold, the models fit its residuals and predict ridge + model, since step functions approximate a near-linear target poorly.'
    : '';
  const step = `${
    blend
      ? input.recipe.params.fitWeights
        ? `Blend ${models.length} models with weights fitted on their out-of-fold predictions (a 0.1 grid): ${steps.join(' ')}`
        : `Blend ${models.length} models, averaging their predictions with weights ${models.map((m) => m.weight.toFixed(2)).join(' / ')}: ${steps.join(' ')}`
      : (steps[0] ?? '')
  }${base}`;
  return [
    {
      step,
      code: PYTHON.block('models', scriptFacts(input)),
    },
  ];
}

function cvStep(input: TemplateInput): string {
  const { task, profile, folds, recipe } = input;
  const group = task.split.kind === 'group' && task.split.column ? task.split.column : null;
  const scheme = group
    ? `group ${folds}-fold CV by \`${group}\` (the holdout holds unseen ${group} values)`
    : recipe.params.timeSeries
      ? `time-ordered ${folds}-fold CV (each fold validates on a later period), then a refit on every training row`
      : profile.target.type === 'binary' || profile.target.type === 'multiclass'
        ? `stratified ${folds}-fold CV (shuffled, seed 42)`
        : `${folds}-fold CV (shuffled, seed 42)`;
  return `Train with ${scheme}; score each fold with ${task.metric} on the out-of-fold predictions; test predictions are ${recipe.params.timeSeries ? 'those of the refit' : 'the average of the fold models'}.`;
}

/** The task metric's score_metric() as Python for any task (needs np, METRIC, CLASSIFICATION, N_CLASSES): the
 * harness's blend script, which is written once for every task. */
export function metricPython(): string {
  return SCORE_METRIC.block('score-metric');
}

/** The task metric in Python (score), written for this task's metric and target kind only. */
export function metricBlock(facts: ScriptFacts): CodeBlock {
  return {
    step: null,
    code: PYTHON.block('metric', facts),
  };
}

/** The training stage: the ridge base check, K-fold CV with the task metric, the refit of a forecast, the chart. */
export function trainingBlocks(input: TemplateInput, facts: ScriptFacts = scriptFacts(input)): CodeBlock[] {
  const blocks: (CodeBlock | null)[] = [
    metricBlock(facts),
    facts.linear_base
      ? {
          step: null,
          code: PYTHON.block('linear-base', facts),
        }
      : null,
    { step: null, code: PYTHON.block('fit', facts) },
    facts.refit ? { step: null, code: PYTHON.block('refit', facts) } : null,
    { step: cvStep(input), code: PYTHON.block('cross-validation', facts) },
    {
      step: `Save a chart of the ${input.task.metric} per CV fold${facts.importance ? ' and the 20 most important features' : ''} to \`${CHART_FILE}\`.`,
      code: PYTHON.block('chart', facts),
    },
  ];
  return blocks.filter((b): b is CodeBlock => b !== null);
}
