// Errors as values: a code, a message a user can act on, and the cause for the log.
export type ErrorCode =
  | 'bad_input'
  | 'bad_csv'
  | 'too_large'
  | 'unknown_metric'
  | 'no_target'
  | 'empty_task'
  | 'llm_error'
  | 'llm_bad_output'
  | 'sandbox_error'
  | 'sandbox_timeout'
  | 'bad_submission'
  | 'run_failed'
  | 'cancelled'
  | 'internal';

/** An error whose message is fit to show in a chat thread; `cause` holds the detail for the log. */
export class LinguacodusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LinguacodusError';
    this.retryable = options.retryable ?? false;
  }
  readonly retryable: boolean;

  /** The line a user sees. */
  get userMessage(): string {
    return this.message;
  }
}

/** Wraps anything thrown into a LinguacodusError, keeping the original as the cause. */
export function asLinguacodusError(error: unknown, code: ErrorCode = 'internal'): LinguacodusError {
  if (error instanceof LinguacodusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LinguacodusError(code, code === 'internal' ? `Something went wrong: ${message}` : message, {
    cause: error,
  });
}
