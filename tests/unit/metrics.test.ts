// The metric registry against reference values, names people write, and directions.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import {
  binaryAuc,
  isBetter,
  KNOWN_METRICS,
  type LabelMetric,
  METRICS,
  metricFits,
  type ProbabilityMetric,
  type RegressionMetric,
} from '../../core/harness/index.ts';
import { defaultMetric, findMetricInText, parseMetricName, requireMetric } from '../../core/intake/index.ts';
import type { MetricName } from '../../core/types.ts';

// Expected numbers below are reference values computed once with scikit-learn 1.2.1 (/usr/bin/python3,
// sklearn.metrics.*) on the same inputs and copied here; they are not our own output.
const col = (xs: number[]) => xs.map((x) => [x]);
const regression = (name: MetricName) => METRICS[name] as RegressionMetric;
const label = (name: MetricName) => METRICS[name] as LabelMetric;
const probability = (name: MetricName) => METRICS[name] as ProbabilityMetric;

describe('regression metrics', () => {
  const t = col([3, -0.5, 2, 7, 4.2]);
  const p = col([2.5, 0.0, 2.1, 7.8, 3.9]);

  it('match scikit-learn on one column', () => {
    expect(regression('rmse').score(t, p)).toBeCloseTo(0.49799598391954925, 12);
    expect(regression('mse').score(t, p)).toBeCloseTo(0.248, 12);
    expect(regression('mae').score(t, p)).toBeCloseTo(0.44, 12);
    expect(regression('r2').score(t, p)).toBeCloseTo(0.9594665271966527, 12);
    expect(regression('mape').score(t, p)).toBeCloseTo(0.2804761904761905, 12);
  });

  it('rmsle matches scikit-learn and clips negative predictions to zero', () => {
    const t2 = col([3, 0.5, 2, 7, 4.2]);
    expect(regression('rmsle').score(t2, col([2.5, 0.1, 2.1, 7.8, 3.9]))).toBeCloseTo(
      0.15982306349394615,
      12,
    );
    expect(regression('rmsle').score(col([0, 1]), col([-5, 1]))).toBe(0);
    expect(() => regression('rmsle').score(col([-1, 1]), col([0, 1]))).toThrow(LinguacodusError);
  });

  it('average column-wise over several targets (mcrmse, r2, mae)', () => {
    const T = [
      [0.5, 1],
      [-1, 1],
      [7, -6],
      [2.2, 0.3],
    ];
    const P = [
      [0, 2],
      [-1, 2],
      [8, -5],
      [2, 0.1],
    ];
    expect(regression('mcrmse').score(T, P)).toBeCloseTo(0.719835311644081, 12);
    expect(regression('rmse').score(T, P)).toBeCloseTo(0.719835311644081, 12);
    expect(regression('r2').score(T, P)).toBeCloseTo(0.9383212096546316, 12);
    expect(regression('mae').score(T, P)).toBeCloseTo(0.6125, 12);
  });

  it('r2 of a constant truth is 1 when exact and 0 otherwise, as scikit-learn', () => {
    expect(regression('r2').score(col([2, 2]), col([2, 2]))).toBe(1);
    expect(regression('r2').score(col([2, 2]), col([1, 3]))).toBe(0);
  });

  it('refuses predictions of the wrong length', () => {
    expect(() => regression('rmse').score(col([1, 2]), col([1]))).toThrow(/1 predictions for 2/);
  });
});

describe('probability metrics', () => {
  const y = ['0', '0', '1', '1', '0', '1', '0', '1', '1', '0'];
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4, 0.65, 0.05];

  it('binary ROC AUC handles ties like scikit-learn', () => {
    expect(probability('roc-auc').score(y, col(s), ['1'])).toBeCloseTo(0.88, 12);
    // Two columns in class order give the same answer from the second column.
    const both = s.map((v) => [1 - v, v]);
    expect(probability('roc-auc').score(y, both, ['0', '1'])).toBeCloseTo(0.88, 12);
  });

  it('binary ROC AUC needs both classes', () => {
    expect(() => binaryAuc([true, true], [0.2, 0.3])).toThrow(/only one class/);
  });

  it('binary log loss matches scikit-learn', () => {
    expect(probability('log-loss').score(y, col(s), ['1'])).toBeCloseTo(0.41268484483288914, 12);
  });

  const yc = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'c'];
  const pr = [
    [0.7, 0.2, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.3, 0.6],
    [0.4, 0.4, 0.2],
    [0.3, 0.3, 0.4],
    [0.2, 0.2, 0.6],
    [0.5, 0.25, 0.25],
    [0.6, 0.1, 0.3],
  ];

  it('multiclass ROC AUC is the macro one-vs-rest average', () => {
    expect(probability('roc-auc').score(yc, pr, ['a', 'b', 'c'])).toBeCloseTo(0.8805555555555555, 12);
  });

  it('multiclass log loss matches scikit-learn and survives a zero probability', () => {
    expect(probability('log-loss').score(yc, pr, ['a', 'b', 'c'])).toBeCloseTo(0.7611071116395789, 12);
    const sure = probability('log-loss').score(['a'], [[0, 1, 0]], ['a', 'b', 'c']);
    expect(Number.isFinite(sure)).toBe(true);
    expect(sure).toBeGreaterThan(30);
  });
});

