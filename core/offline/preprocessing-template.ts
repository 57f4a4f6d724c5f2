// Python for the preprocessing stage: load, clean and engineer features, encode the target, and the encoders per model.
import { positiveClass, QUICK_ENV, TEST_FILE, TRAIN_FILE } from '../harness/index.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnList } from './column-roles.ts';
import { QUICK_SAMPLE_ROWS, RARE_CLASS_ROWS } from './model-settings.ts';
import { py, pyList } from './python-literal.ts';

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
    code: `import json
import os
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings('ignore')

QUICK = os.environ.get(${py(QUICK_ENV)}) == '1'
SEED = 42
ID_COLUMN = ${py(task.idColumn)}
TARGETS = ${pyList(task.targets)}
TARGET_TYPE = ${py(profile.target.type)}
METRIC = ${py(task.metric)}
POSITIVE_CLASS = ${py(positiveClass(profile))}
CLASS_NAMES = ${pyList(classNames)}
TIME_SERIES = ${py(recipe.params.timeSeries)}
TIME_COLUMN = ${py(timeColumn)}
GROUP_COLUMN = ${py(task.split.kind === 'group' ? (task.split.column ?? null) : null)}
DROP_COLUMNS = ${pyList(dropColumns)}
NUMERIC_COLUMNS = ${pyList(roles.numeric)}
CATEGORICAL_COLUMNS = ${pyList(roles.categorical)}
TEXT_COLUMNS = ${pyList(roles.text)}
DATETIME_COLUMNS = ${pyList(roles.datetime)}
CLASSIFICATION = TARGET_TYPE in ('binary', 'multiclass')`,
  };
}

function loadBlock(): CodeBlock {
  return {
    step: `Load \`${TRAIN_FILE}\` and \`${TEST_FILE}\`; drop training rows with a missing target.`,
    code: `train = pd.read_csv(${py(TRAIN_FILE)})
test = pd.read_csv(${py(TEST_FILE)})
train = train.dropna(subset=[t for t in TARGETS if t in train.columns]).reset_index(drop=True)


def parse_datetime(values):
    """Timestamps in UTC (mixed time-zone offsets would otherwise leave an object column); unparsable -> NaT."""
    return pd.to_datetime(values, errors='coerce', utc=True)


def time_key(frame):
    """A sortable timestamp per row: the time column, a datetime column, or year/month/day(/hour) columns."""
    for column in [TIME_COLUMN] + DATETIME_COLUMNS:
        if column and column in frame.columns:
            return parse_datetime(frame[column])
    lower = {c.lower(): c for c in frame.columns}
    if all(k in lower for k in ('year', 'month', 'day')):
        parts = {k: pd.to_numeric(frame[lower[k]], errors='coerce') for k in ('year', 'month', 'day')}
        if 'hour' in lower:
            parts['hour'] = pd.to_numeric(frame[lower['hour']], errors='coerce')
        return parse_datetime(pd.DataFrame(parts))
    return None


if TIME_SERIES:
    # Rows in time order so that lags, rolling means and time-ordered folds only look backwards.
    train_time = time_key(train)
    if train_time is not None:
        train = train.iloc[np.argsort(train_time.values, kind='stable')].reset_index(drop=True)
print(f'train rows: {len(train)}, test rows: {len(test)}, quick: {QUICK}')`,
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
    code: `features_excluded = set(TARGETS) | set(DROP_COLUMNS) | {ID_COLUMN}
numeric_columns = [c for c in NUMERIC_COLUMNS if c in train.columns and c in test.columns]
categorical_columns = [c for c in CATEGORICAL_COLUMNS if c in train.columns and c in test.columns]
text_columns = [c for c in TEXT_COLUMNS if c in train.columns and c in test.columns]
datetime_columns = [c for c in DATETIME_COLUMNS if c in train.columns and c in test.columns]
# Columns the profile did not describe are typed from pandas, so nothing the user gave is silently lost.
described = set(numeric_columns + categorical_columns + text_columns + datetime_columns) | features_excluded
for column in train.columns:
    if column in described or column not in test.columns:
        continue
    if pd.api.types.is_numeric_dtype(train[column]):
        numeric_columns.append(column)
    else:
        categorical_columns.append(column)

n_train = len(train)
combined = pd.concat(
    [train.drop(columns=[t for t in TARGETS if t in train.columns]), test], ignore_index=True, sort=False
)
features = pd.DataFrame(index=combined.index)
for column in numeric_columns:
    features[column] = pd.to_numeric(combined[column], errors='coerce')`,
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
    code: `def calendar_features(moment, prefix):
    """Calendar parts of a timestamp; seasonal sine/cosine terms and a trend for time series."""
    parts = pd.DataFrame(index=moment.index)
    parts[prefix + '_year'] = moment.dt.year
    parts[prefix + '_month'] = moment.dt.month
    parts[prefix + '_day'] = moment.dt.day
    parts[prefix + '_dayofweek'] = moment.dt.dayofweek
    parts[prefix + '_dayofyear'] = moment.dt.dayofyear
    if (moment.dt.hour.fillna(0) != 0).any():
        parts[prefix + '_hour'] = moment.dt.hour
    if TIME_SERIES:
        day_angle = 2 * np.pi * moment.dt.dayofyear / 365.25
        for k in (1, 2):
            parts[f'{prefix}_doy_sin{k}'] = np.sin(k * day_angle)
            parts[f'{prefix}_doy_cos{k}'] = np.cos(k * day_angle)
        if prefix + '_hour' in parts:
            hour_angle = 2 * np.pi * moment.dt.hour / 24
            parts[prefix + '_hour_sin'] = np.sin(hour_angle)
            parts[prefix + '_hour_cos'] = np.cos(hour_angle)
        parts[prefix + '_trend_days'] = (moment - moment.min()).dt.total_seconds() / 86400
    return parts.astype(float)


for column in datetime_columns:
    features = features.join(calendar_features(parse_datetime(combined[column]), column))
    numeric_columns = [c for c in numeric_columns if c != column]
    features = features.drop(columns=[column], errors='ignore')
if not datetime_columns:
    combined_time = time_key(combined)
    if combined_time is not None:
        features = features.join(calendar_features(combined_time, 'time'))`,
  };
}

