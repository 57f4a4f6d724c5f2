# The vanilla control's Python (the paper's baseline: a model given the task alone), one "# @block <name>" section
# per code block; vanilla-template.ts fills the {{PLACEHOLDERS}}. The shared blocks (settings, loading, target
# encoding, metric, submission and prediction files) come from the other templates.

# @block features
# What a model given only the task writes: numeric columns (median imputation) and one-hot low-cardinality
# categoricals; for a text task, TF-IDF of the text. No engineered features, no tuning.
TEXT_MODEL = {{TEXT_MODEL}}
ONE_HOT_MAX_VALUES = 20
vanilla_numeric = [c for c in NUMERIC_COLUMNS if c in train.columns and c in test.columns]
vanilla_categorical = [
    c for c in CATEGORICAL_COLUMNS
    if c in train.columns and c in test.columns and train[c].nunique() <= ONE_HOT_MAX_VALUES
]
vanilla_text = [c for c in TEXT_COLUMNS if c in train.columns and c in test.columns] if TEXT_MODEL else []
feature_columns = vanilla_numeric + vanilla_categorical + vanilla_text
X = train[feature_columns].copy()
X_test = test[feature_columns].copy()
for frame in (X, X_test):
    for column in vanilla_numeric:
        frame[column] = pd.to_numeric(frame[column], errors='coerce')
    for column in vanilla_categorical:
        frame[column] = frame[column].astype(str)
    for column in vanilla_text:
        frame[column] = frame[column].fillna('').astype(str)
print(f'features: {len(vanilla_numeric)} numeric, {len(vanilla_categorical)} one-hot, {len(vanilla_text)} text')


# @block model
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def make_model():
    """Scikit-learn defaults: a random forest of 100 trees for a table, TF-IDF + logistic / ridge regression for text."""
    parts = []
    if vanilla_numeric:
        imputer = SimpleImputer(strategy='median')
        parts.append(('numeric', make_pipeline(imputer, StandardScaler()) if TEXT_MODEL else imputer, vanilla_numeric))
    if vanilla_categorical:
        parts.append(('categorical', OneHotEncoder(handle_unknown='ignore'), vanilla_categorical))
    for column in vanilla_text:
        parts.append((column + '_tfidf', TfidfVectorizer(max_features=20000), column))
    if not parts:
        raise ValueError('no usable feature columns in train.csv')
    trees = 50 if QUICK else 100
    if TEXT_MODEL:
        estimator = LogisticRegression(max_iter=1000) if CLASSIFICATION else Ridge()
    elif CLASSIFICATION:
        estimator = RandomForestClassifier(n_estimators=trees, n_jobs=2, random_state=SEED)
    else:
        estimator = RandomForestRegressor(n_estimators=trees, n_jobs=2, random_state=SEED)
    return make_pipeline(ColumnTransformer(parts), estimator)


# @block cross-validation
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

N_FOLDS = 3 if QUICK else 5
truth = y if CLASSIFICATION else Y
# The folds hold rows out the way the task does (unseen groups, a later period): a shuffled k-fold would leak there,
# and its out-of-fold predictions would look better than they are to anyone who weighs them (a blend).
groups = train[GROUP_COLUMN].astype(str).values if GROUP_COLUMN and GROUP_COLUMN in train.columns else None
if groups is not None and len(set(groups)) >= 2:
    N_FOLDS = min(N_FOLDS, len(set(groups)))
    splitter = GroupKFold(n_splits=N_FOLDS)
elif TIME_SERIES:
    splitter = TimeSeriesSplit(n_splits=N_FOLDS)
elif CLASSIFICATION:
    splitter = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
else:
    splitter = KFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
width = (N_CLASSES if N_CLASSES > 2 else 1) if CLASSIFICATION else Y.shape[1]
oof_prediction = np.full((len(X), width), np.nan)
fold_scores, test_predictions = [], []


def predict(model, rows):
    """Probabilities over every class (P(positive) for binary), or the predicted values as (rows, targets)."""
    if CLASSIFICATION:
        probability = np.zeros((len(rows), N_CLASSES))
        probability[:, model.classes_] = model.predict_proba(rows)
        return probability[:, 1] if N_CLASSES == 2 else probability
    return np.asarray(model.predict(rows), dtype=float).reshape(len(rows), -1)


for fold, (fit_rows, valid_rows) in enumerate(splitter.split(X, truth if CLASSIFICATION else None, groups)):
    model = make_model()
    if CLASSIFICATION:
        model.fit(X.iloc[fit_rows], y[fit_rows])
    else:
        model.fit(X.iloc[fit_rows], Y[fit_rows, 0] if Y.shape[1] == 1 else Y[fit_rows])
    valid_prediction = predict(model, X.iloc[valid_rows])
    oof_prediction[valid_rows] = np.asarray(valid_prediction, dtype=float).reshape(len(valid_rows), -1)
    fold_scores.append(score_metric(truth[valid_rows], valid_prediction))
    test_predictions.append(predict(model, X_test))
    print(f'fold {fold + 1} of {N_FOLDS}: {METRIC} = {fold_scores[-1]:.5f}', flush=True)

# The test predictions average the fold models.
final_prediction = np.mean(test_predictions, axis=0)
finite = [s for s in fold_scores if np.isfinite(s)]
cv_score = float(np.mean(finite)) if finite else None
print(f'cv {METRIC}: {cv_score} ({"higher" if HIGHER_IS_BETTER else "lower"} is better)')
with open({{CV_SCORE_FILE}}, 'w') as handle:
    json.dump({'metric': METRIC, 'cv_score': cv_score}, handle)


# @block chart
import matplotlib.pyplot as plt

plt.switch_backend('Agg')  # no display in the sandbox
estimator = model[-1]
try:
    names = [str(name) for name in model[0].get_feature_names_out()]
except Exception:
    names = None
values = getattr(estimator, 'feature_importances_', None)
kind = 'feature importance (last fold)'
if values is None and hasattr(estimator, 'coef_'):
    values = np.abs(np.atleast_2d(estimator.coef_)).mean(axis=0)
    kind = '|coefficient| (last fold)'
if values is not None:
    values = np.asarray(values, dtype=float)
    names = names if names is not None and len(names) == len(values) else [f'feature_{i}' for i in range(len(values))]
    top = sorted(zip(names, values), key=lambda item: item[1], reverse=True)[:20]
    figure, axes = plt.subplots(figsize=(7, 5))
    axes.barh([name[:40] for name, _ in reversed(top)], [value for _, value in reversed(top)])
    axes.set_title(kind)
    figure.tight_layout()
    figure.savefig({{CHART_FILE}}, dpi=90)
