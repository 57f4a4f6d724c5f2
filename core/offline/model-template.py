# The architecture and training stages' Python, one "# @block <name>" section per code block; model-template.ts
# writes the instruction step above each and fills the {{PLACEHOLDERS}} with Python literals.

# @block models
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge

try:
    import xgboost
    HAVE_XGBOOST = True
except Exception as error:  # missing or broken xgboost: the recipe falls back to HistGradientBoosting
    print('xgboost unavailable, using HistGradientBoosting:', error)
    HAVE_XGBOOST = False

MODELS = [
{{MODELS}}
]


# One thread: on a shared 2-core machine OpenMP's spin-waiting makes a second xgboost thread many times slower.
XGBOOST_THREADS = 1
try:  # the same for scikit-learn's OpenMP (HistGradientBoosting) and BLAS pools
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
except Exception as error:
    print('thread pools not limited:', error)


def uses_xgboost(model):
    return model['id'] == 'gbdt' and model['engine'] == 'xgboost' and HAVE_XGBOOST


def build_model(model, n_classes, early_stopping, rounds=None):
    """A fresh estimator and the extra fit() arguments it needs."""
    kind = model['id']
    trees = rounds or (model['quick_n_estimators'] if QUICK else model['n_estimators'])
    if kind == 'gbdt':
        learning_rate = model['quick_learning_rate'] if QUICK else model['learning_rate']
        patience = 30 if QUICK else model['early_stopping_rounds']
        if uses_xgboost(model):
            settings = dict(
                n_estimators=trees, learning_rate=learning_rate, max_depth=model['max_depth'], subsample=0.8,
                colsample_bytree=0.8, min_child_weight=1.0, reg_lambda=1.0, tree_method='hist', n_jobs=XGBOOST_THREADS,
                random_state=SEED, verbosity=0,
            )
            estimator = xgboost.XGBClassifier if n_classes else xgboost.XGBRegressor
            eval_metric = ('logloss' if n_classes == 2 else 'mlogloss') if n_classes else 'rmse'
            if not early_stopping:
                return estimator(**settings), {}
            try:  # xgboost >= 1.6 (and 2.x) take early stopping in the constructor
                return estimator(early_stopping_rounds=patience, eval_metric=eval_metric, **settings), {}
            except TypeError:  # older xgboost: early stopping is a fit() argument
                return estimator(**settings), {'early_stopping_rounds': patience, 'eval_metric': eval_metric}
        estimator = HistGradientBoostingClassifier if n_classes else HistGradientBoostingRegressor
        return estimator(
            max_iter=trees, learning_rate=learning_rate, max_leaf_nodes=31, l2_regularization=1.0,
            early_stopping=early_stopping, n_iter_no_change=patience, validation_fraction=0.1, random_state=SEED,
        ), {}
    if kind == 'random-forest':
        if n_classes:
            return RandomForestClassifier(
                n_estimators=trees, min_samples_leaf=model['min_samples_leaf'], max_features='sqrt',
                max_samples=model['max_samples'], n_jobs=2, random_state=SEED,
            ), {}
        return RandomForestRegressor(
            n_estimators=trees, min_samples_leaf=model['min_samples_leaf'], max_features=0.5,
            max_samples=model['max_samples'], n_jobs=2, random_state=SEED,
        ), {}
    if n_classes:
        return LogisticRegression(C=1.0 / model['alpha'], max_iter=2000), {}
    return Ridge(alpha=model['alpha']), {}


# @block metric
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)

HIGHER_IS_BETTER = METRIC in ('r2', 'roc-auc', 'accuracy', 'f1', 'f1-macro', 'f1-micro')


