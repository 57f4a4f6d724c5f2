// The harness room's public face: the holdout split, the contract generated code works to, the submission
// check, the metrics that score it, and the harness's own chart. The harness, not the generated code, scores.

export { formatCsv, writeCsv } from './csv-writer.ts';
export {
  CHART_FILE,
  CV_SCORE_FILE,
  describeContract,
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
} from './harness-contract.ts';
export { type ChartSpec, chartSpec, drawHoldoutChart } from './holdout-chart.ts';
export { baselineScore, type HoldoutScore, scoreSubmission, scoreSubmissionTable } from './holdout-score.ts';
export {
  type HoldoutSplit,
  prepareUnlabelled,
  seededRandom,
  splitHoldout,
  writeHoldoutFiles,
} from './holdout-split.ts';
export {
  binaryAuc,
  isBetter,
  KNOWN_METRICS,
  type LabelMetric,
  METRICS,
  type MetricDef,
  metricFits,
  type ProbabilityMetric,
  type RegressionMetric,
} from './metrics.ts';
export { drawPictureGrid } from './picture-grid.ts';
export { checkPredictions, type PredictionCheckOptions } from './prediction-check.ts';
export { type Harness, prepareHarness } from './prepare-harness.ts';
export { collected, readCvScore } from './script-outputs.ts';
export {
  canonicalId,
  canonicalLabel,
  checkSubmission,
  type SubmissionPredictions,
} from './submission-check.ts';
