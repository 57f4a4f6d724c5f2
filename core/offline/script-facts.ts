// What the engine knows about a task when it writes a script, as the values its Python templates choose code by:
// the task kind, the metric, which column kinds exist, how time enters, the models and the quick-mode constants.
import {
  CHART_FILE,
  CV_SCORE_FILE,
  OOF_FILE,
  PROBABILITY_METRICS,
  positiveClass,
  predictionColumns,
  QUICK_ENV,
  SUBMISSION_FILE,
  submissionColumns,
  TEST_FILE,
  TEST_PREDICTIONS_FILE,
  TRAIN_FILE,
} from '../harness/index.ts';
import type { TaskSpec } from '../types.ts';

type Metric = TaskSpec['metric'];

import type { TemplateInput } from './code-block.ts';
import { type ModelSettings, QUICK_SAMPLE_ROWS, RARE_CLASS_ROWS } from './model-settings.ts';

const HIGHER_IS_BETTER = new Set<Metric>(['r2', 'roc-auc', 'accuracy', 'f1', 'f1-macro', 'f1-micro']);

/** The year/month/day(/hour) columns that make a timestamp when a table has no date column. */
function calendarColumns(numeric: string[]): Record<string, string> | null {
  const find = (part: string) => numeric.find((c) => c.toLowerCase() === part);
  const [year, month, day, hour] = ['year', 'month', 'day', 'hour'].map(find);
  if (!year || !month || !day) return null;
  return { year, month, day, ...(hour ? { hour } : {}) };
}

/** A model's name in the script (its fit_<name> function and its key in a blend) and the encoder it uses. */
function scriptModel(m: ModelSettings, classification: boolean) {
  const name =
    m.id === 'gbdt'
      ? m.engine === 'xgboost'
        ? 'xgboost'
        : 'boosting'
      : m.id === 'random-forest'
        ? 'forest'
        : m.id === 'linear'
          ? classification
            ? 'logistic'
            : 'ridge'
          : classification
            ? 'text_logistic'
            : 'text_ridge';
  return { ...m, name, encoder: m.style as string, c: Number((1 / m.alpha).toFixed(4)) };
}

/** The encoder functions a script defines, one per preprocessing style its models use (and the ridge base's). */
function scriptEncoders(models: ModelSettings[], text: boolean, categorical: boolean, linearBase: boolean) {
  const styles = [...new Set([...models.map((m) => m.style), ...(linearBase ? ['linear' as const] : [])])];
  return styles.map((style) => {
    const model = models.find((m) => m.style === style);
    const svd = text && style !== 'text' ? (model?.textSvd ?? 0) : 0;
    const words = text && style === 'text';
    const parts = [
      style === 'trees'
        ? 'numeric features as they are (boosting learns where missing values go)'
        : style === 'forest'
          ? 'median-imputed numeric features'
          : 'numeric features imputed (with missing-value flags), clipped to their 0.5-99.5 percentiles and scaled',
      ...(categorical
        ? [style === 'trees' || style === 'forest' ? 'ordinal codes' : 'one-hot categoricals']
        : []),
      ...(svd > 0 ? [`${svd} SVD components of the text's TF-IDF`] : []),
      ...(words
        ? [`TF-IDF of the text (word 1-2-grams${model?.charNgrams ? ', character 2-5-grams' : ''})`]
        : []),
    ];
    const doc = `${parts.join(', ')}.`;
    return {
      style,
      svd,
      words,
      chars: words && model?.charNgrams === true,
      doc: doc[0]!.toUpperCase() + doc.slice(1),
    };
  });
}

/** A fold model's importances as Python: |coefficients| on the scaled features, or the trees' importances. */
export function importanceExpression(linear: boolean): string {
  return linear
    ? 'pd.Series(np.abs(np.atleast_2d(model.coef_)).mean(axis=0), encoder.get_feature_names_out())'
    : 'pd.Series(model.feature_importances_, encoder.get_feature_names_out())';
}

