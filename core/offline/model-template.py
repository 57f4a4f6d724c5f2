# The architecture and training stages' Python, one "# @block <name>" section per code block. model-template.ts
# writes the instruction step above each; nunjucks renders each block with what the engine knows (script-facts.ts).

# @block models
{% for model in models %}
{% if model.id == "gbdt" and model.engine == "xgboost" %}
from xgboost import {{ "XGBClassifier" if classification else "XGBRegressor" }}
{% elif model.id == "gbdt" %}
from sklearn.ensemble import {{ "HistGradientBoostingClassifier" if classification else "HistGradientBoostingRegressor" }}
{% elif model.id == "random-forest" %}
from sklearn.ensemble import {{ "RandomForestClassifier" if classification else "RandomForestRegressor" }}
{% else %}
from sklearn.linear_model import {{ "LogisticRegression" if classification else "Ridge" }}
{% endif %}
{% endfor %}
{% for model in models %}
{% if model.id == "gbdt" %}

ROUNDS = {{ model.quickEstimators }} if QUICK else {{ model.nEstimators }}
LEARNING_RATE = {{ model.quickLearningRate }} if QUICK else {{ model.learningRate }}
PATIENCE = 30 if QUICK else {{ model.earlyStoppingRounds }}
{% elif model.id == "random-forest" %}

TREES = {{ model.quickEstimators }} if QUICK else {{ model.nEstimators }}
{% endif %}
{% endfor %}
{% if time_series and boosting %}
best_rounds = []  # early-stopped round counts per fold: the refit on every row uses their median
{% endif %}
{% for model in models %}


def fit_{{ model.name }}(A_fit, target, A_valid, valid_target{{ ", rounds=None" if time_series }}):
{% if model.id == "gbdt" and model.engine == "xgboost" %}
    model = {{ "XGBClassifier" if classification else "XGBRegressor" }}(n_estimators={{ "rounds or ROUNDS" if time_series else "ROUNDS" }}, learning_rate=LEARNING_RATE, max_depth={{ model.maxDepth }})
    model.set_params(subsample=0.8, colsample_bytree=0.8, tree_method="hist", n_jobs=1, random_state=SEED)
{% if time_series %}
    model.set_params(early_stopping_rounds=None if rounds else PATIENCE)
    eval_set = None if rounds else [(A_valid, valid_target)]
    model.fit(A_fit, target, eval_set=eval_set, verbose=False)
    best_rounds.append(model.best_iteration + 1 if eval_set else rounds)
    return model
{% else %}
    model.set_params(early_stopping_rounds=PATIENCE)  # on the fold's validation rows
    return model.fit(A_fit, target, eval_set=[(A_valid, valid_target)], verbose=False)
{% endif %}
{% elif model.id == "gbdt" %}
    model = {{ "HistGradientBoostingClassifier" if classification else "HistGradientBoostingRegressor" }}(max_iter={{ "rounds or ROUNDS" if time_series else "ROUNDS" }}, learning_rate=LEARNING_RATE)
    model.set_params(max_leaf_nodes=31, l2_regularization=1.0, random_state=SEED)
    model.set_params(early_stopping={{ "rounds is None" if time_series else "True" }}, n_iter_no_change=PATIENCE, validation_fraction=0.1)
{% if time_series %}
    model.fit(A_fit, target)
    best_rounds.append(model.n_iter_)
    return model
{% else %}
    return model.fit(A_fit, target)
{% endif %}
{% elif model.id == "random-forest" %}
    model = {{ "RandomForestClassifier" if classification else "RandomForestRegressor" }}(n_estimators=TREES, max_features={{ ("sqrt" if classification else 0.5) | py }}, min_samples_leaf={{ model.minSamplesLeaf }})
    model.set_params({{ ("max_samples=" + model.maxSamples + ", ") if model.maxSamples }}n_jobs=2, random_state=SEED)
    return model.fit(A_fit, target)
{% elif classification %}
    return LogisticRegression(C={{ model.c }}, max_iter=2000).fit(A_fit, target)
{% else %}
    return Ridge(alpha={{ model.alpha }}).fit(A_fit, target)
{% endif %}
{% endfor %}
{% if blend %}


MODELS = { {%- for model in models %}{{ model.name | py }}: ({{ model.encoder }}_encoder, fit_{{ model.name }}){{ ", " if not loop.last }}{% endfor %}}
weights = {{ weights | py }}
{% endif %}

