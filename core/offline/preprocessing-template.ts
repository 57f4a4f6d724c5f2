// The preprocessing stage: the blocks of preprocessing-template.py a task needs (load, clean and engineer features,
// encode the target, the encoders per model), the instruction step each implements, and the values they are filled with.
import { join } from 'node:path';
import { positiveClass, QUICK_ENV, TEST_FILE, TRAIN_FILE } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { QUICK_SAMPLE_ROWS, RARE_CLASS_ROWS } from './model-settings.ts';
import { py, pyList } from './python-literal.ts';
import { readPythonTemplate } from './python-template.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'preprocessing-template.py'));

function isClassification(input: TemplateInput): boolean {
  const type = input.profile.target.type;
  return type === 'binary' || type === 'multiclass';
}

function setupBlock(input: TemplateInput): CodeBlock {
  const { task, profile, roles, recipe } = input;
  const classNames = profile.target.classes?.map((c) => c.value) ?? [];
  const dropColumns = [...roles.idColumns, ...roles.dropped, ...roles.constant].filter(
    (c) => c !== task.idColumn,
  );
  const timeColumn = task.split.kind === 'time' ? (task.split.column ?? null) : null;
  return {
    step: null,
    note: 'Settings from the task and the data profile; LC_QUICK=1 asks for a quick sampled check.',
    code: PYTHON.block('setup', {
      QUICK_ENV: py(QUICK_ENV),
      ID_COLUMN: py(task.idColumn),
      TARGETS: pyList(task.targets),
      TARGET_TYPE: py(profile.target.type),
      METRIC: py(task.metric),
      POSITIVE_CLASS: py(positiveClass(profile)),
      CLASS_NAMES: pyList(classNames),
      TIME_SERIES: py(recipe.params.timeSeries),
      TIME_COLUMN: py(timeColumn),
      GROUP_COLUMN: py(task.split.kind === 'group' ? (task.split.column ?? null) : null),
      DROP_COLUMNS: pyList(dropColumns),
      NUMERIC_COLUMNS: pyList(roles.numeric),
      CATEGORICAL_COLUMNS: pyList(roles.categorical),
      TEXT_COLUMNS: pyList(roles.text),
      DATETIME_COLUMNS: pyList(roles.datetime),
    }),
  };
}

function loadBlock(): CodeBlock {
  return {
    step: `Load \`${TRAIN_FILE}\` and \`${TEST_FILE}\`; drop training rows with a missing target.`,
    code: PYTHON.block('load', { TRAIN_FILE: py(TRAIN_FILE), TEST_FILE: py(TEST_FILE) }),
  };
}

function columnsBlock(input: TemplateInput): CodeBlock {
  const { roles, task } = input;
  const dropped = [...roles.idColumns, ...roles.dropped, ...roles.constant];
  const parts = [`Drop id and unused columns ${columnList(dropped)} from the features`];
  if (roles.dropped.length > 0) parts.push(`(${columnList(roles.dropped)} leak the target)`);
  parts.push(`; keep \`${task.idColumn}\` only to label the submission.`);
  return {
    step: parts.join(' ').replace(' ;', ';'),
    code: PYTHON.block('columns'),
  };
}

function datetimeBlock(input: TemplateInput): CodeBlock | null {
  const { roles, recipe } = input;
  const hasYmd = ['year', 'month', 'day'].every((k) => roles.numeric.some((c) => c.toLowerCase() === k));
  if (roles.datetime.length === 0 && !recipe.params.timeSeries && !hasYmd) return null;
  const what =
    roles.datetime.length > 0
      ? `Parse the date column(s) ${columnList(roles.datetime)}`
      : 'Build a timestamp from the year, month, day (and hour) columns';
  const extra = recipe.params.timeSeries
    ? '; add sine/cosine terms of the day of year and hour for seasonality and a linear trend in days'
    : '';
  return {
    step: `${what} into year, month, day, day of week, day of year and hour features${extra}.`,
    code: PYTHON.block('datetime'),
  };
}

function lagBlock(input: TemplateInput): CodeBlock | null {
  if (!input.recipe.params.timeSeries) return null;
  const target = input.task.targets[0] ?? '';
  return {
    step: `Add lag and rolling-mean features of \`${target}\` shifted by at least the length of the forecast period, so every test row only uses training history.`,
    code: PYTHON.block('lags'),
  };
}

function categoricalBlock(input: TemplateInput): CodeBlock | null {
  const { roles } = input;
  if (roles.categorical.length === 0) return null;
  const high =
    roles.highCardinality.length > 0
      ? ` High-cardinality ${columnList(roles.highCardinality)} also ${roles.highCardinality.length === 1 ? 'gets' : 'get'} a frequency-count feature.`
      : '';
  return {
    step: `Clean categoricals ${columnList(roles.categorical)}: missing values become \`__missing__\`, values seen fewer than 3 times in training (and unseen test values) become \`__rare__\`.${high}`,
    code: PYTHON.block('categorical'),
  };
}

function textBlock(input: TemplateInput): CodeBlock | null {
  const { roles } = input;
  if (roles.text.length === 0) return null;
  return {
    step: `Keep the text of ${columnList(roles.text)} (missing as empty) and add character count, word count, upper-case share and digit share features.`,
    code: PYTHON.block('text'),
  };
}

