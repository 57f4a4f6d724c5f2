# The preprocessing stage's Python, one "# @block <name>" section per code block; preprocessing-template.ts
# chooses the blocks, writes the instruction step above each, and fills the {{PLACEHOLDERS}} with Python literals.

# @block setup
import json
import os
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings('ignore')

QUICK = os.environ.get({{QUICK_ENV}}) == '1'
SEED = 42
ID_COLUMN = {{ID_COLUMN}}
TARGETS = {{TARGETS}}
TARGET_TYPE = {{TARGET_TYPE}}
METRIC = {{METRIC}}
POSITIVE_CLASS = {{POSITIVE_CLASS}}
CLASS_NAMES = {{CLASS_NAMES}}
TIME_SERIES = {{TIME_SERIES}}
TIME_COLUMN = {{TIME_COLUMN}}
GROUP_COLUMN = {{GROUP_COLUMN}}
DROP_COLUMNS = {{DROP_COLUMNS}}
NUMERIC_COLUMNS = {{NUMERIC_COLUMNS}}
CATEGORICAL_COLUMNS = {{CATEGORICAL_COLUMNS}}
TEXT_COLUMNS = {{TEXT_COLUMNS}}
DATETIME_COLUMNS = {{DATETIME_COLUMNS}}
CLASSIFICATION = TARGET_TYPE in ('binary', 'multiclass')


# @block load
train = pd.read_csv({{TRAIN_FILE}})
test = pd.read_csv({{TEST_FILE}})
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
print(f'train rows: {len(train)}, test rows: {len(test)}, quick: {QUICK}')


# @block columns
features_excluded = set(TARGETS) | set(DROP_COLUMNS) | {ID_COLUMN}
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
    features[column] = pd.to_numeric(combined[column], errors='coerce')


# @block datetime
def calendar_features(moment, prefix):
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
        features = features.join(calendar_features(combined_time, 'time'))


# @block lags
# The horizon is the number of rows to forecast: a shift of at least that many rows means a test row's
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
features = features.join(lag_features.sort_index())


# @block categorical
for column in categorical_columns:
    values = combined[column].astype(str).where(combined[column].notna(), '__missing__')
    counts = values.iloc[:n_train].value_counts()
    frequent = set(counts[counts >= 3].index[:200])
    features[column] = values.where(values.isin(frequent), '__rare__')
    if len(counts) > 50:
        features[column + '_freq'] = values.map(counts).fillna(0).astype(float)


# @block text
for column in text_columns:
    text = combined[column].fillna('').astype(str)
    features[column] = text
    length = text.str.len().astype(float)
    features[column + '_chars'] = length
    features[column + '_words'] = text.str.split().str.len().fillna(0).astype(float)
    features[column + '_upper_share'] = text.str.count('[A-Z]') / length.clip(lower=1)
    features[column + '_digit_share'] = text.str.count('[0-9]') / length.clip(lower=1)


# @block finalize
text_feature_columns = [c for c in text_columns if c in features.columns]
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
print(f'features: {len(numeric_feature_columns)} numeric, {len(categorical_feature_columns)} categorical, {len(text_feature_columns)} text')


# @block same-label
def same_label(value, name):
    """A data value equals a profile class name, whether pandas read it as text or as a number."""
    if str(value) == str(name):
        return True
    try:
        return float(value) == float(name)
    except (TypeError, ValueError):
        return False


# @block target-regression
Y = train[TARGETS].apply(pd.to_numeric, errors='coerce').to_numpy(dtype=float)
y = None  # class indexes: classification only
N_CLASSES = 0
CLASSES = []


# @block target-classification
raw_target = train[TARGETS[0]]
CLASSES = sorted(pd.unique(raw_target), key=lambda v: (str(type(v)), v))
if TARGET_TYPE == 'binary' and len(CLASSES) == 2:
    matches = [v for v in CLASSES if POSITIVE_CLASS is not None and same_label(v, POSITIVE_CLASS)]
    positive = matches[0] if matches else raw_target.value_counts().index[-1]
    CLASSES = [v for v in CLASSES if v != positive] + [positive]
N_CLASSES = len(CLASSES)
class_index = {v: i for i, v in enumerate(CLASSES)}
y = raw_target.map(class_index).to_numpy(dtype=int)
Y = None  # numeric targets: regression only
print('classes:', CLASSES)


# @block encoders
from sklearn.compose import ColumnTransformer
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
    return ColumnTransformer(parts, remainder='drop')


# @block quick-sample
QUICK_ROWS = {{QUICK_SAMPLE_ROWS}}
if QUICK and len(X) > QUICK_ROWS:
    random_state = np.random.RandomState(SEED)
    if CLASSIFICATION:
        counts = np.bincount(y)
        rare = np.isin(y, np.where(counts < {{RARE_CLASS_ROWS}})[0])
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
        Y = Y[keep]


# @block range-clipper
from sklearn.base import BaseEstimator, TransformerMixin


class RangeClipper(BaseEstimator, TransformerMixin):
    def fit(self, values, y=None):
        values = np.asarray(values, dtype=float)
        # Winsorised at the 0.5 and 99.5 percentiles: measured better than the full training range on blueberry_yield,
        # california_housing and heat_flux (only a uniform, exactly linear feature like paris_housing's loses by it).
        self.low_ = np.nanpercentile(values, 0.5, axis=0)
        self.high_ = np.nanpercentile(values, 99.5, axis=0)
        return self

    def transform(self, values):
        return np.clip(np.asarray(values, dtype=float), self.low_, self.high_)