# @block metric
{% if metric == "r2" %}
from sklearn.metrics import r2_score
{% elif metric == "roc-auc" %}
from sklearn.metrics import roc_auc_score
{% elif metric == "log-loss" %}
from sklearn.metrics import log_loss
{% elif metric == "accuracy" %}
from sklearn.metrics import accuracy_score
{% elif metric in ["f1", "f1-macro", "f1-micro"] %}
from sklearn.metrics import f1_score
{% endif %}


def score(truth, prediction):
{% if regression %}
    """The task metric, {{ metric }}, of (rows, targets) values{{ ", the mean over the targets" if targets.length > 1 }}."""
{% elif binary %}
    """The task metric, {{ metric }}, of the labels (0/1) against P({{ positive }})."""
{% else %}
    """The task metric, {{ metric }}, of the class indexes against (rows, classes) probabilities."""
{% endif %}
{% if metric in ["rmse", "mcrmse"] %}
    return float(np.mean(np.sqrt(np.mean((truth - prediction) ** 2, axis=0))))
{% elif metric == "mse" %}
    return float(np.mean((truth - prediction) ** 2))
{% elif metric == "mae" %}
    return float(np.mean(np.abs(truth - prediction)))
{% elif metric == "rmsle" %}
    logs = np.log1p(np.clip(prediction, 0, None)) - np.log1p(np.clip(truth, 0, None))
    return float(np.sqrt(np.mean(logs**2)))
{% elif metric == "mape" %}
    return float(np.mean(np.abs((truth - prediction) / np.clip(np.abs(truth), 1e-9, None))))
{% elif metric == "r2" %}
    return float(r2_score(truth, prediction))
{% elif metric == "roc-auc" and binary %}
    # A fold of a rare positive class may hold none: its AUC is undefined, and the CV mean skips it.
    return float(roc_auc_score(truth, prediction)) if len(np.unique(truth)) == 2 else float("nan")
{% elif metric == "roc-auc" %}
    present = np.unique(truth)  # a fold may lack a rare class: macro one-vs-rest over those it has
    share = prediction[:, present] / prediction[:, present].sum(axis=1, keepdims=True)
    return float(roc_auc_score(truth, share, multi_class="ovr", labels=present))
{% elif metric == "log-loss" and binary %}
    return float(log_loss(truth, np.clip(prediction, 1e-7, 1 - 1e-7), labels=[0, 1]))
{% elif metric == "log-loss" %}
    return float(log_loss(truth, prediction, labels=range(len(CLASSES))))
{% elif metric == "accuracy" %}
    return float(accuracy_score(truth, {{ "prediction >= 0.5" if binary else "prediction.argmax(axis=1)" }}))
{% else %}
    labels = {{ "prediction >= 0.5" if binary else "prediction.argmax(axis=1)" }}
    return float(f1_score(truth, labels, average={{ {"f1": "binary", "f1-macro": "macro", "f1-micro": "micro"}[metric] | py }}))
{% endif %}

# @block linear-base
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline

# Trees approximate a near-linear target with many small steps. When a ridge regression explains at least 90% of
# the variance out of fold (3 folds on at most 5000 rows), each model fits what the ridge leaves over instead.
sample = np.sort(np.random.RandomState(SEED).permutation(len(X))[:5000])
ridge = make_pipeline(linear_encoder, Ridge(alpha=1.0))
three_folds = KFold(n_splits=3, shuffle=True, random_state=SEED)
ridge_r2 = [
    r2_score(Y[sample, j], cross_val_predict(ridge, X.iloc[sample], Y[sample, j], cv=three_folds))
    for j in range(len(TARGETS))
]
BASE_WEIGHT = float(min(ridge_r2) >= 0.9)  # 1: prediction = ridge + model; 0: the model alone
print(f"linear out-of-fold r2 per target: {np.round(ridge_r2, 4).tolist()}, ridge base weight {BASE_WEIGHT}")

# @block fit
from sklearn.base import clone

