// What generated code may rely on inside the sandbox, and what it must leave behind: one contract for
// prompts, the offline engine's templates and the harness that scores.
import type { DataProfile, TaskSpec } from '../types.ts';

/** Files the harness writes into the work folder (the script's current directory). */
export const TRAIN_FILE = 'train.csv';
export const TEST_FILE = 'test.csv';
/** What the script must write. */
export const SUBMISSION_FILE = 'submission.csv';
/** Optional: {"metric": name, "cv_score": number} from the script's own cross-validation. */
export const CV_SCORE_FILE = 'cv_score.json';
/** Optional: one chart (e.g. feature importance or CV folds) shown in the thread. */
export const CHART_FILE = 'chart.png';
/** Out-of-fold predictions on train.csv's rows, in the layout of predictionColumns (what a blend fits on). */
export const OOF_FILE = 'oof_predictions.csv';
/** The same model's predictions for test.csv's rows, in the layout of predictionColumns (what a blend combines). */
export const TEST_PREDICTIONS_FILE = 'test_predictions.csv';
/** Set to "1" when the harness wants a quick, sampled cross-validation only (the resolver's evidence). */
export const QUICK_ENV = 'LC_QUICK';

/** Classification metrics scored on probabilities rather than labels. */
export const PROBABILITY_METRICS = new Set(['roc-auc', 'log-loss']);

/**
 * Submission layout for a task:
 * - regression / labels: the id column and one column per target holding the prediction;
 * - binary with a probability metric: the target column holds P(target == positiveClass);
 * - multiclass with a probability metric: one column per class value, holding its probability.
 */
export function submissionColumns(task: TaskSpec, profile: DataProfile): string[] {
  const classes = profile.target.classes?.map((c) => c.value) ?? [];
  if (profile.target.type === 'multiclass' && PROBABILITY_METRICS.has(task.metric)) {
    return [task.idColumn, ...classes];
  }
  return [task.idColumn, ...task.targets];
}

/**
 * Layout of the prediction files (OOF_FILE, TEST_PREDICTIONS_FILE): scores, not labels, so runs can be blended.
 * The id column, then: regression, the target column(s) with the predicted value; binary, the target column with
 * P(target == positiveClass); multiclass, one column per class value with its probability.
 */
export function predictionColumns(task: TaskSpec, profile: DataProfile): string[] {
  const classes = profile.target.classes?.map((c) => c.value) ?? [];
  if (profile.target.type === 'multiclass') return [task.idColumn, ...classes];
  return [task.idColumn, ...task.targets];
}

/** What the prediction files' value columns hold, in words. */
function predictionWhat(task: TaskSpec, profile: DataProfile): string {
  if (profile.target.type === 'multiclass')
    return 'each class column holds the predicted probability of that class';
  if (profile.target.type === 'binary') {
    return `\`${task.targets[0]}\` holds the predicted probability that it equals ${JSON.stringify(positiveClass(profile))}`;
  }
  return 'the predicted value of each target';
}

/** The positive class of a binary task: "1"/"true"/"yes" when present, else the minority class. */
export function positiveClass(profile: DataProfile): string | null {
  if (profile.target.type !== 'binary' || !profile.target.classes) return null;
  const values = profile.target.classes.map((c) => c.value);
  const preferred = values.find((v) =>
    ['1', '1.0', 'true', 'yes', 'y', 'spam', '>50k'].includes(v.toLowerCase()),
  );
  if (preferred) return preferred;
  return [...profile.target.classes].sort((a, b) => a.count - b.count)[0]?.value ?? null;
}

/**
 * How the folds must hold rows out: as the harness holds out the scored rows, so the CV score and the out-of-fold
 * predictions are honest (a shuffled k-fold on a later period or on unseen groups leaks, and a blend trusts it).
 */
function foldScheme(task: TaskSpec, profile: DataProfile): string {
  if (task.split.kind === 'group' && task.split.column) {
    return `with folds by group (GroupKFold on \`${task.split.column}\`: the scored rows come from groups the training rows lack)`;
  }
  if (task.split.kind === 'time') {
    const by = task.split.column ? ` sorted by \`${task.split.column}\`` : ' in time order';
    return `with time-ordered folds (TimeSeriesSplit on the rows${by}: the scored rows are a later period)`;
  }
  return profile.target.type === 'binary' || profile.target.type === 'multiclass'
    ? 'with shuffled stratified folds'
    : 'with shuffled folds';
}

/** The contract in words, for prompts and for comments at the top of generated code. */
export function describeContract(task: TaskSpec, profile: DataProfile): string {
  const cols = submissionColumns(task, profile);
  const positive = positiveClass(profile);
  const lines = [
    `The current directory holds ${TRAIN_FILE} (labelled rows: the id column \`${task.idColumn}\`, the features and the target column(s) ${task.targets.map((t) => `\`${t}\``).join(', ')}) and ${TEST_FILE} (the rows to predict: same columns without the target).`,
    `Write ${SUBMISSION_FILE} with exactly the columns ${cols.map((c) => `\`${c}\``).join(', ')} and one row per row of ${TEST_FILE}, in any order, with no missing values.`,
  ];
  if (positive !== null && PROBABILITY_METRICS.has(task.metric)) {
    lines.push(`Predict the probability that \`${task.targets[0]}\` equals ${JSON.stringify(positive)}.`);
  } else if (profile.target.type === 'multiclass' && PROBABILITY_METRICS.has(task.metric)) {
    lines.push('Each class column holds the predicted probability of that class.');
  } else if (profile.target.type === 'binary' || profile.target.type === 'multiclass') {
    lines.push('Predict class labels with the same values as in the training file.');
  }
  lines.push(
    `Use cross-validation on ${TRAIN_FILE} only, ${foldScheme(task, profile)}; write {"metric": "${task.metric}", "cv_score": <number>} to ${CV_SCORE_FILE}.`,
    `When the environment variable ${QUICK_ENV} is "1", run a quick check only: at most 3000 sampled rows, 3 folds, fewer iterations, and still write ${CV_SCORE_FILE} and ${SUBMISSION_FILE}.`,
    `Also write ${OOF_FILE} (your cross-validation's out-of-fold predictions for the rows of ${TRAIN_FILE}) and ${TEST_PREDICTIONS_FILE} (the final model's predictions for every row of ${TEST_FILE}), each with exactly the columns ${predictionColumns(
      task,
      profile,
    )
      .map((c) => `\`${c}\``)
      .join(', ')} and scores, not labels: ${predictionWhat(task, profile)}. They let runs be blended.`,
    `Print a line \`fold k of n\` (e.g. \`print(f'fold {k} of {n}: ...', flush=True)\`) as each cross-validation fold finishes.`,
    `Save the model's feature-importance (or coefficient) chart to ${CHART_FILE} with matplotlib (Agg backend). There is no network; use only pandas, numpy, scikit-learn, xgboost and matplotlib (fall back to scikit-learn's HistGradientBoosting when xgboost is missing).`,
  );
  return lines.join('\n');
}
