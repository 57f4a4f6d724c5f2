# The preprocessing stage's Python, one "# @block <name>" section per code block. preprocessing-template.ts chooses
# the blocks and writes the instruction step above each; nunjucks renders each block with what the engine knows
# about the task (script-facts.ts), so the script holds only the code this data needs.

# @block setup
import os

import numpy as np
import pandas as pd

# A quick check ({{ quick_env }}=1, the plan's evidence) changes these constants, never the code path.
QUICK = os.environ.get({{ quick_env | py }}) == "1"
{% if folds == 3 %}
FOLDS = 3
{% else %}
FOLDS = 3 if QUICK else {{ folds }}
{% endif %}
SEED = 42
TARGETS = {{ targets | py }}
ID_COLUMN = {{ id_column | py }}
{% if numeric.length %}
{{ numeric | constant("NUMERIC") }}
{% endif %}
{% if categorical.length %}
{{ categorical | constant("CATEGORICAL") }}
{% endif %}
{% if text.length %}
{{ text | constant("TEXT") }}
{% endif %}
{% if dates.length %}
{{ dates | constant("DATES") }}
{% endif %}
{% if tfidf_features %}
TFIDF_FEATURES = 20000 if QUICK else {{ tfidf_features }}
{% endif %}

# @block load
{% if classification %}
# Labels are read as the file writes them, so the submission repeats them exactly.
train = pd.read_csv({{ train_file | py }}, dtype={TARGETS[0]: str})
{% else %}
train = pd.read_csv({{ train_file | py }})
{% endif %}
train = train.dropna(subset=TARGETS).reset_index(drop=True)
test = pd.read_csv({{ test_file | py }})
{% if time_from or calendar %}


def moments(frame):  # each row's moment in UTC; unparsable values become NaT
{% if time_from %}
    return pd.to_datetime(frame[{{ time_from | py }}], errors="coerce", utc=True)
{% else %}
{% if calendar_renamed %}
    parts = frame[{{ calendar_columns | py }}].set_axis({{ calendar_parts | py }}, axis=1)
{% else %}
    parts = frame[{{ calendar_columns | py }}]
{% endif %}
    return pd.to_datetime(parts.apply(pd.to_numeric, errors="coerce"), errors="coerce", utc=True)
{% endif %}
{% endif %}
{% if time_series and (time_from or calendar) %}


# Rows in time order, so lags, rolling means and time-ordered folds only look backwards.
train = train.iloc[np.argsort(moments(train).values, kind="stable")].reset_index(drop=True)
{% endif %}
print(f"train rows: {len(train)}, test rows: {len(test)}")

# @block columns
n_train = len(train)
combined = pd.concat([train.drop(columns=TARGETS), test], ignore_index=True)
{% if numeric.length %}
features = combined[NUMERIC].apply(pd.to_numeric, errors="coerce")
{% else %}
features = pd.DataFrame(index=combined.index)
{% endif %}

# @block datetime
def calendar_features(moment, prefix):
    parts = {name: getattr(moment.dt, name) for name in ("year", "month", "day", "dayofweek", "dayofyear", "hour")}
{% if time_series %}
    for k in (1, 2):  # two harmonics of the year's cycle, one of the day's
        parts[f"doy_sin{k}"] = np.sin(2 * np.pi * k * moment.dt.dayofyear / 365.25)
        parts[f"doy_cos{k}"] = np.cos(2 * np.pi * k * moment.dt.dayofyear / 365.25)
    parts["hour_sin"] = np.sin(2 * np.pi * moment.dt.hour / 24)
    parts["hour_cos"] = np.cos(2 * np.pi * moment.dt.hour / 24)
    parts["trend_days"] = (moment - moment.min()).dt.total_seconds() / 86400
{% endif %}
    return pd.DataFrame({f"{prefix}_{name}": values for name, values in parts.items()}).astype(float)


{% if dates.length %}
for column in DATES:
    moment = pd.to_datetime(combined[column], errors="coerce", utc=True)
    features = features.join(calendar_features(moment, column))
{% else %}
features = features.join(calendar_features(moments(combined), "time"))
{% endif %}

# @block lags
{% if time_from or calendar %}
order = np.argsort(moments(combined).values, kind="stable")
{% else %}
order = np.arange(len(combined))
{% endif %}
history = np.r_[train[TARGETS[0]].to_numpy(dtype=float), np.full(len(test), np.nan)][order]
lagged = pd.Series(history).shift(max(len(test), 1))
for window in (1, 7, 30):
    features.loc[order, f"lag_mean{window}"] = lagged.rolling(window, min_periods=1).mean().to_numpy()

# @block categorical
for column in CATEGORICAL:
    values = combined[column].astype(str).where(combined[column].notna(), "__missing__")
    counts = values.iloc[:n_train].value_counts()
    frequent = counts[counts >= 3].index[:200]
    features[column] = values.where(values.isin(frequent), "__rare__")
{% if high_cardinality.length %}
# Many distinct values: how often each value occurs in training is a feature of its own.
for column in {{ high_cardinality | py }}:
    values = combined[column].astype(str)
    features[f"{column}_freq"] = values.map(values.iloc[:n_train].value_counts()).fillna(0).astype(float)
{% endif %}

# @block text
for column in TEXT:
    text = combined[column].fillna("").astype(str)
    length = text.str.len().astype(float)
    features[column] = text
    features[f"{column}_chars"] = length
    features[f"{column}_words"] = text.str.split().str.len().astype(float)
    features[f"{column}_upper_share"] = text.str.count("[A-Z]") / length.clip(lower=1)
    features[f"{column}_digit_share"] = text.str.count("[0-9]") / length.clip(lower=1)