def score_metric(truth, prediction):
    """The task metric for one fold: truth and prediction are (rows, targets) for regression,
    labels and P(positive) for binary, labels and (rows, classes) probabilities for multiclass."""
    if not CLASSIFICATION:
        t = np.asarray(truth, dtype=float).reshape(len(truth), -1)
        p = np.asarray(prediction, dtype=float).reshape(len(prediction), -1)
        if METRIC == 'mcrmse':
            return float(np.mean([np.sqrt(mean_squared_error(t[:, j], p[:, j])) for j in range(t.shape[1])]))
        t, p = t[:, 0], p[:, 0]
        if METRIC == 'rmse':
            return float(np.sqrt(mean_squared_error(t, p)))
        if METRIC == 'mse':
            return float(mean_squared_error(t, p))
        if METRIC == 'mae':
            return float(mean_absolute_error(t, p))
        if METRIC == 'rmsle':
            return float(np.sqrt(np.mean((np.log1p(np.clip(p, 0, None)) - np.log1p(np.clip(t, 0, None))) ** 2)))
        if METRIC == 'r2':
            return float(r2_score(t, p))
        if METRIC == 'mape':
            return float(np.mean(np.abs((t - p) / np.clip(np.abs(t), 1e-9, None))))
        return float(np.sqrt(mean_squared_error(t, p)))
    truth = np.asarray(truth, dtype=int)
    if N_CLASSES == 2:
        probability = np.clip(np.asarray(prediction, dtype=float), 1e-7, 1 - 1e-7)
        labels = (probability >= 0.5).astype(int)
        if METRIC == 'roc-auc':
            return float(roc_auc_score(truth, probability)) if len(np.unique(truth)) == 2 else float('nan')
        if METRIC == 'log-loss':
            return float(log_loss(truth, probability, labels=[0, 1]))
        if METRIC in ('f1', 'f1-macro', 'f1-micro'):
            average = {'f1': 'binary', 'f1-macro': 'macro', 'f1-micro': 'micro'}[METRIC]
            return float(f1_score(truth, labels, average=average))
        return float(accuracy_score(truth, labels))
    probability = np.clip(np.asarray(prediction, dtype=float), 1e-7, 1.0)
    probability = probability / probability.sum(axis=1, keepdims=True)
    labels = probability.argmax(axis=1)
    if METRIC == 'roc-auc':
        present = np.unique(truth)
        if len(present) < 2:
            return float('nan')
        sub = probability[:, present] / probability[:, present].sum(axis=1, keepdims=True)
        if len(present) == 2:
            return float(roc_auc_score(truth == present[1], sub[:, 1]))
        return float(roc_auc_score(np.searchsorted(present, truth), sub, multi_class='ovr', average='macro'))
    if METRIC == 'log-loss':
        return float(log_loss(truth, probability, labels=list(range(N_CLASSES))))
    if METRIC in ('f1', 'f1-macro', 'f1-micro'):
        return float(f1_score(truth, labels, average='micro' if METRIC == 'f1-micro' else 'macro'))
    return float(accuracy_score(truth, labels))


# @block fit
def dense(matrix):
    return matrix.toarray() if hasattr(matrix, 'toarray') else matrix


def feature_names(preprocessor, width):
    try:
        return [str(name) for name in preprocessor.get_feature_names_out()]
    except Exception:  # older scikit-learn or a transformer without names: positional names
        return [f'feature_{i}' for i in range(width)]


LINEAR_STYLE = {'style': 'linear', 'text_svd': 0, 'char_ngrams': False, 'max_tfidf_features': 0}
# A ridge regression explaining at least this share of the variance out of fold makes the target "almost linear".
LINEAR_BASE_R2 = 0.9


def linear_base_check():
    """Trees approximate a near-linear target with many small steps and lose badly to a plain linear model there.
    When a ridge regression already explains most of the variance out of fold (checked here by 3-fold CV), the tree
    models fit its residuals instead: prediction = ridge + trees."""
    if CLASSIFICATION or TIME_SERIES or not any(m['id'] in ('gbdt', 'random-forest') for m in MODELS):
        return False
    if not numeric_feature_columns and not categorical_feature_columns:
        return False
    from sklearn.model_selection import cross_val_predict

    rows = np.sort(np.random.RandomState(SEED).permutation(len(X))[:5000])
    scores = []
    for target in range(Y.shape[1]):
        values = Y[rows, target]
        ridge = make_pipeline(make_preprocessor(LINEAR_STYLE), Ridge(alpha=1.0))
        folds = KFold(n_splits=3, shuffle=True, random_state=SEED)
        predicted = cross_val_predict(ridge, X.iloc[rows], values, cv=folds)
        scores.append(1.0 - np.mean((values - predicted) ** 2) / max(np.var(values), 1e-12))
    print('linear out-of-fold r2 per target:', [round(float(s), 4) for s in scores])
    return min(scores) >= LINEAR_BASE_R2


