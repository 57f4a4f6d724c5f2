// The intake room's public face: reading the user's CSV files, profiling them, and inferring the task spec.

export { type ColumnFact, columnFactSchema } from './column-facts.ts';
export { matchColumn, namedColumns } from './column-names.ts';
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
export {
  defaultMetric,
  findMetricInText,
  metricsFor,
  parseMetricName,
  requireMetric,
} from './infer-metric.ts';
export type { IntakeAdvisor, TargetAdvice } from './intake-advice.ts';
export { MAX_TARGET_CHOICES, type TargetChoice, TargetQuestion } from './intake-question.ts';
export { type IntakeOptions, type IntakeResult, intakeTask } from './intake-task.ts';
export { readReply, type StatedField, type StatedFields } from './stated-fields.ts';