# @block finalize
features = features.replace([np.inf, -np.inf], np.nan)
features = features.loc[:, features.iloc[:n_train].nunique() > 1]
X = features.iloc[:n_train].reset_index(drop=True)
X_test = features.iloc[n_train:].reset_index(drop=True)
{% if categorical.length %}
categorical_features = [c for c in CATEGORICAL if c in X]
{% endif %}
{% if text.length %}
text_features = [c for c in TEXT if c in X]
{% endif %}
{% if categorical.length or text.length %}
numeric_features = [c for c in X if c not in {{ non_numeric }}]
{% else %}
numeric_features = list(X.columns)
{% endif %}
print(f"features: {X.shape[1]} columns, {len(numeric_features)} numeric")

# @block target-regression
Y = train[TARGETS].to_numpy(dtype=float)

# @block target-classification
labels = train[TARGETS[0]]
{% if binary %}
# The positive class last, so column 1 of predict_proba is P({{ positive }}).
CLASSES = sorted(labels.unique(), key=lambda label: label == {{ positive | py }})
{% else %}
CLASSES = sorted(labels.unique())
{% endif %}
y = labels.map({label: i for i, label in enumerate(CLASSES)}).to_numpy()
print("classes:", CLASSES)

# @block quick-sample
{% if time_series %}
# A seeded sample of at most MAX_ROWS rows (every row in a full run), taken after the features so lags see all
# history, and kept in time order for the folds.
{% else %}
# A seeded sample of at most MAX_ROWS rows: every row in a full run.
{% endif %}
MAX_ROWS = {{ quick_rows }} if QUICK else len(X)
order = np.random.RandomState(SEED).permutation(len(X))
{% if classification %}
# Rows of classes with fewer than {{ rare_class_rows }} rows come first: a sample must not thin a rare class further.
rare = np.bincount(y)[y] < {{ rare_class_rows }}
order = order[np.argsort(~rare[order], kind="stable")]
{% endif %}
rows = np.sort(order[:MAX_ROWS])
X, train = X.iloc[rows].reset_index(drop=True), train.iloc[rows].reset_index(drop=True)
{% if classification %}
y = y[rows]
print("rows per class in the sample:", np.bincount(y, minlength=len(CLASSES)).tolist())
{% else %}
Y = Y[rows]
{% endif %}

# @block range-clipper
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

# Linear models extrapolate: their numeric inputs are clipped to the 0.5-99.5 percentiles of the training rows.
low, high = X[numeric_features].quantile(0.005), X[numeric_features].quantile(0.995)
clip = FunctionTransformer(lambda values: values.clip(low, high, axis=1), feature_names_out="one-to-one")
scaled = make_pipeline(clip, SimpleImputer(strategy="median", add_indicator=True), StandardScaler())

# @block encoders
from sklearn.compose import ColumnTransformer
{% if uses.tfidf %}
from sklearn.feature_extraction.text import TfidfVectorizer
{% endif %}
{% if uses.svd %}
from sklearn.decomposition import TruncatedSVD
{% endif %}
{% if uses.imputer %}
from sklearn.impute import SimpleImputer
{% endif %}
{% if uses.pipeline %}
from sklearn.pipeline import make_pipeline
{% endif %}
{% if uses.ordinal or uses.one_hot or uses.scaler %}
from sklearn.preprocessing import {{ uses.preprocessing_names }}
{% endif %}
{% if uses.ordinal %}
ordinal = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
{% endif %}
{% if uses.one_hot %}
one_hot = OneHotEncoder(handle_unknown="ignore")
{% endif %}
{% if uses.words %}
words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=TFIDF_FEATURES, sublinear_tf=True)
{% endif %}
{% if uses.chars %}
# Character n-grams catch misspellings and word forms.
chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=TFIDF_FEATURES, sublinear_tf=True)
{% endif %}
{% if uses.svd %}
words_svd = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20000, sublinear_tf=True)
svd = make_pipeline(words_svd, TruncatedSVD(n_components=32 if QUICK else {{ uses.svd }}, random_state=SEED))
{% endif %}
{% if time_series and uses.linear %}
# Raw calendar counters and the trend extrapolate linearly; the sine/cosine terms carry the seasonality.
raw = ("_year", "_month", "_day", "_dayofyear", "_hour", "_trend_days")
linear_numeric = [c for c in numeric_features if not c.endswith(raw)]
{% endif %}
{% for encoder in encoders %}
{{ encoder.style }}_encoder = ColumnTransformer(
{%- if encoder.style == "trees" %}[("numeric", "passthrough", numeric_features)
{%- elif encoder.style == "forest" %}[("numeric", SimpleImputer(strategy="median"), numeric_features)
{%- else %}[("numeric", scaled, {{ "linear_numeric" if time_series else "numeric_features" }}){% endif %}
{%- if categorical.length and encoder.style in ["trees", "forest"] %}, ("categorical", ordinal, categorical_features)
{%- elif categorical.length %}, ("categorical", one_hot, categorical_features){% endif %}]
{{- " + [(c + \"_words\", words, c) for c in text_features]" if encoder.words }}
{{- " + [(c + \"_chars\", chars, c) for c in text_features]" if encoder.chars }}
{{- " + [(c + \"_svd\", svd, c) for c in text_features]" if encoder.svd }})
{% endfor %}
