# The harness's blend of finished runs: non-negative weights summing to 1, fitted on the members' out-of-fold
# predictions against train.csv's labels (Caruana-style greedy ensemble selection with replacement; label metrics,
# and tied or saturated scores, on a proper scoring rule), applied to the members' predictions for test.csv's rows.
# The held-out labels never reach this script: the harness scores the submission.csv it writes. blend-runs.ts
# inserts the task metric's score_metric() and puts blend_spec.json beside.
import json

import numpy as np
import pandas as pd

SPEC = json.load(open("blend_spec.json"))
METRIC = SPEC["metric"]
TARGET_TYPE = SPEC["target_type"]
CLASSIFICATION = TARGET_TYPE in ("binary", "multiclass")
CLASSES = SPEC["classes"]
N_CLASSES = len(CLASSES) if CLASSIFICATION else 0
ID = SPEC["id"]
VALUE_COLUMNS = SPEC["prediction_columns"][1:]
HIGHER_IS_BETTER = SPEC["higher_is_better"]
STEPS = 50

# (the task metric's score_metric() is inserted here)


def canon(values):
    """Ids as the harness compares them: whole numbers by value ("7", "007" and "7.0" are one row)."""
    out = []
    for value in values.astype(str).str.strip():
        try:
            number = float(value)
            out.append(
                str(int(number)) if number.is_integer() and value.lstrip("+-").replace(".", "", 1).isdigit() else value
            )
        except ValueError:
            out.append(value)
    return out


def same_label(value, name):
    if str(value) == str(name):
        return True
    try:
        return float(value) == float(name)
    except (TypeError, ValueError):
        return False


def class_index(value):
    for i, name in enumerate(CLASSES):
        if same_label(value, name):
            return i
    return -1


def read_predictions(path, order):
    """A prediction file's value columns as (rows, width) in the order of `order`'s ids; absent rows stay NaN."""
    frame = pd.read_csv(path, dtype={ID: str})
    frame.index = canon(frame[ID])
    values = frame.reindex(order)[VALUE_COLUMNS].apply(pd.to_numeric, errors="coerce")
    return values.to_numpy(dtype=float)


def as_metric_input(values):
    """What score_metric takes: P(positive) for binary, (rows, classes) for multiclass, (rows, targets) otherwise."""
    return values[:, 0] if CLASSIFICATION and N_CLASSES == 2 else values


train = pd.read_csv("train.csv", dtype={ID: str})
train_ids = canon(train[ID])
if CLASSIFICATION:
    if N_CLASSES == 2:
        truth = np.array([1 if same_label(v, SPEC["positive"]) else 0 for v in train[SPEC["targets"][0]]])
    else:
        truth = np.array([class_index(v) for v in train[SPEC["targets"][0]]])
    known = truth >= 0