def fit_fold(encoder, fit, fit_rows, valid_rows):
    """Validation and test predictions of one model, its encoder fitted on the fold's training rows."""
    encoder = clone(encoder)
    A_fit = encoder.fit_transform(X.iloc[fit_rows])
    A_valid, A_test = encoder.transform(X.iloc[valid_rows]), encoder.transform(X_test)
{% if binary %}
    model = fit(A_fit, y[fit_rows], A_valid, y[valid_rows])
    valid_prediction, test_prediction = (model.predict_proba(A)[:, 1] for A in (A_valid, A_test))
{% elif multiclass %}
    # A rare class may be missing from a fold's training rows: the model learns the classes it has.
    present = np.unique(y[fit_rows])
    seen = np.isin(y[valid_rows], present)
    target, valid_target = (np.searchsorted(present, y[rows]) for rows in (fit_rows, valid_rows[seen]))
    model = fit(A_fit, target, A_valid[seen], valid_target)
    valid_prediction = np.zeros((len(valid_rows), len(CLASSES)))
    test_prediction = np.zeros((len(X_test), len(CLASSES)))
    valid_prediction[:, present] = model.predict_proba(A_valid)
    test_prediction[:, present] = model.predict_proba(A_test)
{% else %}
    valid_prediction, test_prediction = np.zeros((len(valid_rows), len(TARGETS))), np.zeros((len(X_test), len(TARGETS)))
    for j in range(len(TARGETS)):
{% if log_target %}
        # Fitted on log1p of the target, predictions inverted with expm1.
        target, valid_target = (np.log1p(np.clip(Y[rows, j], 0, None)) for rows in (fit_rows, valid_rows))
{% else %}
        target, valid_target = Y[fit_rows, j], Y[valid_rows, j]
{% endif %}
{% if linear_base %}
        ridge = make_pipeline(linear_encoder, Ridge(alpha=1.0)).fit(X.iloc[fit_rows], target)
        base = [BASE_WEIGHT * ridge.predict(rows) for rows in (X.iloc[fit_rows], X.iloc[valid_rows], X_test)]
        model = fit(A_fit, target - base[0], A_valid, valid_target - base[1])
        outputs = model.predict(A_valid) + base[1], model.predict(A_test) + base[2]
{% else %}
        model = fit(A_fit, target, A_valid, valid_target)
        outputs = model.predict(A_valid), model.predict(A_test)
{% endif %}
        # Kept within the training range plus a margin: a trend or an outlier must not explode a prediction.
        margin = 0.1 * np.ptp(Y[fit_rows, j])
        low, high = np.min(Y[fit_rows, j]) - margin, np.max(Y[fit_rows, j]) + margin
{% if log_target %}
        outputs = [np.expm1(values) for values in outputs]
{% endif %}
        valid_prediction[:, j], test_prediction[:, j] = (np.clip(v, low, high) for v in outputs)
{% endif %}
    return valid_prediction, test_prediction, model, encoder

# @block cross-validation
{% if group_column %}
from sklearn.model_selection import GroupKFold
{% elif time_series %}
from sklearn.model_selection import TimeSeriesSplit
{% elif classification %}
from sklearn.model_selection import StratifiedKFold
{% else %}
from sklearn.model_selection import KFold
{% endif %}

{% if group_column %}
# Validation rows come from groups the fold did not train on, as the held-out rows do.
groups = train[{{ group_column | py }}].astype(str).to_numpy()
FOLDS = min(FOLDS, len(set(groups)))
splits = GroupKFold(n_splits=FOLDS).split(X, groups=groups)
{% elif time_series %}
splits = TimeSeriesSplit(n_splits=FOLDS).split(X)
{% elif classification %}
splits = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(X, y)
{% else %}
splits = KFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(X)
{% endif %}
{% set shape = ("len(X)" if binary else ("(len(X), len(CLASSES))" if multiclass else "(len(X), len(TARGETS))")) %}
{% set test_shape = ("len(X_test)" if binary else ("(len(X_test), len(CLASSES))" if multiclass else "(len(X_test), len(TARGETS))")) %}
{% if blend %}
oof = {name: np.full({{ shape }}, np.nan) for name in MODELS}
test_prediction = {name: np.zeros({{ test_shape }}) for name in MODELS}
{% else %}
oof = np.full({{ shape }}, np.nan)
test_prediction = np.zeros({{ test_shape }})
{% endif %}
fold_scores, fold_rows = [], []
{% if importance %}
importance = pd.Series(dtype=float)
{% endif %}
for fold, (fit_rows, valid_rows) in enumerate(splits, start=1):
{% if blend %}
    for name, (encoder, fit) in MODELS.items():
        oof[name][valid_rows], fold_test, model, encoder = fit_fold(encoder, fit, fit_rows, valid_rows)
        test_prediction[name] += fold_test / FOLDS
{% if importance %}
        if name == {{ importance_model | py }}:
            fold_importance = {{ importance_expression }}
            importance = importance.add(fold_importance, fill_value=0)
{% endif %}
    blended = sum(weights[name] * oof[name][valid_rows] for name in MODELS)
    fold_scores.append(score({{ truth }}[valid_rows], blended))
{% else %}
    model_fit = fit_fold({{ models[0].encoder }}_encoder, fit_{{ models[0].name }}, fit_rows, valid_rows)
    oof[valid_rows], fold_test, model, encoder = model_fit
    test_prediction += fold_test / FOLDS
{% if importance %}
    fold_importance = {{ importance_expression }}
    importance = importance.add(fold_importance, fill_value=0)
{% endif %}
    fold_scores.append(score({{ truth }}[valid_rows], oof[valid_rows]))
{% endif %}
    fold_rows.append(valid_rows)
    print(f"fold {fold} of {FOLDS}: {{ metric }} = {fold_scores[-1]:.5f}", flush=True)
{% if fit_weights %}
import itertools
{% if weight_metric != metric %}
from sklearn.metrics import log_loss
{% endif %}

