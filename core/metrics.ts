// The metric registry the harness scores with: each metric's label, direction, input kind and formula.
import { LinguacodusError } from './errors.ts';
import { type MetricName, metricNameSchema, type TargetType } from './types.ts';

/**
 * What a metric scores:
 * - `regression`: `score(truth, pred)` with `number[][]` row-major matrices (rows x target columns); a metric over
 *   several columns is the mean of its per-column values (sklearn's multioutput="uniform_average"), so rmse over
 *   several columns equals mcrmse;
 * - `label`: `score(truth, pred, positive?)` with one class label per row (`string[]`); f1 needs `positive`;
 * - `probability`: `score(truth, prob, classes)` with the true labels (`string[]`) and `prob[i][k]` the probability
 *   that row i is `classes[k]`. For a binary task pass one column and `classes = [positiveClass]`.
 */
export type MetricKind = 'regression' | 'label' | 'probability';

interface MetricBase {
  name: MetricName;
  /** How the metric is written for people. */
  label: string;
  higherIsBetter: boolean;
}
export interface RegressionMetric extends MetricBase {
  kind: 'regression';
  score(truth: number[][], pred: number[][]): number;
}
export interface LabelMetric extends MetricBase {
  kind: 'label';
  score(truth: string[], pred: string[], positive?: string): number;
}
export interface ProbabilityMetric extends MetricBase {
  kind: 'probability';
  score(truth: string[], prob: number[][], classes: string[]): number;
}
export type MetricDef = RegressionMetric | LabelMetric | ProbabilityMetric;

/** Clipping for log loss so a confident wrong answer costs a large but finite amount. */
const LOG_LOSS_EPS = 1e-15;

function checkShape(truth: unknown[], pred: unknown[], metric: string): void {
  if (truth.length !== pred.length) {
    throw new LinguacodusError(
      'internal',
      `${metric}: ${pred.length} predictions for ${truth.length} true values.`,
    );
  }
  if (truth.length === 0) throw new LinguacodusError('internal', `${metric}: no rows to score.`);
}

/** Averages a per-column statistic over the columns of two row-major matrices. */
function columnwise(
  truth: number[][],
  pred: number[][],
  metric: string,
  perColumn: (t: number[], p: number[]) => number,
): number {
  checkShape(truth, pred, metric);
  const width = truth[0]!.length;
  let total = 0;
  for (let c = 0; c < width; c++) {
    const t = truth.map((row) => row[c]!);
    const p = pred.map((row, i) => {
      const v = row[c];
      if (v === undefined) throw new LinguacodusError('internal', `${metric}: row ${i} has no column ${c}.`);
      return v;
    });
    total += perColumn(t, p);
  }
  return total / width;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function mseColumn(t: number[], p: number[]): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += (t[i]! - p[i]!) ** 2;
  return s / t.length;
}

function maeColumn(t: number[], p: number[]): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += Math.abs(t[i]! - p[i]!);
  return s / t.length;
}

// sklearn's mean_absolute_percentage_error: a fraction, with |truth| floored at machine epsilon.
function mapeColumn(t: number[], p: number[]): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) s += Math.abs(t[i]! - p[i]!) / Math.max(Math.abs(t[i]!), Number.EPSILON);
  return s / t.length;
}

// Negative predictions are clipped to 0 (a price or count cannot be below 0); negative truth is an error.
function rmsleColumn(t: number[], p: number[]): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! < 0) {
      throw new LinguacodusError('bad_input', 'RMSLE needs a target with no negative values.');
    }
    s += (Math.log1p(Math.max(p[i]!, 0)) - Math.log1p(t[i]!)) ** 2;
  }
  return Math.sqrt(s / t.length);
}