function lagBlock(input: TemplateInput): CodeBlock | null {
  if (!input.recipe.params.timeSeries) return null;
  const target = input.task.targets[0] ?? '';
  return {
    step: `Add lag and rolling-mean features of \`${target}\` shifted by at least the length of the forecast period, so every test row only uses training history.`,
    code: `# The horizon is the number of rows to forecast: a shift of at least that many rows means a test row's
# lag lands in the training part, never in the unknown future.
horizon = max(len(test), 1)
target_history = np.concatenate([pd.to_numeric(train[TARGETS[0]], errors='coerce').values, np.full(len(test), np.nan)])
combined_time = time_key(combined)
order = np.argsort(combined_time.values, kind='stable') if combined_time is not None else np.arange(len(combined))
history = pd.Series(target_history[order])
lagged = history.shift(horizon)
lag_features = pd.DataFrame(
    {
        'lag_horizon': lagged,
        'lag_horizon_mean7': lagged.rolling(7, min_periods=1).mean(),
        'lag_horizon_mean30': lagged.rolling(30, min_periods=1).mean(),
    }
)
lag_features.index = order
features = features.join(lag_features.sort_index())`,
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
    code: `for column in categorical_columns:
    values = combined[column].astype(str).where(combined[column].notna(), '__missing__')
    counts = values.iloc[:n_train].value_counts()
    frequent = set(counts[counts >= 3].index[:200])
    features[column] = values.where(values.isin(frequent), '__rare__')
    if len(counts) > 50:
        features[column + '_freq'] = values.map(counts).fillna(0).astype(float)`,
  };
}

function textBlock(input: TemplateInput): CodeBlock | null {
  const { roles } = input;
  if (roles.text.length === 0) return null;
  return {
    step: `Keep the text of ${columnList(roles.text)} (missing as empty) and add character count, word count, upper-case share and digit share features.`,
    code: `for column in text_columns:
    text = combined[column].fillna('').astype(str)
    features[column] = text
    length = text.str.len().astype(float)
    features[column + '_chars'] = length
    features[column + '_words'] = text.str.split().str.len().fillna(0).astype(float)
    features[column + '_upper_share'] = text.str.count('[A-Z]') / length.clip(lower=1)
    features[column + '_digit_share'] = text.str.count('[0-9]') / length.clip(lower=1)`,
  };
}

