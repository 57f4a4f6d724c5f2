// The metric step: every plain-words phrasing over the suite's CSVs gives the metric asked for (a paraphrase, a
// spelling, or the target's default when none is said); a metric the harness cannot score is refused with the known
// ones listed, never replaced by a default; the metrics offered for each kind of target.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import {
  findMetricInText,
  inferMetric,
  metricInText,
  metricsFor,
  refuseUnscoredMetric,
} from '../../core/intake/infer-metric.ts';
import { PLAIN_WORDS_TASKS } from '../helpers/plain-words-tasks.ts';

const TYPES: Record<string, 'regression' | 'binary' | 'multiclass' | 'multi-regression'> = {
  heat_flux: 'regression',
  machine_failure: 'binary',
  air_quality: 'regression',
  student_summaries: 'multi-regression',
  card_fraud: 'binary',
  california_housing: 'regression',
  crab_age: 'regression',
  blueberry_yield: 'regression',
  bank_churn: 'binary',
  paris_housing: 'regression',
  titanic: 'binary',
  adult_income: 'binary',
  wine_quality: 'multiclass',
  ames_housing: 'regression',
  sms_spam: 'binary',
  min_temperature: 'regression',
};

function refusal(text: string): LinguacodusError {
  try {
    refuseUnscoredMetric(text);
  } catch (error) {
    expect(error).toBeInstanceOf(LinguacodusError);
    return error as LinguacodusError;
  }
  throw new Error(`"${text}" was not refused`);
}

describe('the metric step', () => {
  it('reads the metric each plain-words phrasing asks for, or says the default for its target', () => {
    for (const task of PLAIN_WORDS_TASKS.filter((t) => !t.heldOut)) {
      const step = inferMetric(task.text, undefined, TYPES[task.suite]!);
      expect(step.value, task.text).toBe(task.metric);
      expect(step.reason, task.text).toMatch(/as named in the task|is the default for/);
    }
  });

  it('reads paraphrases as well as names', () => {
    expect(findMetricInText('Lower mean absolute error is better')).toBe('mae');
    expect(findMetricInText('judged by the average absolute difference')).toBe('mae');
    expect(findMetricInText('the share of passengers it gets right')).toBe('accuracy');
    expect(findMetricInText('how often it is right')).toBe('accuracy');
    expect(findMetricInText('Average the RMSE over both scores')).toBe('mcrmse');
    expect(findMetricInText('the share of the variance explained')).toBe('r2');
    expect(findMetricInText('root of the mean squared error')).toBe('rmse');
    expect(findMetricInText('Score with RMSE on the log of the amounts')).toBe('rmsle');
  });

  it('a stated metric is taken as stated, with where it was said', () => {
    const step = inferMetric(
      'predict price',
      { value: 'MAE', said: 'your reply “metric: MAE”' },
      'regression',
    );
    expect(step).toEqual({ value: 'mae', reason: null, said: 'your reply “metric: MAE”' });
  });

  it('refuses a metric it cannot score, naming it and listing the known ones, instead of a default', () => {
    const kappa = refusal('Evaluated with quadratic weighted kappa.');
    expect(kappa.code).toBe('unknown_metric');
    expect(kappa.userMessage).toContain(
      "I can't score quadratic weighted kappa (“quadratic weighted kappa”)",
    );
    expect(kappa.userMessage).toContain('Known metrics: rmse, mse, mae');
    // "balanced accuracy" is not accuracy.
    expect(refusal('Metric: balanced accuracy').userMessage).toContain('balanced accuracy');
    expect(refusal('scored on precision').userMessage).toContain('precision');
    expect(() => metricInText('judged by the Gini coefficient')).toThrow(LinguacodusError);
  });

  it('leaves words that only look like metrics alone', () => {
    expect(() =>
      refuseUnscoredMetric('the sensors measure the temperature with high precision'),
    ).not.toThrow();
    expect(() => refuseUnscoredMetric('F1, the balance of precision and recall')).not.toThrow();
    expect(metricInText('F1, the balance of precision and recall')).toBe('f1');
  });

  it('offers the metrics that fit a kind of target, its default first', () => {
    expect(metricsFor('regression')).toEqual(['rmse', 'mse', 'mae', 'rmsle', 'r2', 'mape']);
    expect(metricsFor('binary')[0]).toBe('roc-auc');
    expect(metricsFor('binary')).toContain('f1');
    expect(metricsFor('multiclass')).not.toContain('f1');
    expect(metricsFor('multi-regression')).toEqual(['mcrmse']);
  });
});
