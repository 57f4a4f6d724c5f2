// The intake room's public face: reading the user's CSV files, profiling them, and inferring the task spec.
export {
  columnValues,
  DEFAULT_INTAKE_LIMITS,
  formatCsv,
  parseCsvBytes,
  parseCsvText,
  readCsv,
  sniffDelimiter,
  type Table,
  writeCsv,
} from './csv-reader.ts';
export {
  inferTargetType,
  isNumberString,
  looksLikeDate,
  looksLikeIdName,
  profileTable,
  skewness,
} from './data-profile.ts';
export { findTargetInText, type IntakeResult, intakeTask, matchColumn } from './intake-task.ts';