def encode(model, X_fit, X_valid, X_predict):
    """Encoders fitted on the fitting rows only, applied to the validation and test rows; tree models on a
    near-linear target also get the linear encoding for their ridge base."""
    preprocessor = make_preprocessor(model)
    A_fit = preprocessor.fit_transform(X_fit)
    A_predict = preprocessor.transform(X_predict)
    A_valid = preprocessor.transform(X_valid) if X_valid is not None else None
    if model['id'] == 'gbdt' and not uses_xgboost(model):
        A_fit, A_predict = dense(A_fit), dense(A_predict)
        A_valid = dense(A_valid) if A_valid is not None else None
    linear = None
    if LINEAR_BASE and model['id'] in ('gbdt', 'random-forest'):
        linear_preprocessor = make_preprocessor(LINEAR_STYLE)
        linear = (
            linear_preprocessor.fit_transform(X_fit),
            linear_preprocessor.transform(X_valid) if X_valid is not None else None,
            linear_preprocessor.transform(X_predict),
        )
    return preprocessor, A_fit, A_valid, A_predict, linear


def fit_part(model, encoded, y_fit, y_valid, rounds=None):
    """Fits one model on encoded rows; returns predictions for the validation rows (or None) and the test rows,
    the boosting rounds used and the feature importances."""
    preprocessor, A_fit, A_valid, A_predict, linear = encoded
    early = model['id'] == 'gbdt' and A_valid is not None and rounds is None
    if CLASSIFICATION:
        present = np.unique(y_fit)
        target_fit = np.searchsorted(present, y_fit)
        width = N_CLASSES

        def expand(probability):
            full = np.zeros((probability.shape[0], width))
            full[:, present] = probability
            return full if width > 2 else full[:, 1]

        if len(present) < 2:  # a single class in this fold: predict it with certainty
            constant = np.zeros((1, len(present))) + 1.0
            outputs = [expand(np.repeat(constant, A.shape[0], axis=0)) if A is not None else None for A in (A_valid, A_predict)]
            return outputs[0], outputs[1], None, None
        estimator, fit_arguments = build_model(model, len(present), early, rounds)
        if early and uses_xgboost(model):
            keep = np.where(np.isin(y_valid, present))[0]
            fit_arguments.update(eval_set=[(A_valid[keep], np.searchsorted(present, y_valid[keep]))], verbose=False)
        estimator.fit(A_fit, target_fit, **fit_arguments)
        valid_prediction = expand(estimator.predict_proba(A_valid)) if A_valid is not None else None
        test_prediction = expand(estimator.predict_proba(A_predict))
    else:
        target_fit = np.log1p(np.clip(y_fit, 0, None)) if model['log_target'] else y_fit
        # Ridge base (near-linear targets): the trees learn what the linear trend leaves over.
        base = Ridge(alpha=1.0).fit(linear[0], target_fit) if linear is not None else None
        base_fit = base.predict(linear[0]) if base is not None else 0.0
        base_valid = base.predict(linear[1]) if base is not None and linear[1] is not None else 0.0
        base_predict = base.predict(linear[2]) if base is not None else 0.0
        estimator, fit_arguments = build_model(model, 0, early, rounds)
        if early and uses_xgboost(model):
            target_valid = np.log1p(np.clip(y_valid, 0, None)) if model['log_target'] else y_valid
            fit_arguments.update(eval_set=[(A_valid, target_valid - base_valid)], verbose=False)
        estimator.fit(A_fit, target_fit - base_fit, **fit_arguments)
        invert = np.expm1 if model['log_target'] else (lambda values: values)
        low, high = np.nanmin(y_fit), np.nanmax(y_fit)
        margin = 0.1 * (high - low)

        def predict(A, base_part):
            # Kept within the training range (plus a margin): a linear trend or an outlier must not explode.
            return np.clip(invert(estimator.predict(A) + base_part), low - margin, high + margin)

        valid_prediction = predict(A_valid, base_valid) if A_valid is not None else None
        test_prediction = predict(A_predict, base_predict)
    used = None
    if early:
        used = getattr(estimator, 'best_iteration', None) if uses_xgboost(model) else getattr(estimator, 'n_iter_', None)
        used = int(used) + 1 if used is not None else None
    importances = None
    if hasattr(estimator, 'feature_importances_'):
        values = np.asarray(estimator.feature_importances_, dtype=float)
        importances = dict(zip(feature_names(preprocessor, len(values)), values))
    elif hasattr(estimator, 'coef_'):
        # Linear models: the absolute coefficients on the scaled features (mean over classes or targets).
        values = np.abs(np.atleast_2d(np.asarray(estimator.coef_, dtype=float))).mean(axis=0)
        importances = dict(zip(feature_names(preprocessor, len(values)), values))
    return valid_prediction, test_prediction, used, importances