# The blend's weights: every weighting on a 0.1 grid, scored on the out-of-fold predictions{{ " (on the log-loss of the blended probabilities, which moves in smaller steps than " + metric + ")" if weight_metric != metric }}.
names = list(MODELS)
covered = np.concatenate(fold_rows)
grid = [np.array(c) / 10 for c in itertools.product(range(11), repeat=len(names)) if sum(c) == 10]
{% if weight_metric != metric %}
weight_score = {{ weight_metric_expression }}
{% endif %}
trials = [({{ "weight_score" if weight_metric != metric else "score" }}({{ truth }}[covered], sum(w * oof[n][covered] for w, n in zip(c, names))), c) for c in grid]
best = {{ "max" if weight_higher else "min" }}(trials, key=lambda trial: trial[0])[1]
weights = dict(zip(names, best.tolist()))
fold_scores = [score({{ truth }}[rows], sum(weights[n] * oof[n][rows] for n in names)) for rows in fold_rows]
print("blend weights fitted out of fold:", weights)
{% endif %}
{% if blend %}
oof = sum(weights[name] * oof[name] for name in MODELS)
{% if not refit %}
test_prediction = sum(weights[name] * test_prediction[name] for name in MODELS)
{% endif %}
{% endif %}
{% if refit %}

# The latest history matters most for a forecast: a refit on every training row{{ " with the median round count" if boosting }}.
{% if boosting %}
rounds = int(np.median(best_rounds))
{% endif %}
{% if blend %}
test_prediction = sum(weights[n] * refit_all(encoder, fit) for n, (encoder, fit) in MODELS.items())
{% else %}
test_prediction = refit_all({{ models[0].encoder }}_encoder, fit_{{ models[0].name }})
{% endif %}
{% endif %}
cv_score = float(np.nanmean(fold_scores))
print(f"cv {{ metric }}: {cv_score:.5f} ({{ "higher" if higher_is_better else "lower" }} is better)")

# @block refit
def refit_all(encoder, fit):
    """One model fitted on every training row{{ " with the median round count" if boosting }}: its test predictions."""
    encoder = clone(encoder)
    A_all, A_test = encoder.fit_transform(X), encoder.transform(X_test)
{% if log_target %}
    model = fit(A_all, np.log1p(np.clip(Y[:, 0], 0, None)), None, None{{ ", rounds" if boosting }})
    return np.expm1(model.predict(A_test)).reshape(-1, 1)
{% else %}
    model = fit(A_all, Y[:, 0], None, None{{ ", rounds" if boosting }})
    return model.predict(A_test).reshape(-1, 1)
{% endif %}

# @block chart
import matplotlib.pyplot as plt

plt.switch_backend("Agg")  # no display in the sandbox
{% if importance %}
figure, (folds_axes, importance_axes) = plt.subplots(1, 2, figsize=(12, 5))
{% else %}
figure, folds_axes = plt.subplots(figsize=(6, 5))
{% endif %}
folds_axes.bar([str(k) for k in range(1, len(fold_scores) + 1)], fold_scores)
folds_axes.set(title=f"{{ metric }} by CV fold (mean {cv_score:.5f})", xlabel="fold")
{% if importance %}
importance.sort_values().tail(20).plot.barh(ax=importance_axes, title={{ ("|coefficient| (sum over folds)" if importance == "linear" else "feature importance (sum over folds)") | py }})
{% endif %}
figure.tight_layout()
figure.savefig({{ chart_file | py }}, dpi=90)
