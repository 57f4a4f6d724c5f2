// The metric step: the metric the user named (by any common spelling) or the default for the target, and the
// target type the metric needs when the profiled one does not fit it.
import { LinguacodusError } from '../errors.ts';
// The registry itself, not the harness's index: the harness reads tables through this room's index.
import { KNOWN_METRICS, METRICS, metricFits } from '../harness/metrics.ts';
import { type DataProfile, type MetricName, metricNameSchema, type TargetType } from '../types.ts';
import { joinNames } from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { isNumberString } from './data-profile.ts';
import { type Inferred, inferred, stated } from './inference.ts';

/** The default metric for a target type, used when the task names none. */
export function defaultMetric(type: TargetType): MetricName {
  switch (type) {
    case 'regression':
      return 'rmse';
    case 'binary':
      return 'roc-auc';
    case 'multiclass':
      return 'accuracy';
    case 'multi-regression':
      return 'mcrmse';
  }
}

// Spellings, most specific first: a match inside an earlier one's span (the "rmse" in "mean column-wise rmse") is ignored.
const METRIC_PATTERNS: [MetricName, RegExp][] = [
  ['mcrmse', /\bmcrmse\b|mean[\s-]+column[\s-]*wise[\s-]+(?:rmse|root[\s-]+mean[\s-]+squared?[\s-]+error)/i],
  [
    'rmsle',
    /\brmsle\b|root[\s-]+mean[\s-]+squared?[\s-]+log(?:arithmic)?[\s-]+error|\brmse\b[^.;]{0,30}\blog(?:arithm)?s?\b/i,
  ],
  ['rmse', /\brmse\b|root[\s-]+mean[\s-]+squared?[\s-]+error|root[\s-]+mse\b/i],
  ['mape', /\bmape\b|mean[\s-]+absolute[\s-]+percent(?:age)?[\s-]+error/i],
  ['mae', /\bmae\b|mean[\s-]+absolute[\s-]+error|\babsolute[\s-]+error\b/i],
  ['mse', /\bmse\b|mean[\s-]+squared?[\s-]+error/i],
  ['r2', /\br\s?(?:2\b|²|\^2)|\br[\s-]+squared\b|coefficient[\s-]+of[\s-]+determination/i],
  [
    'roc-auc',
    /\broc[\s_-]*auc\b|\bauc[\s_-]*roc\b|area[\s-]+under[\s-]+(?:the[\s-]+)?(?:roc[\s-]+)?curve|\bauroc\b|\broc\b|\bauc\b/i,
  ],
  ['log-loss', /\blog[\s_-]*loss\b|\blogloss\b|cross[\s-]*entropy|\blog(?:arithmic)?[\s-]+loss\b/i],
  ['f1-macro', /\bmacro[\s_-]*(?:averaged?[\s_-]*)?f1\b|\bf1[\s_-]*(?:score[\s_-]*)?\(?macro\b/i],
  ['f1-micro', /\bmicro[\s_-]*(?:averaged?[\s_-]*)?f1\b|\bf1[\s_-]*(?:score[\s_-]*)?\(?micro\b/i],
  ['f1', /\bf1(?:[\s_-]*score)?\b|\bf[\s-]?measure\b|\bf-?score\b/i],
  ['accuracy', /\baccuracy\b/i],
];

/** The metric a text names, by any common spelling; the first named wins. Null when none is named. */
export function findMetricInText(text: string): MetricName | null {
  const taken: [number, number][] = [];
  let best: { metric: MetricName; at: number } | null = null;
  for (const [metric, pattern] of METRIC_PATTERNS) {
    const global = new RegExp(pattern.source, 'gi');
    for (const m of text.matchAll(global)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      if (!best || start < best.at) best = { metric, at: start };
    }
  }
  return best?.metric ?? null;
}

/** A metric named explicitly (a flag or a suite entry): exact names first, then any spelling findMetricInText knows. */
export function parseMetricName(value: string): MetricName | null {
  const cleaned = value.trim().toLowerCase().replaceAll('_', '-');
  const exact = metricNameSchema.safeParse(cleaned);
  if (exact.success) return exact.data;
  const aliases: Record<string, MetricName> = {
    auc: 'roc-auc',
    roc: 'roc-auc',
    rocauc: 'roc-auc',
    'auc-roc': 'roc-auc',
    logloss: 'log-loss',
    'cross-entropy': 'log-loss',
    acc: 'accuracy',
    'macro-f1': 'f1-macro',
    'micro-f1': 'f1-micro',
    'f1-score': 'f1',
    'r-squared': 'r2',
    rsquared: 'r2',
  };
  const alias = aliases[cleaned.replaceAll(' ', '-')];
  if (alias) return alias;
  return findMetricInText(value);
}

/** Parses an explicitly named metric or throws `unknown_metric` listing the known ones. */
export function requireMetric(value: string): MetricName {
  const metric = parseMetricName(value);
  if (metric === null) {
    throw new LinguacodusError(
      'unknown_metric',
      `I don't know the metric "${value}". Known metrics: ${KNOWN_METRICS.join(', ')}.`,
    );
  }
  return metric;
}

function describeTargetType(type: TargetType): string {
  switch (type) {
    case 'regression':
      return 'a numeric target (regression)';
    case 'binary':
      return 'a two-class target (binary classification)';
    case 'multiclass':
      return 'a target with several classes (multiclass classification)';
    case 'multi-regression':
      return 'several numeric targets';
  }
}

/** The metric the user named, else the one the text names, else the default for the target type. */
export function inferMetric(
  text: string,
  named: string | undefined,
  targetType: TargetType,
): Inferred<MetricName> {
  if (named !== undefined) return stated(requireMetric(named));
  const fromText = findMetricInText(text);
  if (fromText) return inferred(fromText, `The metric is ${METRICS[fromText].label}, as named in the task.`);
  const metric = defaultMetric(targetType);
  return inferred(
    metric,
    `No metric was named; ${METRICS[metric].label} is the default for ${describeTargetType(targetType)}.`,
  );
}

/**
 * The target type the metric scores when the profiled one does not fit it (integer grades scored with MAE are a
 * regression; a 0/1 number scored with ROC AUC is binary); null when it fits. Throws when no type fits.
 */
export function targetTypeForMetric(
  metric: MetricName,
  profile: DataProfile,
  table: Table,
): Inferred<TargetType | null> {
  const type = profile.target.type;
  if (metricFits(metric, type)) return stated(null);
  const retyped = (to: TargetType) =>
    inferred(
      to,
      `${METRICS[metric].label} scores ${describeTargetType(to)}, so the target is treated as one.`,
    );
  const kind = METRICS[metric].kind;
  if (kind === 'regression' && (type === 'binary' || type === 'multiclass')) {
    const values = profile.target.classes?.map((c) => c.value) ?? [];
    if (values.every(isNumberString))
      return retyped(profile.target.names.length > 1 ? 'multi-regression' : 'regression');
  }
  if (kind !== 'regression' && type === 'regression') {
    const index = table.columns.indexOf(profile.target.names[0]!);
    const distinct = new Set(table.rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined));
    if (distinct.size <= 2) return retyped('binary');
    if (metric !== 'f1' && distinct.size <= 200) return retyped('multiclass');
  }
  const classes = profile.target.classes?.slice(0, 5).map((c) => c.value);
  throw new LinguacodusError(
    'bad_input',
    `${METRICS[metric].label} does not fit the target ${joinNames(profile.target.names)} (${profile.target.type}${classes ? `: ${classes.join(', ')}` : ''}). Name a ${profile.target.type === 'regression' || profile.target.type === 'multi-regression' ? 'regression metric such as rmse or mae' : 'classification metric such as roc-auc, accuracy or f1'}.`,
  );
}
