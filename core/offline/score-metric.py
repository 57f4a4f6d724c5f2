# The task metric's score_metric() for any task, for the harness's blend script (written once for every task); an
# offline script carries only its own task's metric (model-template.py, block metric).

# @block score-metric
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)

HIGHER_IS_BETTER = METRIC in ("r2", "roc-auc", "accuracy", "f1", "f1-macro", "f1-micro")


def score_metric(truth, prediction):
    """The task metric for one fold: truth and prediction are (rows, targets) for regression,
    labels and P(positive) for binary, labels and (rows, classes) probabilities for multiclass."""
    if not CLASSIFICATION:
        t = np.asarray(truth, dtype=float).reshape(len(truth), -1)
        p = np.asarray(prediction, dtype=float).reshape(len(prediction), -1)
        if METRIC == "mcrmse":
            return float(np.mean([np.sqrt(mean_squared_error(t[:, j], p[:, j])) for j in range(t.shape[1])]))
        t, p = t[:, 0], p[:, 0]
        if METRIC == "rmse":
            return float(np.sqrt(mean_squared_error(t, p)))
        if METRIC == "mse":
            return float(mean_squared_error(t, p))
        if METRIC == "mae":
            return float(mean_absolute_error(t, p))
        if METRIC == "rmsle":
            return float(np.sqrt(np.mean((np.log1p(np.clip(p, 0, None)) - np.log1p(np.clip(t, 0, None))) ** 2)))
        if METRIC == "r2":
            return float(r2_score(t, p))
        if METRIC == "mape":
            return float(np.mean(np.abs((t - p) / np.clip(np.abs(t), 1e-9, None))))
        return float(np.sqrt(mean_squared_error(t, p)))
    truth = np.asarray(truth, dtype=int)
    if N_CLASSES == 2:
        probability = np.clip(np.asarray(prediction, dtype=float), 1e-7, 1 - 1e-7)
        labels = (probability >= 0.5).astype(int)
        if METRIC == "roc-auc":
            return float(roc_auc_score(truth, probability)) if len(np.unique(truth)) == 2 else float("nan")
        if METRIC == "log-loss":
            return float(log_loss(truth, probability, labels=[0, 1]))
        if METRIC in ("f1", "f1-macro", "f1-micro"):
            average = {"f1": "binary", "f1-macro": "macro", "f1-micro": "micro"}[METRIC]
            return float(f1_score(truth, labels, average=average))
        return float(accuracy_score(truth, labels))
    probability = np.clip(np.asarray(prediction, dtype=float), 1e-7, 1.0)
    probability = probability / probability.sum(axis=1, keepdims=True)
    labels = probability.argmax(axis=1)
    if METRIC == "roc-auc":
        present = np.unique(truth)
        if len(present) < 2:
            return float("nan")
        sub = probability[:, present] / probability[:, present].sum(axis=1, keepdims=True)
        if len(present) == 2:
            return float(roc_auc_score(truth == present[1], sub[:, 1]))
        return float(roc_auc_score(np.searchsorted(present, truth), sub, multi_class="ovr", average="macro"))
    if METRIC == "log-loss":
        return float(log_loss(truth, probability, labels=list(range(N_CLASSES))))
    if METRIC in ("f1", "f1-macro", "f1-micro"):
        return float(f1_score(truth, labels, average="micro" if METRIC == "f1-micro" else "macro"))
    return float(accuracy_score(truth, labels))