describe('label metrics', () => {
  it('accuracy and binary F1 with a positive class match scikit-learn', () => {
    const yt = ['yes', 'no', 'yes', 'yes', 'no', 'no', 'yes', 'no'];
    const yp = ['yes', 'yes', 'no', 'yes', 'no', 'no', 'yes', 'yes'];
    expect(label('accuracy').score(yt, yp)).toBeCloseTo(0.625, 12);
    expect(label('f1').score(yt, yp, 'yes')).toBeCloseTo(0.6666666666666665, 12);
  });

  it('macro and micro F1 count a predicted class that never occurs, as scikit-learn', () => {
    const mt = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'c', 'b'];
    const mp = ['a', 'c', 'c', 'a', 'b', 'b', 'b', 'c', 'd'];
    expect(label('f1-macro').score(mt, mp)).toBeCloseTo(0.45, 12);
    expect(label('f1-micro').score(mt, mp)).toBeCloseTo(0.5555555555555556, 12);
    expect(label('accuracy').score(mt, mp)).toBeCloseTo(0.5555555555555556, 12);
  });
});

describe('registry', () => {
  it('covers every metric name with its direction', () => {
    expect(Object.keys(METRICS).sort()).toEqual([...KNOWN_METRICS].sort());
    const higher = KNOWN_METRICS.filter((m) => METRICS[m].higherIsBetter).sort();
    expect(higher).toEqual(['accuracy', 'f1', 'f1-macro', 'f1-micro', 'r2', 'roc-auc']);
    expect(isBetter('rmse', 1, 2)).toBe(true);
    expect(isBetter('roc-auc', 0.7, 0.8)).toBe(false);
  });

  it('has a default per target type and knows which metrics fit', () => {
    expect(defaultMetric('regression')).toBe('rmse');
    expect(defaultMetric('binary')).toBe('roc-auc');
    expect(defaultMetric('multiclass')).toBe('accuracy');
    expect(defaultMetric('multi-regression')).toBe('mcrmse');
    expect(metricFits('rmse', 'binary')).toBe(false);
    expect(metricFits('f1', 'multiclass')).toBe(false);
    expect(metricFits('f1-macro', 'multiclass')).toBe(true);
  });
});

describe('metric names', () => {
  it.each([
    ['Scored with ROC AUC.', 'roc-auc'],
    ['metric: roc', 'roc-auc'],
    ['evaluated by AUC', 'roc-auc'],
    ['area under the ROC curve', 'roc-auc'],
    ['Scored with RMSE.', 'rmse'],
    ['root mean squared error', 'rmse'],
    ['Submissions are evaluated on mean absolute error.', 'mae'],
    ['MAE please', 'mae'],
    ['mean squared error', 'mse'],
    ['Classification accuracy.', 'accuracy'],
    ['use F1', 'f1'],
    ['macro F1 across classes', 'f1-macro'],
    ['micro-averaged F1', 'f1-micro'],
    ['log loss', 'log-loss'],
    ['logloss', 'log-loss'],
    ['R2', 'r2'],
    ['r squared', 'r2'],
    ['Report R².', 'r2'],
    ['F1 (macro)', 'f1-macro'],
    ['f1_micro', 'f1-micro'],
    ['MAPE', 'mape'],
    ['mean absolute percentage error', 'mape'],
    ['RMSLE', 'rmsle'],
    ['Scored on RMSE between the logarithms of predicted and actual prices.', 'rmsle'],
    ['MCRMSE', 'mcrmse'],
    ['Scored with mean column-wise RMSE over the two targets', 'mcrmse'],
  ] as const)('reads %j as %s', (text, metric) => {
    expect(findMetricInText(text)).toBe(metric);
  });

  it('finds nothing where no metric is named, and the first one where two are', () => {
    expect(findMetricInText('predict the price of houses')).toBeNull();
    expect(findMetricInText('Accuracy first; we may look at macro F1 later')).toBe('accuracy');
  });

  it('parses explicit names and refuses unknown ones with the list', () => {
    expect(parseMetricName('ROC_AUC')).toBe('roc-auc');
    expect(parseMetricName('auc')).toBe('roc-auc');
    expect(parseMetricName('logloss')).toBe('log-loss');
    expect(requireMetric('mean absolute error')).toBe('mae');
    expect(() => requireMetric('banana')).toThrow(LinguacodusError);
    try {
      requireMetric('banana');
    } catch (error) {
      expect((error as LinguacodusError).code).toBe('unknown_metric');
      expect((error as Error).message).toContain('rmse');
      expect((error as Error).message).toContain('roc-auc');
    }
  });
});