// As sklearn's r2_score with force_finite: a constant truth scores 1 when predicted exactly, else 0.
function r2Column(t: number[], p: number[]): number {
  const m = mean(t);
  let res = 0;
  let tot = 0;
  for (let i = 0; i < t.length; i++) {
    res += (t[i]! - p[i]!) ** 2;
    tot += (t[i]! - m) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** Area under the ROC curve from scores and 0/1 truth, with ties given their average rank. */
export function binaryAuc(isPositive: boolean[], scores: number[]): number {
  const n = scores.length;
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (isPositive[order[k]!]) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new LinguacodusError(
      'bad_input',
      'ROC AUC needs both positive and negative rows among the scored rows; this holdout has only one class.',
    );
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function rocAuc(truth: string[], prob: number[][], classes: string[]): number {
  checkShape(truth, prob, 'roc-auc');
  if (classes.length === 1 || (classes.length === 2 && prob[0]!.length === 1)) {
    const positive = classes[0]!;
    return binaryAuc(
      truth.map((t) => t === positive),
      prob.map((row) => row[0]!),
    );
  }
  if (classes.length === 2) {
    return binaryAuc(
      truth.map((t) => t === classes[1]),
      prob.map((row) => row[1]!),
    );
  }
  // Macro one-vs-rest over the classes present in the truth (sklearn's multi_class="ovr", average="macro").
  const present = classes.filter((c) => truth.includes(c));
  const aucs = present.map((c) => {
    const k = classes.indexOf(c);
    return binaryAuc(
      truth.map((t) => t === c),
      prob.map((row) => row[k]!),
    );
  });
  return mean(aucs);
}

function logLoss(truth: string[], prob: number[][], classes: string[]): number {
  checkShape(truth, prob, 'log-loss');
  const clip = (p: number) => Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  let total = 0;
  if (classes.length === 1 || (classes.length === 2 && prob[0]!.length === 1)) {
    const positive = classes[0]!;
    for (let i = 0; i < truth.length; i++) {
      const p = clip(prob[i]![0]!);
      total -= truth[i] === positive ? Math.log(p) : Math.log(1 - p);
    }
    return total / truth.length;
  }
  for (let i = 0; i < truth.length; i++) {
    const k = classes.indexOf(truth[i]!);
    if (k === -1) {
      throw new LinguacodusError('internal', `log-loss: class ${truth[i]} has no probability column.`);
    }
    // Rows are renormalised after clipping, as sklearn does, so probabilities that do not sum to 1 still score.
    const row = prob[i]!.map(clip);
    const sum = row.reduce((a, b) => a + b, 0);
    total -= Math.log(row[k]! / sum);
  }
  return total / truth.length;
}

function accuracy(truth: string[], pred: string[]): number {
  checkShape(truth, pred, 'accuracy');
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) hits++;
  return hits / truth.length;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function perClassCounts(truth: string[], pred: string[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  const get = (c: string) => {
    let v = counts.get(c);
    if (!v) {
      v = { tp: 0, fp: 0, fn: 0 };
      counts.set(c, v);
    }
    return v;
  };
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = pred[i]!;
    if (t === p) get(t).tp++;
    else {
      get(p).fp++;
      get(t).fn++;
    }
  }
  return counts;
}

// sklearn's zero_division=0: a class never predicted nor present scores 0.
const f1Of = ({ tp, fp, fn }: Counts) => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));

function f1Binary(truth: string[], pred: string[], positive?: string): number {
  checkShape(truth, pred, 'f1');
  if (positive === undefined) {
    throw new LinguacodusError('internal', 'f1: the positive class is needed for binary F1.');
  }
  return f1Of(perClassCounts(truth, pred).get(positive) ?? { tp: 0, fp: 0, fn: 0 });
}

function f1Macro(truth: string[], pred: string[]): number {
  checkShape(truth, pred, 'f1-macro');
  const counts = [...perClassCounts(truth, pred).values()];
  return mean(counts.map(f1Of));
}

function f1Micro(truth: string[], pred: string[]): number {
  checkShape(truth, pred, 'f1-micro');
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const c of perClassCounts(truth, pred).values()) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return f1Of(total);
}

const regression = (
  name: MetricName,
  label: string,
  higherIsBetter: boolean,
  perColumn: (t: number[], p: number[]) => number,
): RegressionMetric => ({
  name,
  label,
  higherIsBetter,
  kind: 'regression',
  score: (truth, pred) => columnwise(truth, pred, name, perColumn),
});

const rmseColumn = (t: number[], p: number[]) => Math.sqrt(mseColumn(t, p));

export const METRICS: Record<MetricName, MetricDef> = {
  rmse: regression('rmse', 'RMSE', false, rmseColumn),
  mse: regression('mse', 'MSE', false, mseColumn),
  mae: regression('mae', 'MAE', false, maeColumn),
  rmsle: regression('rmsle', 'RMSLE', false, rmsleColumn),
  r2: regression('r2', 'R²', true, r2Column),
  mape: regression('mape', 'MAPE', false, mapeColumn),
  mcrmse: regression('mcrmse', 'MCRMSE', false, rmseColumn),
  'roc-auc': { name: 'roc-auc', label: 'ROC AUC', higherIsBetter: true, kind: 'probability', score: rocAuc },
  'log-loss': {
    name: 'log-loss',
    label: 'log loss',
    higherIsBetter: false,
    kind: 'probability',
    score: logLoss,
  },
  accuracy: { name: 'accuracy', label: 'accuracy', higherIsBetter: true, kind: 'label', score: accuracy },
  f1: { name: 'f1', label: 'F1', higherIsBetter: true, kind: 'label', score: f1Binary },
  'f1-macro': { name: 'f1-macro', label: 'macro F1', higherIsBetter: true, kind: 'label', score: f1Macro },
  'f1-micro': { name: 'f1-micro', label: 'micro F1', higherIsBetter: true, kind: 'label', score: f1Micro },
};

export const KNOWN_METRICS: readonly MetricName[] = metricNameSchema.options;

/** True when `a` beats `b` under the metric's direction. */
export function isBetter(metric: MetricName, a: number, b: number): boolean {
  return METRICS[metric].higherIsBetter ? a > b : a < b;
}

/** Whether a metric can score a target of this type. */
export function metricFits(metric: MetricName, type: TargetType): boolean {
  const kind = METRICS[metric].kind;
  if (type === 'regression' || type === 'multi-regression') return kind === 'regression';
  if (metric === 'f1') return type === 'binary';
  return kind !== 'regression';
}
