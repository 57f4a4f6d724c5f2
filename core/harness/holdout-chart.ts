// Draws the harness's chart of a scored run in the sandbox: predicted against actual for regression, the ROC
// curve for binary probabilities, a confusion matrix for labels. The harness's own code, fed the held-out
// labels after scoring; generated code never sees them.
import type { Sandbox } from '../../sandbox/types.ts';
import type { DataProfile, TaskSpec } from '../types.ts';
import { PROBABILITY_METRICS, positiveClass, SUBMISSION_FILE } from './harness-contract.ts';

const CHART_SCRIPT = String.raw`
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
`;

export interface ChartSpec {
  id: string;
  targets: string[];
  kind: 'regression' | 'roc' | 'labels' | 'class-probabilities';
  positive?: string | null;
  classes?: string[];
}

/** What kind of chart suits the task. */
export function chartSpec(task: TaskSpec, profile: DataProfile): ChartSpec {
  const type = profile.target.type;
  const base = { id: task.idColumn, targets: task.targets };
  if (type === 'regression' || type === 'multi-regression') return { ...base, kind: 'regression' };
  if (type === 'binary' && PROBABILITY_METRICS.has(task.metric)) {
    return { ...base, kind: 'roc', positive: positiveClass(profile) };
  }
  if (type === 'multiclass' && PROBABILITY_METRICS.has(task.metric)) {
    return {
      ...base,
      kind: 'class-probabilities',
      classes: profile.target.classes?.map((c) => c.value) ?? [],
    };
  }
  return { ...base, kind: 'labels' };
}

/**
 * Renders chart.png from the held-out truth (CSV text: id and target columns) and the submission. Returns
 * the PNG bytes, or null with the reason when the chart could not be drawn (a chart is never worth failing
 * a scored run for).
 */
export async function drawHoldoutChart(
  sandbox: Sandbox,
  spec: ChartSpec,
  truthCsv: string,
  submission: Uint8Array,
  signal?: AbortSignal,
): Promise<{ png: Buffer | null; problem: string | null }> {
  const execution = await sandbox.execute({
    files: [
      { path: 'chart.py', content: CHART_SCRIPT },
      { path: 'chart_spec.json', content: JSON.stringify(spec) },
      { path: 'truth.csv', content: truthCsv },
      { path: SUBMISSION_FILE, content: submission },
    ],
    entry: 'chart.py',
    collect: ['chart.png'],
    limits: { timeoutMs: 120_000 },
    signal,
  });
  const png = execution.files.find((f) => f.name === 'chart.png')?.bytes ?? null;
  if (png) return { png, problem: null };
  return {
    png: null,
    problem: `chart script exited ${execution.exitCode}: ${execution.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
  };
}
