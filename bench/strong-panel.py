# The benchmark's strong tuned panel (strong-panel.ts sends it to the sandbox with panel_spec.json): four models
# (HistGradientBoosting, random forest, XGBoost, a linear model), each tuned by a small randomized search scored by
# k-fold cross-validation on train.csv for the task's metric within a time box, then fitted on all of train.csv and
# used to predict test.csv. Each member writes its own submission (submission_<name>.csv, the harness contract's
# layout) and panel.json records every member's CV score, settings and time; the harness scores the submissions.
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
# OpenMP threads that sleep while they wait: on a busy machine spinning ones made one HistGradientBoosting fit take
# 145 s instead of 7 s here (2 cores, load 9).
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit  # noqa: E402
from sklearn.multioutput import MultiOutputRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import LabelEncoder, OrdinalEncoder  # noqa: E402

from linear_features import linear_preprocessor  # noqa: E402  (sent beside this script: linear_features.py)

warnings.filterwarnings("ignore")
try:
    from xgboost import XGBClassifier, XGBRegressor
except Exception:  # xgboost missing: the panel says so and uses a second HistGradientBoosting setting instead
    XGBClassifier = XGBRegressor = None

spec = json.load(open("panel_spec.json"))
key, targets, metric = spec["id"], spec["targets"], spec["metric"]
regression = spec["kind"] == "regression"
budget_s = float(spec.get("budget_s", 30))
folds = int(spec.get("folds", 3))
search_rows = int(spec.get("search_rows", 20000))
rng = np.random.RandomState(0)

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
if regression:
    keep = train[targets].notna().all(axis=1)
else:
    keep = train[targets[0]].notna()
train = train[keep].reset_index(drop=True)
if spec["split"]["kind"] == "time" and spec["split"].get("column") in train.columns:
    order = pd.to_datetime(train[spec["split"]["column"]], errors="coerce")
    train = train.iloc[np.argsort(order.values, kind="stable")].reset_index(drop=True)