function finalizeBlock(input: TemplateInput): CodeBlock {
  const { roles } = input;
  const missing = roles.withMissing.length > 0 ? ` (missing in ${columnList(roles.withMissing, 5)})` : '';
  return {
    step: `Split the engineered table back into training and test features; drop features that are constant or empty in training; numeric missing values${missing} are left to the model's imputation.`,
    code: PYTHON.block('finalize'),
  };
}

function targetBlock(input: TemplateInput): CodeBlock {
  const { task, profile } = input;
  if (!isClassification(input)) {
    const log = input.models.some((m) => m.logTarget);
    return {
      step: `Use ${columnList(task.targets)} as the regression target${task.targets.length > 1 ? 's (one model per target)' : ''}${log ? '; models marked for it fit on log1p of the target and invert with expm1' : ''}.`,
      code: PYTHON.block('target-regression'),
    };
  }
  const positive = positiveClass(profile);
  const step =
    profile.target.type === 'binary'
      ? `Encode \`${task.targets[0]}\` as 1 for ${JSON.stringify(positive)} and 0 otherwise.`
      : `Encode the ${profile.target.classes?.length ?? 'several'} classes of \`${task.targets[0]}\` as integers 0..K-1 (sorted), keeping the original labels for the submission.`;
  return {
    step,
    code: PYTHON.block('target-classification'),
  };
}

function encoderBlock(input: TemplateInput): CodeBlock {
  const { roles, models } = input;
  const styles = new Set(models.map((m) => m.style));
  const lines: string[] = [];
  if (styles.has('trees')) {
    lines.push(
      `for gradient boosting: numeric features as they are (the model learns a direction for missing values)${roles.categorical.length > 0 ? `, ordinal codes for ${columnList(roles.categorical, 5)}` : ''}`,
    );
  }
  if (styles.has('forest')) {
    lines.push(
      `for the forest: median imputation of numeric features${roles.categorical.length > 0 ? `, ordinal codes for ${columnList(roles.categorical, 5)}` : ''}`,
    );
  }
  if (styles.has('linear') || styles.has('text')) {
    lines.push(
      `for the linear model: median imputation with missing-value indicators and standard scaling of numeric features${roles.categorical.length > 0 ? `, one-hot encoding of ${columnList(roles.categorical, 5)} (unseen categories ignored)` : ''}`,
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
      `TF-IDF of ${columnList(roles.text)}: word 1-2-grams${tfidf.charNgrams ? ' and character 2-5-grams (word n-grams only in quick mode)' : ''}, sublinear term frequency, up to ${tfidf.maxTfidfFeatures} features each`,
    );
  }
  return {
    step: `Encoders fitted inside each CV fold on the training part only: ${lines.join('; ')}.`,
    code: PYTHON.block('encoders'),
  };
}

function sameLabelBlock(): CodeBlock {
  return {
    step: null,
    note: 'Class names in the profile are text, while pandas may read the same labels as numbers: the target encoding and the submission compare them with this.',
    code: PYTHON.block('same-label'),
  };
}

function quickSampleBlock(): CodeBlock {
  return {
    step: null,
    note: `Quick mode cross-validates on ${QUICK_SAMPLE_ROWS} seeded rows; sampled after feature engineering so lags and counts see all history, and kept in order so time-ordered folds stay valid. Classes with fewer than ${RARE_CLASS_ROWS} rows are kept whole: a random sample would leave a rare class too few rows to score.`,
    code: PYTHON.block('quick-sample', {
      QUICK_SAMPLE_ROWS: String(QUICK_SAMPLE_ROWS),
      RARE_CLASS_ROWS: String(RARE_CLASS_ROWS),
    }),
  };
}

function rangeClipperBlock(): CodeBlock {
  return {
    step: null,
    note: 'Linear models extrapolate: numeric inputs are clipped to the range seen in training (its 0.5-99.5 percentiles) so an outlier in test cannot explode a prediction.',
    code: PYTHON.block('range-clipper'),
  };
}

/**
 * The vanilla control's shared preprocessing: the settings, loading, the class-name comparison and the target
 * encoding (its own features block follows), and the quick-mode sample after it.
 */
export function vanillaSharedBlocks(input: TemplateInput): { head: CodeBlock[]; quickSample: CodeBlock } {
  return {
    head: [setupBlock(input), loadBlock(), sameLabelBlock(), targetBlock(input)],
    quickSample: quickSampleBlock(),
  };
}

/** The preprocessing stage's blocks, in order. */
export function preprocessingBlocks(input: TemplateInput): CodeBlock[] {
  const blocks = [
    setupBlock(input),
    loadBlock(),
    columnsBlock(input),
    datetimeBlock(input),
    lagBlock(input),
    categoricalBlock(input),
    textBlock(input),
    finalizeBlock(input),
    sameLabelBlock(),
    targetBlock(input),
    quickSampleBlock(),
    rangeClipperBlock(),
    encoderBlock(input),
  ];
  return blocks.filter((b): b is CodeBlock => b !== null);
}