function finalizeBlock(input: TemplateInput): CodeBlock {
  const { roles } = input;
  const missing = roles.withMissing.length > 0 ? ` (missing in ${columnList(roles.withMissing, 5)})` : '';
  return {
    step: `Split the engineered table back into training and test features; drop features that are constant or empty in training; numeric missing values${missing} are left to the model's imputation.`,
    code: `text_feature_columns = [c for c in text_columns if c in features.columns]
categorical_feature_columns = [c for c in categorical_columns if c in features.columns]
numeric_feature_columns = [
    c for c in features.columns if c not in text_feature_columns and c not in categorical_feature_columns
]
for column in list(numeric_feature_columns):
    features[column] = pd.to_numeric(features[column], errors='coerce').replace([np.inf, -np.inf], np.nan)
    known = features[column].iloc[:n_train]
    if known.notna().sum() == 0 or known.nunique(dropna=True) <= 1:
        numeric_feature_columns.remove(column)
        features = features.drop(columns=[column])
for column in list(categorical_feature_columns):
    if features[column].iloc[:n_train].nunique() <= 1:
        categorical_feature_columns.remove(column)
        features = features.drop(columns=[column])
X = features.iloc[:n_train].reset_index(drop=True)
X_test = features.iloc[n_train:].reset_index(drop=True)
print(f'features: {len(numeric_feature_columns)} numeric, {len(categorical_feature_columns)} categorical, {len(text_feature_columns)} text')`,
  };
}

function targetBlock(input: TemplateInput): CodeBlock {
  const { task, profile } = input;
  if (!isClassification(input)) {
    const log = input.models.some((m) => m.logTarget);
    return {
      step: `Use ${columnList(task.targets)} as the regression target${task.targets.length > 1 ? 's (one model per target)' : ''}${log ? '; models marked for it fit on log1p of the target and invert with expm1' : ''}.`,
      code: `Y = train[TARGETS].apply(pd.to_numeric, errors='coerce').to_numpy(dtype=float)
N_CLASSES = 0
CLASSES = []`,
    };
  }
  const positive = positiveClass(profile);
  const step =
    profile.target.type === 'binary'
      ? `Encode \`${task.targets[0]}\` as 1 for ${JSON.stringify(positive)} and 0 otherwise.`
      : `Encode the ${profile.target.classes?.length ?? 'several'} classes of \`${task.targets[0]}\` as integers 0..K-1 (sorted), keeping the original labels for the submission.`;
  return {
    step,
    code: `raw_target = train[TARGETS[0]]
CLASSES = sorted(pd.unique(raw_target), key=lambda v: (str(type(v)), v))


def same_label(value, name):
    """A data value equals a profile class name, whether pandas read it as text or as a number."""
    if str(value) == str(name):
        return True
    try:
        return float(value) == float(name)
    except (TypeError, ValueError):
        return False


if TARGET_TYPE == 'binary' and len(CLASSES) == 2:
    matches = [v for v in CLASSES if POSITIVE_CLASS is not None and same_label(v, POSITIVE_CLASS)]
    positive = matches[0] if matches else raw_target.value_counts().index[-1]
    CLASSES = [v for v in CLASSES if v != positive] + [positive]
N_CLASSES = len(CLASSES)
class_index = {v: i for i, v in enumerate(CLASSES)}
y = raw_target.map(class_index).to_numpy(dtype=int)
print('classes:', CLASSES)`,
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
    code: `from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def one_hot_encoder():
    """OneHotEncoder that ignores unseen categories; the sparse flag was renamed in scikit-learn 1.2."""
    try:
        return OneHotEncoder(handle_unknown='ignore', sparse_output=True)
    except TypeError:
        return OneHotEncoder(handle_unknown='ignore', sparse=True)


def make_preprocessor(model):
    """Column encoders for one model's style: 'trees', 'forest', 'linear' or 'text'."""
    style = model['style']
    parts = []
    if numeric_feature_columns:
        if style == 'trees':
            numeric = 'passthrough'
        elif style == 'forest':
            numeric = SimpleImputer(strategy='median')
        else:
            numeric = make_pipeline(SimpleImputer(strategy='median', add_indicator=True), RangeClipper(), StandardScaler())
        columns = numeric_feature_columns
        if TIME_SERIES and style in ('linear', 'text'):
            # Raw calendar counters and the trend extrapolate linearly; the sine/cosine terms carry the seasonality.
            raw = ('_year', '_month', '_day', '_dayofyear', '_hour', '_trend_days')
            columns = [c for c in columns if not c.endswith(raw)] or numeric_feature_columns
        parts.append(('numeric', numeric, columns))
    if categorical_feature_columns:
        if style in ('trees', 'forest'):
            categorical = OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=-1)
        else:
            categorical = one_hot_encoder()
        parts.append(('categorical', categorical, categorical_feature_columns))
    for column in text_feature_columns:
        if style == 'text':
            limit = 20000 if QUICK else model['max_tfidf_features']
            words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=limit, sublinear_tf=True)
            parts.append((column + '_words', words, column))
            # Character n-grams catch misspellings and word forms but cost most of the time: full runs only.
            if model['char_ngrams'] and not QUICK:
                chars = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), min_df=3, max_features=limit, sublinear_tf=True)
                parts.append((column + '_chars', chars, column))
        elif model['text_svd'] > 0:
            components = 32 if QUICK else model['text_svd']
            words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20000, sublinear_tf=True)
            parts.append((column + '_svd', make_pipeline(words, TruncatedSVD(n_components=components, random_state=SEED)), column))
    if not parts:
        raise ValueError('no usable feature columns in train.csv')
    return ColumnTransformer(parts, remainder='drop')`,
  };
}

