# The harness's chart of a scored run (holdout-chart.ts runs it in the sandbox): predicted against actual for
# regression, the ROC curve for binary probabilities, a confusion matrix for labels. Reads chart_spec.json,
# truth.csv (the held-out labels, given after scoring) and submission.csv; writes chart.png.
import json
import numpy as np
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

spec = json.load(open("chart_spec.json"))
key = spec["id"]
truth = pd.read_csv("truth.csv", dtype={key: str}, keep_default_na=False, na_values=[""])
sub = pd.read_csv("submission.csv", dtype={key: str})
df = truth.merge(sub, on=key, suffixes=("__true", "__pred"))
kind = spec["kind"]

def col(name, side):
    return df[name + side] if name + side in df.columns else df[name]

if kind == "regression":
    targets = spec["targets"]
    fig, axes = plt.subplots(1, len(targets), figsize=(5.5 * len(targets), 5), squeeze=False)
    for ax, t in zip(axes[0], targets):
        y = pd.to_numeric(col(t, "__true"), errors="coerce")
        p = pd.to_numeric(col(t, "__pred"), errors="coerce")
        ok = y.notna() & p.notna()
        y, p = y[ok], p[ok]
        ax.scatter(y, p, s=6, alpha=0.35)
        lo, hi = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
        ax.plot([lo, hi], [lo, hi], "r--", linewidth=1)
        ax.set_xlabel("actual " + t)
        ax.set_ylabel("predicted " + t)
        ax.set_title("Holdout: predicted vs actual")
elif kind == "roc":
    from sklearn.metrics import roc_curve, roc_auc_score
    t = spec["targets"][0]
    y = (col(t, "__true").astype(str) == spec["positive"]).astype(int)
    p = pd.to_numeric(col(t, "__pred"), errors="coerce").fillna(0.0)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    if y.nunique() == 2:
        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, label="ROC AUC %.4f" % roc_auc_score(y, p))
    ax.plot([0, 1], [0, 1], "k--", linewidth=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("Holdout ROC curve")
    ax.legend(loc="lower right")
else:
    from sklearn.metrics import confusion_matrix
    t = spec["targets"][0]
    actual = col(t, "__true").astype(str)
    if kind == "class-probabilities":
        classes = spec["classes"]
        probs = df[classes].apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy()
        predicted = pd.Series(np.array(classes)[probs.argmax(axis=1)], index=df.index)
    else:
        predicted = col(t, "__pred").astype(str).str.replace(r"\.0$", "", regex=True)
        actual = actual.str.replace(r"\.0$", "", regex=True)
    def order(v):
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0.0, v)
    labels = sorted(set(actual) | set(predicted), key=order)
    cm = confusion_matrix(actual, predicted, labels=labels)
    size = max(4.5, 0.6 * len(labels) + 3)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="black" if cm[i, j] < cm.max() / 2 else "white")
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title("Holdout confusion matrix")

fig.tight_layout()
fig.savefig("chart.png", dpi=110)