else:
    truth = train[SPEC["targets"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    known = np.isfinite(truth).all(axis=1)

members = SPEC["members"]
oof = [read_predictions(m["oof"], train_ids) for m in members]
rows = known & np.all([np.isfinite(p).all(axis=1) for p in oof], axis=0)
print(f"fitting weights on {int(rows.sum())} of {len(train_ids)} training rows with every member's out-of-fold scores")
if rows.sum() < 10:
    raise SystemExit("too few training rows with out-of-fold scores from every member to fit weights")
fit_truth = truth[rows]
fit = [p[rows] for p in oof]


# Label metrics (accuracy, F1) move in steps and a greedy search on them chases noise: their weights are fitted on
# the log-loss of the blended probabilities instead, and the labels are taken from the blend at the end. When the
# members' out-of-fold scores are tied or saturated (every AUC 1.0), the task metric carries no information about
# the weights: they are fitted on a proper scoring rule of the same predictions (log-loss for probabilities, squared
# error for numbers). Ties along the greedy search are broken by that rule too.
TASK_METRIC = METRIC
PROPER_METRIC = "log-loss" if CLASSIFICATION else "mcrmse" if len(SPEC["targets"]) > 1 else "mse"
PERFECT = {"roc-auc": 1.0, "accuracy": 1.0, "f1": 1.0, "f1-macro": 1.0, "f1-micro": 1.0, "r2": 1.0}
FIT_METRIC = "log-loss" if CLASSIFICATION and METRIC not in ("roc-auc", "log-loss") else METRIC


def metric_score(values, name):
    global METRIC
    METRIC = name
    try:
        return score_metric(fit_truth, as_metric_input(values))
    finally:
        METRIC = TASK_METRIC


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


member_scores = [metric_score(p, TASK_METRIC) for p in fit]
member_proper = [metric_score(p, PROPER_METRIC) for p in fit]
finite = [s for s in member_scores if np.isfinite(s)]
tied = len(finite) > 1 and all(close(s, finite[0]) for s in finite)
saturated = TASK_METRIC in PERFECT and any(close(s, PERFECT[TASK_METRIC]) for s in finite)
if FIT_METRIC == TASK_METRIC and (tied or saturated):
    FIT_METRIC = PROPER_METRIC
    why = "saturated" if saturated else "tied"
    print(f"members' out-of-fold {TASK_METRIC} {why}: weights fitted on the {PROPER_METRIC} of the same predictions")
FIT_HIGHER_IS_BETTER = HIGHER_IS_BETTER if FIT_METRIC == METRIC else False


def key(values):
    """The fitted metric, and the proper scoring rule that breaks its ties."""
    return metric_score(values, FIT_METRIC), metric_score(values, PROPER_METRIC)


def better(a, b):
    if not np.isfinite(a[0]):
        return False
    if not np.isfinite(b[0]):
        return True
    if not close(a[0], b[0]):
        return a[0] > b[0] if FIT_HIGHER_IS_BETTER else a[0] < b[0]
    return np.isfinite(a[1]) and (not np.isfinite(b[1]) or a[1] < b[1])


for m, p, s, q in zip(members, fit, member_scores, member_proper):
    print(f"member {m['label']}: out-of-fold {TASK_METRIC} = {s:.6f}, {PROPER_METRIC} = {q:.6f}", flush=True)

# Greedy selection with replacement: each step adds the member that most improves the average; the best prefix wins.
counts = np.zeros(len(fit))
total = np.zeros_like(fit[0])
best_counts, best_key = None, (float("nan"), float("nan"))
for step in range(STEPS):
    choice, choice_key = None, (float("nan"), float("nan"))
    for j, p in enumerate(fit):
        candidate = key((total + p) / (step + 1))
        if choice is None or better(candidate, choice_key):
            choice, choice_key = j, candidate
    counts[choice] += 1
    total = total + fit[choice]
    if best_counts is None or better(choice_key, best_key):
        best_counts, best_key = counts.copy(), choice_key
weights = best_counts / best_counts.sum()
print("weights:", ", ".join(f"{m['label']} {w:.3f}" for m, w in zip(members, weights)))
blended_oof = sum(w * p for w, p in zip(weights, fit))
blend_score = metric_score(blended_oof, TASK_METRIC)
blend_proper = metric_score(blended_oof, PROPER_METRIC)
best_member = (max(finite) if HIGHER_IS_BETTER else min(finite)) if finite else float("nan")
beats_best = bool(
    np.isfinite(blend_score)
    and np.isfinite(best_member)
    and not close(blend_score, best_member)
    and (blend_score > best_member if HIGHER_IS_BETTER else blend_score < best_member)
)
print(
    f"blend out-of-fold {TASK_METRIC} = {blend_score:.6f} ({PROPER_METRIC} {blend_proper:.6f}); "
    + ("beats" if beats_best else "does not beat")
    + f" its best member's {best_member:.6f}"
)


def combine(arrays):
    return sum(w * a for w, a in zip(weights, arrays))


def write_submission(values, row_ids, path):
    """The submission layout: values per target, P(positive) or class probabilities, or labels for label metrics."""
    frame = pd.DataFrame({ID: row_ids})
    if not CLASSIFICATION:
        if METRIC == "rmsle":
            values = np.clip(values, 0, None)
        for j, target in enumerate(SPEC["targets"]):
            frame[target] = values[:, j]
    elif SPEC["probability_output"]:
        if N_CLASSES == 2:
            frame[SPEC["targets"][0]] = np.clip(values[:, 0], 0, 1)
        else:
            normalised = np.clip(values, 1e-9, None)
            normalised = normalised / normalised.sum(axis=1, keepdims=True)
            for j, name in enumerate(VALUE_COLUMNS):
                frame[name] = normalised[:, j]
    elif N_CLASSES == 2:
        negative = [c for c in CLASSES if not same_label(c, SPEC["positive"])][0]
        frame[SPEC["targets"][0]] = np.where(values[:, 0] >= 0.5, SPEC["positive"], negative)
    else:
        frame[SPEC["targets"][0]] = [VALUE_COLUMNS[i] for i in values.argmax(axis=1)]
    frame[SPEC["submission_columns"]].to_csv(path, index=False)


def write_predictions(values, row_ids, path):
    frame = pd.DataFrame(values, columns=VALUE_COLUMNS)
    frame.insert(0, ID, row_ids)
    frame.to_csv(path, index=False)


write_predictions(combine(oof), list(train[ID]), "oof_predictions.csv")
for part, submission_file, predictions_file in (
    ("test", "submission.csv", "test_predictions.csv"),
    ("user", "user_submission.csv", "user_test_predictions.csv"),
):
    if not all(part in m for m in members):
        continue
    order_frame = pd.read_csv(members[0][part], dtype={ID: str})
    order = canon(order_frame[ID])
    blended = combine([read_predictions(m[part], order) for m in members])
    write_submission(blended, list(order_frame[ID]), submission_file)
    write_predictions(blended, list(order_frame[ID]), predictions_file)
    print(f"wrote {submission_file} ({len(order)} rows)")

json.dump(
    {
        "weights": [float(w) for w in weights],
        "member_oof_scores": [float(s) for s in member_scores],
        "blend_oof_score": float(blend_score),
        "fit_metric": FIT_METRIC,
        "member_proper_scores": [float(q) for q in member_proper],
        "blend_proper_score": float(blend_proper),
        "beats_best_member": beats_best,
        "fitted_rows": int(rows.sum()),
    },
    open("blend_weights.json", "w"),
)