# @block cross-validation
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

N_FOLDS = 3 if QUICK else {{FOLDS}}
groups = train[GROUP_COLUMN].astype(str).values if GROUP_COLUMN and GROUP_COLUMN in train.columns else None
if groups is not None and len(set(groups)) >= 2:
    # Held-out rows come from unseen groups, so each fold validates on groups it did not train on.
    N_FOLDS = min(N_FOLDS, len(set(groups)))
    splitter = GroupKFold(n_splits=N_FOLDS)
elif TIME_SERIES:
    splitter = TimeSeriesSplit(n_splits=N_FOLDS)
elif CLASSIFICATION:
    splitter = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
else:
    splitter = KFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
truth = y if CLASSIFICATION else Y
LINEAR_BASE = linear_base_check()
if LINEAR_BASE:
    print('near-linear target: tree models fit the residuals of a ridge regression')
n_outputs = 1 if CLASSIFICATION else Y.shape[1]
fold_scores = []
rounds_used = {}
importance_totals = {}
test_predictions = []
# Refit the blend's weights on the out-of-fold predictions (an improvement step) instead of keeping them fixed.
FIT_WEIGHTS = {{FIT_WEIGHTS}} and len(MODELS) > 1
part_outputs = []
part_oof = [None] * len(MODELS)
part_test = [[] for _ in MODELS]
fold_rows = []


def blend(predictions):
    """Weighted average of the models' predictions (probabilities for classification)."""
    weights = np.array([model['weight'] for model in MODELS], dtype=float)
    weights = weights / weights.sum()
    return sum(w * np.asarray(p, dtype=float) for w, p in zip(weights, predictions))


def fit_all(train_index, valid_index, rounds_by_part=None):
    """Every model on every target for one split; returns blended validation and test predictions."""
    valid_outputs, test_outputs, parts_by_target = [], [], []
    X_valid = X.iloc[valid_index] if valid_index is not None else None
    # Encoders do not depend on the target: encode once per model and reuse for every target.
    encoded = [encode(model, X.iloc[train_index], X_valid, X_test) for model in MODELS]
    for target in range(n_outputs):
        target_values = truth if CLASSIFICATION else Y[:, target]
        valid_parts, test_parts = [], []
        for part, model in enumerate(MODELS):
            y_valid = target_values[valid_index] if valid_index is not None else None
            rounds = rounds_by_part.get((target, part)) if rounds_by_part else None
            valid_prediction, test_prediction, used, importances = fit_part(
                model, encoded[part], target_values[train_index], y_valid, rounds
            )
            if used is not None:
                rounds_used.setdefault((target, part), []).append(used)
            for name, value in (importances or {}).items():
                importance_totals[name] = importance_totals.get(name, 0.0) + value
            valid_parts.append(valid_prediction)
            test_parts.append(test_prediction)
        valid_outputs.append(blend(valid_parts) if valid_index is not None else None)
        test_outputs.append(blend(test_parts))
        parts_by_target.append((valid_parts, test_parts))
    # Each model's own predictions (as the blend's layout), for weights fitted out of fold.
    part_outputs.clear()
    for part in range(len(MODELS)):
        if CLASSIFICATION:
            part_outputs.append((parts_by_target[0][0][part], parts_by_target[0][1][part]))
        else:
            valid = np.column_stack([v[part] for v, _ in parts_by_target]) if valid_index is not None else None
            part_outputs.append((valid, np.column_stack([t[part] for _, t in parts_by_target])))
    if CLASSIFICATION:
        return valid_outputs[0], test_outputs[0]
    stack = lambda outputs: np.column_stack(outputs)
    return (stack(valid_outputs) if valid_index is not None else None), stack(test_outputs)