function quickSampleBlock(): CodeBlock {
  return {
    step: null,
    note: `Quick mode cross-validates on ${QUICK_SAMPLE_ROWS} seeded rows; sampled after feature engineering so lags and counts see all history, and kept in order so time-ordered folds stay valid. Classes with fewer than ${RARE_CLASS_ROWS} rows are kept whole: a random sample would leave a rare class too few rows to score.`,
    code: `QUICK_ROWS = ${QUICK_SAMPLE_ROWS}
if QUICK and len(X) > QUICK_ROWS:
    random_state = np.random.RandomState(SEED)
    if CLASSIFICATION:
        counts = np.bincount(y)
        rare = np.isin(y, np.where(counts < ${RARE_CLASS_ROWS})[0])
        kept, others = np.where(rare)[0], np.where(~rare)[0]
        extra = random_state.choice(others, max(0, min(QUICK_ROWS - len(kept), len(others))), replace=False)
        keep = np.sort(np.concatenate([kept, extra]))
    else:
        keep = np.sort(random_state.choice(len(X), QUICK_ROWS, replace=False))
    X = X.iloc[keep].reset_index(drop=True)
    train = train.iloc[keep].reset_index(drop=True)
    if CLASSIFICATION:
        y = y[keep]
        print('quick sample rows per class:', np.bincount(y, minlength=N_CLASSES).tolist())
    else:
        Y = Y[keep]`,
  };
}

function rangeClipperBlock(): CodeBlock {
  return {
    step: null,
    note: 'Linear models extrapolate: numeric inputs are clipped to the range seen in training (its 0.5-99.5 percentiles) so an outlier in test cannot explode a prediction.',
    code: `from sklearn.base import BaseEstimator, TransformerMixin


class RangeClipper(BaseEstimator, TransformerMixin):
    def fit(self, values, y=None):
        values = np.asarray(values, dtype=float)
        # Winsorised at the 0.5 and 99.5 percentiles: measured better than the full training range on blueberry_yield,
        # california_housing and heat_flux (only a uniform, exactly linear feature like paris_housing's loses by it).
        self.low_ = np.nanpercentile(values, 0.5, axis=0)
        self.high_ = np.nanpercentile(values, 99.5, axis=0)
        return self

    def transform(self, values):
        return np.clip(np.asarray(values, dtype=float), self.low_, self.high_)`,
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
    targetBlock(input),
    quickSampleBlock(),
    rangeClipperBlock(),
    encoderBlock(input),
  ];
  return blocks.filter((b): b is CodeBlock => b !== null);
}