# ---- features: numbers, dates as numbers, categories, free text ----
features = [c for c in train.columns if c not in targets and c != key and c in test.columns]
text = [c for c in features if c in spec["text_columns"]]
dates = [c for c in features if c in spec["datetime_columns"] and c not in text]
for frame in (train, test):
    for c in dates:
        d = pd.to_datetime(frame[c], errors="coerce")
        frame[c + "__year"] = d.dt.year
        frame[c + "__month"] = d.dt.month
        frame[c + "__day"] = d.dt.day
        frame[c + "__dow"] = d.dt.dayofweek
        frame[c + "__doy"] = d.dt.dayofyear
        frame[c + "__hour"] = d.dt.hour
        frame[c + "__t"] = (d - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0
    for c in text:
        frame[c] = frame[c].fillna("").astype(str)
        frame[c + "__len"] = frame[c].str.len()
        frame[c + "__words"] = frame[c].str.split().str.len()
# Trees read free text as 64 latent TF-IDF components, computed once from the words of both files (no label is
# used), so the search does not refit a vectorizer per fold and try; the linear model keeps the full TF-IDF.
svd_columns = []
for c in text:
    vectors = TfidfVectorizer(max_features=20000, ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit_transform(pd.concat([train[c], test[c]]))
    k = max(1, min(64, vectors.shape[1] - 1))
    latent = TruncatedSVD(k, random_state=0).fit_transform(vectors)
    names = [c + "__svd" + str(i) for i in range(k)]
    train = pd.concat([train, pd.DataFrame(latent[: len(train)], columns=names)], axis=1)
    test = pd.concat([test, pd.DataFrame(latent[len(train):], columns=names, index=test.index)], axis=1)
    svd_columns += names
features = [c for c in train.columns if c not in targets and c != key and c in test.columns and c not in dates and c not in svd_columns]
numeric = [c for c in features if c not in text and pd.api.types.is_numeric_dtype(train[c])]
categorical = [c for c in features if c not in numeric and c not in text and train[c].nunique() <= 50]
# Trees take wider categories as ordinal codes; the linear model one-hot encodes the narrow ones only (as linear-baseline).
wide = [c for c in features if c not in numeric and c not in text and c not in categorical and train[c].nunique() <= 1000]
for frame in (train, test):
    for c in categorical + wide:
        frame[c] = frame[c].astype(str)
    if not features:
        frame["__const"] = 1.0
if not features:
    numeric = ["__const"]


def linear_pre():
    return linear_preprocessor(numeric, categorical, text)


def tree_pre(impute=False):
    parts = []
    if numeric:
        # HistGradientBoosting and XGBoost take missing values as they are; this scikit-learn's forest does not.
        parts.append(("num", SimpleImputer(strategy="median") if impute else "passthrough", numeric))
    if categorical + wide:
        parts.append(("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1), categorical + wide))
    if svd_columns:
        parts.append(("txt", "passthrough", svd_columns))
    return ColumnTransformer(parts, sparse_threshold=0)


# ---- target, metric ----
if regression:
    y_all = train[targets].astype(float).to_numpy()
    y_fit = y_all if len(targets) > 1 else y_all[:, 0]
    classes = None
else:
    labels = train[targets[0]].astype(str)
    encoder = LabelEncoder().fit(labels)
    classes = [str(c) for c in encoder.classes_]
    y_fit = encoder.transform(labels)
probability = spec["probability"]
positive = spec["positive"]


def predictions(model, X):
    """Regression: values; probability metrics: P(positive) or the class matrix; label metrics: label codes."""
    if regression:
        p = np.asarray(model.predict(X), dtype=float).reshape(len(X), -1)
        return np.clip(p, 0, None) if metric == "rmsle" else p
    if probability:
        proba = model.predict_proba(X)
        return proba[:, classes.index(positive)] if positive is not None else proba
    return np.asarray(model.predict(X)).astype(int)


def score(y, p):
    if regression:
        y = np.asarray(y, dtype=float).reshape(len(y), -1)
        if metric == "rmse":
            return float(np.sqrt(np.mean((y - p) ** 2)))
        if metric == "mse":
            return float(np.mean((y - p) ** 2))
        if metric == "mae":
            return float(np.mean(np.abs(y - p)))
        if metric == "rmsle":
            return float(np.sqrt(np.mean((np.log1p(np.clip(p, 0, None)) - np.log1p(np.clip(y, 0, None))) ** 2)))
        if metric == "r2":
            return float(skm.r2_score(y, p))
        if metric == "mape":
            return float(skm.mean_absolute_percentage_error(y, p))
        if metric == "mcrmse":
            return float(np.mean(np.sqrt(np.mean((y - p) ** 2, axis=0))))
        raise ValueError("unknown metric " + metric)
    if metric == "roc-auc":
        if positive is not None:
            return float(skm.roc_auc_score(y == classes.index(positive), p))
        present = np.unique(y)
        proba = p[:, present] / np.clip(p[:, present].sum(axis=1, keepdims=True), 1e-12, None)
        return float(skm.roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=present))
    if metric == "log-loss":
        if positive is not None:
            return float(skm.log_loss(y == classes.index(positive), np.clip(p, 1e-15, 1 - 1e-15)))
        return float(skm.log_loss(y, np.clip(p, 1e-15, 1), labels=list(range(len(classes)))))
    if metric == "accuracy":
        return float(skm.accuracy_score(y, p))
    if metric == "f1":
        return float(skm.f1_score(y, p, pos_label=classes.index(positive) if positive is not None else 1))
    if metric == "f1-macro":
        return float(skm.f1_score(y, p, average="macro"))
    if metric == "f1-micro":
        return float(skm.f1_score(y, p, average="micro"))
    raise ValueError("unknown metric " + metric)


higher = spec["higher_is_better"]
better = (lambda a, b: a > b) if higher else (lambda a, b: a < b)

# ---- folds on a sample of the rows (all of them for small files), in the spirit of the task's split ----
n = len(train)
sample = np.arange(n)
if n > search_rows:
    sample = np.sort(rng.choice(n, search_rows, replace=False)) if spec["split"]["kind"] != "time" else np.arange(n - search_rows, n)
Xs, ys = train.iloc[sample].reset_index(drop=True), y_fit[sample]
kind = spec["split"]["kind"]
if kind == "time":
    splits = list(TimeSeriesSplit(folds).split(Xs))
elif kind == "group" and spec["split"].get("column") in Xs.columns and Xs[spec["split"]["column"]].nunique() >= folds:
    splits = list(GroupKFold(folds).split(Xs, groups=Xs[spec["split"]["column"]]))
elif not regression:
    smallest = np.bincount(ys).min() if len(ys) else 0
    splits = list((StratifiedKFold(folds, shuffle=True, random_state=0) if smallest >= folds else KFold(folds, shuffle=True, random_state=0)).split(Xs, ys))
else:
    splits = list(KFold(folds, shuffle=True, random_state=0).split(Xs))


def cross_validate(build, params):
    oof_scores = []
    for tr, va in splits:
        model = build(params)
        model.fit(Xs.iloc[tr], ys[tr])
        oof_scores.append(score(ys[va], predictions(model, Xs.iloc[va])))
    return float(np.mean(oof_scores))


def multi(estimator):
    return MultiOutputRegressor(estimator) if regression and len(targets) > 1 else estimator


def hgb(p):
    cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
    extra = {"loss": "absolute_error"} if regression and metric == "mae" and p.get("l1") else {}
    est = cls(learning_rate=p["learning_rate"], max_iter=p["max_iter"], max_leaf_nodes=p["max_leaf_nodes"], min_samples_leaf=p["min_samples_leaf"], l2_regularization=p["l2"], random_state=0, **extra)
    return make_pipeline(tree_pre(), multi(est))


def forest(p):
    cls = RandomForestRegressor if regression else RandomForestClassifier
    est = cls(n_estimators=p["n_estimators"], max_features=p["max_features"], min_samples_leaf=p["min_samples_leaf"], max_depth=p["max_depth"], n_jobs=2, random_state=0)
    return make_pipeline(tree_pre(impute=True), est)


def xgb(p):
    common = dict(n_estimators=p["n_estimators"], learning_rate=p["learning_rate"], max_depth=p["max_depth"], subsample=p["subsample"], colsample_bytree=p["colsample_bytree"], min_child_weight=p["min_child_weight"], reg_lambda=p["reg_lambda"], n_jobs=2, random_state=0, tree_method="hist")
    if regression:
        est = multi(XGBRegressor(objective="reg:absoluteerror" if metric == "mae" and p.get("l1") else "reg:squarederror", **common))
    else:
        est = XGBClassifier(**common)
    return make_pipeline(tree_pre(), est)


def linear(p):
    if regression:
        est = Ridge(alpha=p["alpha"])
    else:
        est = LogisticRegression(C=p["C"], max_iter=3000)
    return make_pipeline(linear_pre(), est)


def choose(options):
    return {k: v[rng.randint(len(v))] for k, v in options.items()}


# Each search starts from settings that hold up on most tables, so a time box that allows one try still fits well.
members = [
    ("hgb", hgb, {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 31, "min_samples_leaf": 20, "l2": 0.1},
     {"learning_rate": [0.03, 0.05, 0.08, 0.1, 0.15], "max_iter": [150, 300, 500], "max_leaf_nodes": [15, 31, 63], "min_samples_leaf": [5, 10, 20, 40], "l2": [0.0, 0.1, 1.0], "l1": [False, True]}),
    ("random-forest", forest, {"n_estimators": 200, "max_features": 0.5 if regression else "sqrt", "min_samples_leaf": 2, "max_depth": None},
     {"n_estimators": [150, 300], "max_features": ["sqrt", 0.3, 0.5, 1.0], "min_samples_leaf": [1, 2, 4, 8], "max_depth": [None, 12, 20]}),
    ("xgboost", xgb, {"n_estimators": 300, "learning_rate": 0.05, "max_depth": 4, "subsample": 0.85, "colsample_bytree": 0.7, "min_child_weight": 3, "reg_lambda": 1.0},
     {"n_estimators": [200, 400, 700], "learning_rate": [0.03, 0.05, 0.1], "max_depth": [3, 4, 6, 8], "subsample": [0.7, 0.85, 1.0], "colsample_bytree": [0.5, 0.7, 1.0], "min_child_weight": [1, 3, 10], "reg_lambda": [0.5, 1.0, 5.0], "l1": [False, True]}),
    ("linear", linear, {"alpha": 1.0} if regression else {"C": 1.0},
     {"alpha": [0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]} if regression else {"C": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]}),
]
if not (regression and metric == "mae"):  # an absolute-error loss is tried for MAE only
    for member in members:
        member[3].pop("l1", None)
if XGBRegressor is None:
    members[2] = ("xgboost", hgb, {"learning_rate": 0.05, "max_iter": 400, "max_leaf_nodes": 63, "min_samples_leaf": 10, "l2": 1.0}, members[0][3])

report = {"members": [], "xgboost": XGBRegressor is not None, "search_rows": int(len(sample)), "folds": folds, "split": kind}
for name, build, default, space in members:
    started = time.time()
    entry = {"name": name, "cv": None, "params": None, "tried": 0, "seconds": None, "error": None}
    try:
        best_cv, best_params, tried = None, None, set()
        params = default
        while True:
            signature = json.dumps(params, sort_keys=True, default=str)
            if signature not in tried:
                tried.add(signature)
                cv = cross_validate(build, params)
                if best_cv is None or (np.isfinite(cv) and better(cv, best_cv)):
                    best_cv, best_params = cv, params
            # The time box: stop when another try would likely overrun it (a try costs about what the last ones did).
            spent = time.time() - started
            if spent + spent / len(tried) > budget_s or len(tried) >= 40:
                break
            params = choose(space)
        entry.update(cv=best_cv, params=best_params, tried=len(tried))
        model = build(best_params)
        model.fit(train, y_fit)
        p = predictions(model, test)
        out = pd.DataFrame({key: test[key]})
        if regression:
            for i, t in enumerate(targets):
                out[t] = p[:, i]
        elif probability and positive is not None:
            out[targets[0]] = p
        elif probability:
            for c in spec["columns"][1:]:
                out[c] = p[:, classes.index(c)] if c in classes else 0.0
        else:
            out[targets[0]] = encoder.inverse_transform(p)
        out.to_csv("submission_" + name + ".csv", index=False)
    except Exception as error:  # one member failing leaves the others standing
        entry["error"] = (type(error).__name__ + ": " + str(error))[:300]
    entry["seconds"] = round(time.time() - started, 1)
    report["members"].append(entry)
    print(json.dumps(entry, default=str), flush=True)
    # Written after every member, so a panel stopped by the sandbox's time limit still reports the members it fitted.
    json.dump(report, open("panel.json", "w"), default=str)
