# The harness's chart of a scored image run (picture-grid.ts runs it in the sandbox): held-out pictures with their
# true and predicted labels, mistakes first, beside the confusion matrix (classification) or predicted against
# actual (a numeric label). Reads chart_spec.json, truth.csv (the held-out labels, given after scoring),
# submission.csv, test.csv (the held-out rows' picture paths) and the pictures; writes chart.png.
import json

import matplotlib
import numpy as np
import pandas as pd
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

spec = json.load(open("chart_spec.json"))
key, target = spec["id"], spec["targets"][0]
truth = pd.read_csv("truth.csv", dtype={key: str, target: str}, keep_default_na=False)
sub = pd.read_csv("submission.csv", dtype={key: str})
paths = pd.read_csv("test.csv", dtype={key: str})
path = paths.columns[-1]  # image intake writes the pictures' paths last
paths = paths[[key, path]]
df = truth.merge(sub, on=key, suffixes=("__true", "__pred")).merge(paths, on=key)
actual = df[target + "__true"].astype(str)
if spec["kind"] == "class-probabilities":
    classes = spec["classes"]
    predicted = pd.Series(np.array(classes)[df[classes].to_numpy(dtype=float).argmax(axis=1)], index=df.index)
elif spec["kind"] == "roc":
    p = pd.to_numeric(df[target + "__pred"], errors="coerce").fillna(0.0)
    others = sorted(set(actual) - {spec["positive"]})
    predicted = pd.Series(np.where(p >= 0.5, spec["positive"], others[0] if others else "other"), index=df.index)
else:
    predicted = df[target + "__pred"].astype(str)
numeric = spec["kind"] == "regression"
if numeric:
    error = (pd.to_numeric(predicted, errors="coerce") - pd.to_numeric(actual, errors="coerce")).abs()
    order = error.sort_values(ascending=False).index
else:
    wrong = actual.str.replace(r"\.0$", "", regex=True) != predicted.str.replace(r"\.0$", "", regex=True)
    order = list(df.index[wrong]) + list(df.index[~wrong])
shown = list(order)[:24]
columns = 6
rows = max(1, (len(shown) + columns - 1) // columns)
figure = plt.figure(figsize=(columns * 1.6 + 6.5, max(rows * 1.9, 5.5)))
grid = figure.add_gridspec(rows, columns + 4)
for k, i in enumerate(shown):
    axes = figure.add_subplot(grid[k // columns, k % columns])
    with Image.open(df.at[i, path]) as picture:
        axes.imshow(np.asarray(picture.convert("RGB")))
    ok = numeric or actual[i] == predicted[i]
    axes.set_title(f"{actual[i]}\n→ {predicted[i]}", fontsize=7, color="black" if ok else "red")
    axes.axis("off")
summary = figure.add_subplot(grid[:, columns:])
if numeric:
    summary.scatter(pd.to_numeric(actual, errors="coerce"), pd.to_numeric(predicted, errors="coerce"), s=6)
    summary.set(xlabel="actual", ylabel="predicted", title="Holdout: predicted vs actual")
else:
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(actual) | set(predicted))
    matrix = confusion_matrix(actual, predicted, labels=labels)
    summary.imshow(matrix, cmap="Blues")
    summary.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    summary.set_yticks(range(len(labels)), labels, fontsize=7)
    for a in range(len(labels)):
        for b in range(len(labels)):
            shade = "black" if matrix[a, b] < matrix.max() / 2 else "white"
            summary.text(b, a, str(matrix[a, b]), ha="center", va="center", color=shade, fontsize=7)
    summary.set(xlabel="predicted", ylabel="actual", title="Holdout confusion matrix")
figure.suptitle("Held-out pictures, mistakes first (true → predicted, red when wrong)", fontsize=9)
figure.tight_layout()
figure.savefig("chart.png", dpi=100)
