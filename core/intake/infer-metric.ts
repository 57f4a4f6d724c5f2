// The metric step: the metric the user named (by any common spelling) or the default for the target, and the
// target type the metric needs when the profiled one does not fit it.
import { LinguacodusError } from '../errors.ts';
// The metric registry (core/metrics.ts), shared with the harness, which reads tables through this room's index.
import { KNOWN_METRICS, METRICS, metricFits } from '../metrics.ts';
import { type DataProfile, type MetricName, metricNameSchema, type TargetType } from '../types.ts';
import { joinNames } from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { isNumberString } from './data-profile.ts';
import { type Inferred, inferred, stated } from './inference.ts';
import type { Stated } from './stated-fields.ts';

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

// Spellings and paraphrases, most specific first: a match inside an earlier one's span (the "rmse" in "mean
// column-wise rmse") is ignored.
const METRIC_PATTERNS: [MetricName, RegExp][] = [
  [
    'mcrmse',
    /\bmcrmse\b|mean[\s-]+column[\s-]*wise[\s-]+(?:rmse|root[\s-]+mean[\s-]+squared?[\s-]+error)|\b(?:average|mean)\w*\s+(?:the\s+)?rmse\s+(?:over|across)\s+(?:the\s+)?(?:both|two|all|columns|targets|scores)\b|\brmse\s+(?:averaged|mean)\s+(?:over|across)\s+(?:the\s+)?(?:both|two|all|columns|targets|scores)\b/i,
  ],
  [
    'rmsle',
    /\brmsle\b|root[\s-]+mean[\s-]+squared?[\s-]+log(?:arithmic)?[\s-]+error|\brmse\b[^.;]{0,30}\blog(?:arithm)?s?\b/i,
  ],
  [
    'rmse',
    /\brmse\b|root[\s-]+mean[\s-]+squared?[\s-]+error|root[\s-]+mse\b|root[\s-]+of[\s-]+the[\s-]+(?:mean|average)[\s-]+squared[\s-]+(?:error|difference)/i,
  ],
  [
    'mape',
    /\bmape\b|mean[\s-]+absolute[\s-]+percent(?:age)?[\s-]+error|average[\s-]+(?:absolute[\s-]+)?percent(?:age)?[\s-]+error/i,
  ],
  [
    'mae',
    /\bmae\b|mean[\s-]+absolute[\s-]+error|\babsolute[\s-]+error\b|average[\s-]+absolute[\s-]+(?:error|difference|deviation)|\boff\s+by\b[^.;]{0,30}\bon\s+average\b/i,
  ],
  ['mse', /\bmse\b|mean[\s-]+squared?[\s-]+error|average[\s-]+squared[\s-]+(?:error|difference)/i],
  [
    'r2',
    /\br\s?(?:2\b|²|\^2)|\br[\s-]+squared\b|coefficient[\s-]+of[\s-]+determination|(?:share|fraction|proportion)\s+of\s+(?:the\s+)?variance\s+explained|explained\s+variance/i,
  ],
  [
    'roc-auc',
    /\broc[\s_-]*auc\b|\bauc[\s_-]*roc\b|area[\s-]+under[\s-]+(?:the[\s-]+)?(?:roc[\s-]+)?curve|\bauroc\b|\broc\b|\bauc\b/i,
  ],
  ['log-loss', /\blog[\s_-]*loss\b|\blogloss\b|cross[\s-]*entropy|\blog(?:arithmic)?[\s-]+loss\b/i],
  ['f1-macro', /\bmacro[\s_-]*(?:averaged?[\s_-]*)?f1\b|\bf1[\s_-]*(?:score[\s_-]*)?\(?macro\b/i],
  ['f1-micro', /\bmicro[\s_-]*(?:averaged?[\s_-]*)?f1\b|\bf1[\s_-]*(?:score[\s_-]*)?\(?micro\b/i],
  ['f1', /\bf1(?:[\s_-]*score)?\b|\bf[\s-]?measure\b|\bf-?score\b/i],
  [
    'accuracy',
    /\baccuracy\b|\b(?:share|fraction|percentage|proportion|rate|number)\s+of\s+(?:\w+\s+){0,4}(?:correct|right)(?:ly\s+(?:classified|predicted|labell?ed))?\b|\bhow\s+often\s+(?:it\s+is|it's|the\s+model\s+is)\s+right\b|\bcorrectly\s+(?:classified|predicted)\b/i,
  ],
];

/**
 * Metrics people name that the harness cannot score, most specific first (so "balanced accuracy" is not read as
 * accuracy): named, they get a clear reply listing the known metrics rather than a default put in their place.
 */
const UNSCORED_METRICS: [string, RegExp][] = [
  ['balanced accuracy', /\bbalanced[\s-]+accuracy\b/i],
  ['top-k accuracy', /\btop[\s-]*\d+[\s-]+accuracy\b|\baccuracy\s*@\s*\d+/i],
  [
    'average precision (PR AUC)',
    /\baverage[\s-]+precision\b|\bpr[\s-]*auc\b|\bauc[\s-]*pr\b|precision[\s-]+recall[\s-]+(?:auc|curve)/i,
  ],
  ['SMAPE', /\bsmape\b|symmetric[\s-]+mean[\s-]+absolute[\s-]+percent(?:age)?[\s-]+error/i],
  ['quadratic weighted kappa', /\b(?:quadratic[\s-]+weighted[\s-]+)?kappa\b|\bqwk\b/i],
  ['Gini', /\bgini\b/i],
  ['Matthews correlation (MCC)', /\bmatthews\b|\bmcc\b/i],
  ['Brier score', /\bbrier\b/i],
  ['NDCG / MAP@k', /\bndcg\b|\bmap\s*@\s*\d+/i],
  ['IoU / Dice', /\biou\b|\bjaccard\b|\bdice[\s-]+(?:score|coefficient)\b/i],
  ['BLEU / ROUGE', /\bbleu\b|\brouge\b/i],
  ['correlation', /\b(?:pearson|spearman)\b|\bcorrelation\s+coefficient\b/i],
  ['pinball / quantile loss', /\bpinball\b|\bquantile[\s-]+loss\b/i],
  ['Huber loss', /\bhuber\b/i],
  ['precision', /\bprecision\b/i],
  ['recall', /\brecall\b|\bsensitivity\b|\bspecificity\b/i],
];
/** Words common outside metrics ("measured with high precision"): they count only after a word about scoring. */
const NEEDS_CONTEXT = new Set(['Gini', 'correlation', 'precision', 'recall']);
const SCORING_WORDS =
  /\b(?:metric|scor\w*|evaluat\w*|judg\w*|measured (?:by|on|with)|optimi[sz]\w*|maximi[sz]\w*|minimi[sz]\w*|graded|assessed)\b[^.;]{0,40}$/i;

/** Throws `unknown_metric` when the text names a metric the harness cannot score, listing those it can. */
export function refuseUnscoredMetric(text: string): void {
  const known = findMetricInText(text);
  for (const [name, pattern] of UNSCORED_METRICS) {
    // "F1, the balance of precision and recall" names F1: precision and recall alone count only without a known one.
    if (known && (name === 'precision' || name === 'recall')) continue;
    const m = pattern.exec(text);
    if (!m || (NEEDS_CONTEXT.has(name) && !SCORING_WORDS.test(text.slice(0, m.index)))) continue;
    throw new LinguacodusError(
      'unknown_metric',
      `I can't score ${name} (“${m[0]}”). Known metrics: ${KNOWN_METRICS.join(', ')}; name one of them (e.g. "metric: ${known ?? 'accuracy'}").`,
    );
  }
}

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

/** What a metric scores: classes (accuracy, ROC AUC, F1...) or a quantity (RMSE, MAE...). */
export function metricWants(metric: MetricName): 'classes' | 'quantity' {
  return METRICS[metric].kind === 'regression' ? 'quantity' : 'classes';
}

/** The metrics that can score a target of this type, the default first. */
export function metricsFor(type: TargetType): MetricName[] {
  const fitting = KNOWN_METRICS.filter(
    (m) => metricFits(m, type) && (m === 'mcrmse') === (type === 'multi-regression'),
  );
  const first = defaultMetric(type);
  return [first, ...fitting.filter((m) => m !== first)];
}

/** The metric the task's words name, refusing one the harness cannot score; null when none is named. */
export function metricInText(text: string): MetricName | null {
  refuseUnscoredMetric(text);
  return findMetricInText(text);
}

/** The metric the user stated, else the one the text names, else the default for the target type. */
export function inferMetric(
  text: string,
  named: Stated<string> | undefined,
  targetType: TargetType,
): Inferred<MetricName> {
  if (named !== undefined) return stated(requireMetric(named.value), named.said);
  const fromText = metricInText(text);
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