/** The template values of one script. */
export function scriptFacts(input: TemplateInput) {
  const { task, profile, roles, recipe, models } = input;
  const type = profile.target.type;
  const classification = type === 'binary' || type === 'multiclass';
  const timeSeries = recipe.params.timeSeries === true;
  const timeColumn = task.split.kind === 'time' ? (task.split.column ?? null) : null;
  const calendar = calendarColumns(roles.numeric);
  // Where a row's moment comes from: the split's time column, a date column, or year/month/day columns.
  const timeFrom = timeColumn ?? roles.datetime[0] ?? null;
  const treeModels = models.some((m) => m.id === 'gbdt' || m.id === 'random-forest');
  const linearBase = !classification && !timeSeries && treeModels;
  const scripted = models.map((m) => scriptModel(m, classification));
  const encoders = scriptEncoders(models, roles.text.length > 0, roles.categorical.length > 0, linearBase);
  const has = (style: string) => encoders.some((e) => e.style === style);
  const linearStyle = has('linear') || has('text');
  const preprocessing = [
    ...(roles.categorical.length > 0 && (has('trees') || has('forest')) ? ['OrdinalEncoder'] : []),
    ...(roles.categorical.length > 0 && linearStyle ? ['OneHotEncoder'] : []),
    ...(linearStyle ? ['StandardScaler'] : []),
  ];
  const importanceModel = scripted.find((m) => m.id !== 'gbdt' || m.engine === 'xgboost');
  const labelMetric = classification && task.metric !== 'roc-auc' && task.metric !== 'log-loss';
  const nonNumeric = [
    ...(roles.categorical.length > 0 ? ['categorical_features'] : []),
    ...(roles.text.length > 0 ? ['text_features'] : []),
  ].join(' + ');
  return {
    quick_env: QUICK_ENV,
    quick_rows: QUICK_SAMPLE_ROWS,
    rare_class_rows: RARE_CLASS_ROWS,
    folds: input.folds,
    train_file: TRAIN_FILE,
    test_file: TEST_FILE,
    submission_file: SUBMISSION_FILE,
    cv_score_file: CV_SCORE_FILE,
    chart_file: CHART_FILE,
    oof_file: OOF_FILE,
    test_predictions_file: TEST_PREDICTIONS_FILE,
    id_column: task.idColumn,
    targets: task.targets,
    target: task.targets[0] ?? '',
    metric: task.metric,
    higher_is_better: HIGHER_IS_BETTER.has(task.metric),
    classification,
    binary: type === 'binary',
    multiclass: type === 'multiclass',
    regression: !classification,
    positive: positiveClass(profile),
    probability_output: PROBABILITY_METRICS.has(task.metric),
    submission_columns: submissionColumns(task, profile),
    prediction_columns: predictionColumns(task, profile),
    numeric: roles.numeric.filter((c) => c !== timeColumn),
    categorical: roles.categorical,
    high_cardinality: roles.highCardinality,
    text: roles.text,
    dates: roles.datetime,
    time_series: timeSeries,
    time_column: timeColumn,
    time_from: timeFrom,
    calendar: timeFrom ? null : calendar,
    calendar_columns: calendar ? Object.values(calendar) : [],
    calendar_parts: calendar ? Object.keys(calendar) : [],
    calendar_renamed: calendar !== null && Object.entries(calendar).some(([part, column]) => part !== column),
    group_column: task.split.kind === 'group' ? (task.split.column ?? null) : null,
    models: scripted,
    weights: Object.fromEntries(scripted.map((m) => [m.name, Number(m.weight.toFixed(4))])),
    encoders,
    uses: {
      tfidf: encoders.some((e) => e.words || e.svd > 0),
      words: encoders.some((e) => e.words),
      chars: encoders.some((e) => e.chars),
      svd: encoders.find((e) => e.svd > 0)?.svd ?? 0,
      linear: linearStyle,
      imputer: has('forest') || linearStyle,
      pipeline: linearStyle || encoders.some((e) => e.svd > 0),
      ordinal: preprocessing.includes('OrdinalEncoder'),
      one_hot: preprocessing.includes('OneHotEncoder'),
      scaler: linearStyle,
      preprocessing_names: preprocessing.join(', '),
    },
    non_numeric: nonNumeric,
    truth: classification ? 'y' : 'Y',
    tfidf_features:
      roles.text.length > 0 ? (models.find((m) => m.style === 'text')?.maxTfidfFeatures ?? null) : null,
    non_numeric_constants: '',
    vanilla_what: '',
    feature_lists: '',
    importance: importanceModel
      ? importanceModel.id === 'gbdt' || importanceModel.id === 'random-forest'
        ? 'trees'
        : 'linear'
      : null,
    importance_model: importanceModel?.name ?? null,
    importance_expression: importanceExpression(
      importanceModel !== undefined &&
        (importanceModel.id === 'linear' || importanceModel.id === 'tfidf-linear'),
    ),
    weight_metric: labelMetric ? 'log-loss' : task.metric,
    weight_metric_expression:
      type === 'binary'
        ? 'lambda truth, p: log_loss(truth, np.clip(p, 1e-7, 1 - 1e-7), labels=[0, 1])'
        : 'lambda truth, p: log_loss(truth, p, labels=range(len(CLASSES)))',
    weight_higher: labelMetric ? false : HIGHER_IS_BETTER.has(task.metric),
    refit: timeSeries && !classification && task.targets.length === 1,
    blend: models.length > 1,
    fit_weights: models.length > 1 && recipe.params.fitWeights === true,
    xgboost: models.some((m) => m.id === 'gbdt' && m.engine === 'xgboost'),
    boosting: models.some((m) => m.id === 'gbdt'),
    log_target: models.some((m) => m.logTarget),
    // A ridge base under the trees (near-linear targets): regression tables only, not forecasts.
    linear_base: linearBase,
  };
}

export type ScriptFacts = ReturnType<typeof scriptFacts>;
