# The vanilla control's own Python (the paper's baseline: a model given the task alone), one "# @block <name>"
# section per code block; vanilla-template.ts fills them. Settings, loading, the target, the folds, the metric and
# the files come from the same blocks as every option's script.

# @block features
# What a model given only the task writes: {{ vanilla_what }}; nothing engineered.
X, X_test = train[{{ feature_lists }}].copy(), test[{{ feature_lists }}].copy()
for frame in (X, X_test):
{% if numeric.length %}
    frame[NUMERIC] = frame[NUMERIC].apply(pd.to_numeric, errors="coerce")
{% endif %}
{% if categorical.length %}
    frame[CATEGORICAL] = frame[CATEGORICAL].astype(str)
{% endif %}
{% if text.length %}
    frame[TEXT] = frame[TEXT].fillna("").astype(str)
{% endif %}
{% if dates.length %}
    for column in DATES:
        moment = pd.to_datetime(frame.pop(column), errors="coerce", utc=True)
        frame[f"{column}_year"], frame[f"{column}_month"], frame[f"{column}_day"] = moment.dt.year, moment.dt.month, moment.dt.day
{% endif %}
{% if categorical.length %}
categorical_features = CATEGORICAL
{% endif %}
{% if text.length %}
text_features = TEXT
{% endif %}
{% if categorical.length or text.length %}
numeric_features = [c for c in X if c not in {{ non_numeric_constants }}]
{% else %}
numeric_features = list(X.columns)
{% endif %}
print(f"features: {X.shape[1]} columns")

# @block model
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
{% if categorical.length %}
from sklearn.preprocessing import OneHotEncoder
{% endif %}
{% if text.length %}
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
{% endif %}
{% if text.length %}
from sklearn.linear_model import {{ "LogisticRegression" if classification else "Ridge" }}
{% else %}
from sklearn.ensemble import {{ "RandomForestClassifier" if classification else "RandomForestRegressor" }}

TREES = 50 if QUICK else 100
{% endif %}


{% if text.length %}
tfidf = [(column + "_tfidf", TfidfVectorizer(max_features=20000), column) for column in text_features]
{% endif %}
vanilla_encoder = ColumnTransformer([
{%- if text.length %}("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric_features)
{%- else %}("numeric", SimpleImputer(strategy="median"), numeric_features){% endif %}
{%- if categorical.length %}, ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical_features){% endif %}]
{{- " + tfidf" if text.length }})


def fit_vanilla(A_fit, target, A_valid, valid_target):
{% if text.length and classification %}
    return LogisticRegression(max_iter=1000).fit(A_fit, target)
{% elif text.length %}
    return Ridge().fit(A_fit, target)
{% elif classification %}
    return RandomForestClassifier(n_estimators=TREES, n_jobs=2, random_state=SEED).fit(A_fit, target)
{% else %}
    return RandomForestRegressor(n_estimators=TREES, n_jobs=2, random_state=SEED).fit(A_fit, target)
{% endif %}
