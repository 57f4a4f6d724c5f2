// Errors as values for the pipeline: the shared module in common/, re-exported so core's imports stay as they are.
export { asLinguacodusError, type ErrorCode, LinguacodusError } from '../common/errors.ts';
