// The one cancellation check: a job stopped by its user (or shut down) ends as a `cancelled` error, whatever step it was in.
import { LinguacodusError } from '../errors.ts';

/** Throws `cancelled` once the signal has fired; `what` names the job in the message ("The run was cancelled."). */
export function throwIfCancelled(signal: AbortSignal | undefined, what: 'planning' | 'run'): void {
  if (signal?.aborted) {
    throw new LinguacodusError('cancelled', `The ${what} was cancelled.`, { cause: signal.reason });
  }
}
