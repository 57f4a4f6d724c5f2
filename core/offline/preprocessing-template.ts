// The preprocessing stage: the blocks of preprocessing-template.py a task needs (load, clean and engineer features,
// encode the target, the encoders per model), the instruction step each implements, and the values they are filled with.
import { join } from 'node:path';
import { positiveClass, TEST_FILE, TRAIN_FILE } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { readPythonTemplate } from './python-template.ts';
import { type ScriptFacts, scriptFacts } from './script-facts.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'preprocessing-template.py'));

function isClassification(input: TemplateInput): boolean {
  const type = input.profile.target.type;
  return type === 'binary' || type === 'multiclass';
}

function setupBlock(facts: ScriptFacts): CodeBlock {
  return {
    step: null,
    code: PYTHON.block('setup', facts),
  };
}

function loadBlock(facts: ScriptFacts): CodeBlock {
  return {
    step: `Load \`${TRAIN_FILE}\` and \`${TEST_FILE}\`; drop training rows with a missing target.`,
    code: PYTHON.block('load', facts),
  };
}

function columnsBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock {
  const { roles, task } = input;
  const dropped = [...roles.idColumns, ...roles.dropped, ...roles.constant];
  const parts = [`Drop id and unused columns ${columnList(dropped)} from the features`];
  if (roles.dropped.length > 0) parts.push(`(${columnList(roles.dropped)} leak the target)`);
  parts.push(`; keep \`${task.idColumn}\` only to label the submission.`);
  return {
    step: parts.join(' ').replace(' ;', ';'),
    code: PYTHON.block('columns', facts),
  };
}

function datetimeBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock | null {
  const { roles, recipe } = input;
  if (facts.dates.length === 0 && facts.calendar === null && !(facts.time_series && facts.time_from))
    return null;
  const what =
    roles.datetime.length > 0
      ? `Parse the date column(s) ${columnList(roles.datetime)}`
      : 'Build a timestamp from the year, month, day (and hour) columns';
  const extra = recipe.params.timeSeries
    ? '; add sine/cosine terms of the day of year and hour for seasonality and a linear trend in days'
    : '';
  return {
    step: `${what} into year, month, day, day of week, day of year and hour features${extra}.`,
    code: PYTHON.block('datetime', facts),
  };
}

function lagBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock | null {
  if (!input.recipe.params.timeSeries) return null;
  const target = input.task.targets[0] ?? '';
  return {
    step: `Add lag and rolling-mean features of \`${target}\` shifted by at least the length of the forecast period, so every test row only uses training history.`,
    code: PYTHON.block('lags', facts),
  };
}

function categoricalBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock | null {
  const { roles } = input;
  if (roles.categorical.length === 0) return null;
  const high =
    roles.highCardinality.length > 0
      ? ` High-cardinality ${columnList(roles.highCardinality)} also ${roles.highCardinality.length === 1 ? 'gets' : 'get'} a frequency-count feature.`
      : '';
  return {
    step: `Clean categoricals ${columnList(roles.categorical)}: missing values become \`__missing__\`, values seen fewer than 3 times in training (and unseen test values) become \`__rare__\`.${high}`,
    code: PYTHON.block('categorical', facts),
  };
}

function textBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock | null {
  const { roles } = input;
  if (roles.text.length === 0) return null;
  return {
    step: `Keep the text of ${columnList(roles.text)} (missing as empty) and add character count, word count, upper-case share and digit share features.`,
    code: PYTHON.block('text', facts),
  };
}

function finalizeBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock {
  const { roles } = input;
  const missing = roles.withMissing.length > 0 ? ` (missing in ${columnList(roles.withMissing, 5)})` : '';
  return {
    step: `Split the engineered table back into training and test features; drop features that are constant or empty in training; numeric missing values${missing} are left to the model's imputation.`,
    code: PYTHON.block('finalize', facts),
  };
}

function targetBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock {
  const { task, profile } = input;
  if (!isClassification(input)) {
    const log = input.models.some((m) => m.logTarget);
    return {
      step: `Use ${columnList(task.targets)} as the regression target${task.targets.length > 1 ? 's (one model per target)' : ''}${log ? '; fitted on log1p of the target, inverted with expm1' : ''}.`,
      code: PYTHON.block('target-regression', facts),
    };
  }
  const positive = positiveClass(profile);
  const step =
    profile.target.type === 'binary'
      ? `Encode \`${task.targets[0]}\` as 1 for ${JSON.stringify(positive)} and 0 otherwise.`
      : `Encode the ${profile.target.classes?.length ?? 'several'} classes of \`${task.targets[0]}\` as integers 0..K-1 (sorted), keeping the original labels for the submission.`;
  return {
    step,
    code: PYTHON.block('target-classification', facts),
  };
}

function encoderBlock(input: TemplateInput, facts: ScriptFacts): CodeBlock {
  const { roles, models } = input;
  const styles = new Set(models.map((m) => m.style));
  const lines: string[] = [];
  if (styles.has('trees')) {
    lines.push(
      `for gradient boosting: numeric features as they are (the model learns a direction for missing values)${roles.categorical.length > 0 ? `, ordinal codes for ${columnList(roles.categorical, 3)}` : ''}`,
    );
  }
  if (styles.has('forest')) {
    lines.push(
      `for the forest: median imputation of numeric features${roles.categorical.length > 0 ? `, ordinal codes for ${columnList(roles.categorical, 3)}` : ''}`,
    );
  }
  if (styles.has('linear') || styles.has('text')) {
    lines.push(
      `for the linear model: median imputation with missing-value indicators and standard scaling of numeric features${roles.categorical.length > 0 ? `, one-hot encoding of ${columnList(roles.categorical, 3)} (unseen categories ignored)` : ''}`,
    );
  }
  const svd = models.find((m) => m.textSvd > 0);
  if (svd && roles.text.length > 0) {
    lines.push(
      `TF-IDF of ${columnList(roles.text)} (word 1-2-grams) reduced to ${svd.textSvd} SVD components for the trees`,
    );
  }
  const tfidf = models.find((m) => m.style === 'text');
  if (tfidf && roles.text.length > 0) {
    lines.push(
      `TF-IDF of ${columnList(roles.text)}: word 1-2-grams${tfidf.charNgrams ? ' and character 2-5-grams' : ''}, sublinear term frequency, up to ${tfidf.maxTfidfFeatures} features each`,
    );
  }
  return {
    step: `Encoders fitted inside each CV fold on the training part only: ${lines.join('; ')}.`,
    code: PYTHON.block('encoders', facts),
  };
}

function quickSampleBlock(facts: ScriptFacts): CodeBlock {
  return {
    step: null,
    code: PYTHON.block('quick-sample', facts),
  };
}

function rangeClipperBlock(facts: ScriptFacts): CodeBlock | null {
  if (!facts.encoders.some((e) => e.style === 'linear' || e.style === 'text')) return null;
  return {
    step: null,
    code: PYTHON.block('range-clipper', facts),
  };
}

/** The blocks every script shares before its features: settings and loading. */
export function headBlocks(facts: ScriptFacts): CodeBlock[] {
  return [setupBlock(facts), loadBlock(facts)];
}

/** The blocks every script shares after its features: the target and the quick check's sample. */
export function targetBlocks(input: TemplateInput, facts: ScriptFacts): CodeBlock[] {
  return [targetBlock(input, facts), quickSampleBlock(facts)];
}

/** The preprocessing stage's blocks, in order. */
export function preprocessingBlocks(input: TemplateInput): CodeBlock[] {
  const facts = scriptFacts(input);
  const blocks = [
    ...headBlocks(facts),
    columnsBlock(input, facts),
    datetimeBlock(input, facts),
    lagBlock(input, facts),
    categoricalBlock(input, facts),
    textBlock(input, facts),
    finalizeBlock(input, facts),
    ...targetBlocks(input, facts),
    rangeClipperBlock(facts),
    encoderBlock(input, facts),
  ];
  return blocks.filter((b): b is CodeBlock => b !== null);
}