# Out-of-fold predictions on every training row (rows a time-ordered split never validates stay NaN): what a
# blend of runs fits its weights on.
oof_prediction = np.full((len(X), N_CLASSES if CLASSIFICATION and N_CLASSES > 2 else (1 if CLASSIFICATION else n_outputs)), np.nan)
for fold, (train_index, valid_index) in enumerate(splitter.split(X, truth if CLASSIFICATION else None, groups)):
    valid_prediction, test_prediction = fit_all(train_index, valid_index)
    oof_prediction[valid_index] = np.asarray(valid_prediction, dtype=float).reshape(len(valid_index), -1)
    fold_scores.append(score_metric(truth[valid_index], valid_prediction))
    test_predictions.append(test_prediction)
    fold_rows.append(valid_index)
    for part, (valid_part, test_part) in enumerate(part_outputs if FIT_WEIGHTS else []):
        if part_oof[part] is None:
            part_oof[part] = np.full(oof_prediction.shape, np.nan)
        part_oof[part][valid_index] = np.asarray(valid_part, dtype=float).reshape(len(valid_index), -1)
        part_test[part].append(test_part)
    print(f'fold {fold + 1} of {N_FOLDS}: {METRIC} = {fold_scores[-1]:.5f}', flush=True)

if FIT_WEIGHTS:
    # Every weighting on a 0.1 grid of the simplex, scored out of fold; label metrics (accuracy, F1) on the log-loss
    # of the blended probabilities, which does not move in steps.
    import itertools

    fit_metric = 'log-loss' if CLASSIFICATION and METRIC not in ('roc-auc', 'log-loss') else METRIC
    fit_higher = HIGHER_IS_BETTER if fit_metric == METRIC else False
    covered = np.all([np.isfinite(p).all(axis=1) for p in part_oof], axis=0)

    def as_scored(values):
        return values[:, 0] if CLASSIFICATION and N_CLASSES == 2 else values

    def fit_score(weights):
        global METRIC
        task_metric, METRIC = METRIC, fit_metric
        try:
            mixed = sum(w * p[covered] for w, p in zip(weights, part_oof))
            return score_metric(truth[covered], as_scored(mixed))
        finally:
            METRIC = task_metric

    steps = 10
    grid = [np.array(c) / steps for c in itertools.product(range(steps + 1), repeat=len(MODELS)) if sum(c) == steps]
    scored = [(fit_score(w), w) for w in grid]
    scored = [(v, w) for v, w in scored if np.isfinite(v)]
    if scored:
        best_value, best_weights = (max if fit_higher else min)(scored, key=lambda item: item[0])
        for model, weight in zip(MODELS, best_weights):
            model['weight'] = float(weight)
        oof_prediction = sum(w * p for w, p in zip(best_weights, part_oof))
        fold_scores = [score_metric(truth[rows], as_scored(oof_prediction[rows])) for rows in fold_rows]
        test_predictions = [sum(w * np.asarray(part_test[p][k], dtype=float) for p, w in enumerate(best_weights)) for k in range(len(fold_rows))]
        print(f'blend weights fitted out of fold ({fit_metric} {best_value:.5f}):', [round(float(w), 2) for w in best_weights])

if TIME_SERIES:
    # The latest history matters most for a forecast: refit on every training row with the typical round count.
    typical = {key: int(np.median(values)) for key, values in rounds_used.items()}
    _, final_prediction = fit_all(np.arange(len(X)), None, typical)
else:
    final_prediction = np.mean(test_predictions, axis=0)

finite = [s for s in fold_scores if np.isfinite(s)]
cv_score = float(np.mean(finite)) if finite else None
print(f'cv {METRIC}: {cv_score} ({"higher" if HIGHER_IS_BETTER else "lower"} is better)')
with open({{CV_SCORE_FILE}}, 'w') as handle:
    json.dump({'metric': METRIC, 'cv_score': cv_score}, handle)


# @block chart
import matplotlib.pyplot as plt

plt.switch_backend('Agg')  # no display in the sandbox

top = sorted(importance_totals.items(), key=lambda item: item[1], reverse=True)[:20]
figure, axes = plt.subplots(1, 2 if top else 1, figsize=(12 if top else 6, 5))
axes = np.atleast_1d(axes)
axes[0].bar([str(i + 1) for i in range(len(fold_scores))], [s if np.isfinite(s) else 0 for s in fold_scores])
axes[0].set_title(f'{METRIC} by CV fold (mean {cv_score})')
axes[0].set_xlabel('fold')
if top:
    axes[1].barh([name[:40] for name, _ in reversed(top)], [value for _, value in reversed(top)])
    linear_only = all(model['id'] in ('linear', 'tfidf-linear') for model in MODELS)
    axes[1].set_title('|coefficient| on scaled features (sum over folds)' if linear_only else 'feature importance (sum over folds)')
figure.tight_layout()
figure.savefig({{CHART_FILE}}, dpi=90)
