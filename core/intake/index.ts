// The intake room's public face: reading the user's CSV files, profiling them, and inferring the task spec.

export { matchColumn } from './column-names.ts';
export {
  columnValues,
  DEFAULT_INTAKE_LIMITS,
  parseCsvBytes,
  parseCsvText,
  readCsv,
  sniffDelimiter,
  type Table,
} from './csv-reader.ts';
export {
  inferTargetType,
  isNumberString,
  looksLikeDate,
  looksLikeIdName,
  profileTable,
  skewness,
} from './data-profile.ts';
export { defaultMetric, findMetricInText, parseMetricName, requireMetric } from './infer-metric.ts';
export { findTargetInText } from './infer-target.ts';
export { type IntakeResult, intakeTask } from './intake-task.ts';
