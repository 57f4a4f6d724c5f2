// What one intake step settles: the value, and the sentence saying why when it was inferred rather than stated.

export interface Inferred<T> {
  value: T;
  /** The line shown to the user (TaskSpec.inferred); null when the value was stated or goes without saying. */
  reason: string | null;
  /** Where a stated value was stated ("as you said: “metric: mae”"), for the task card; absent when inferred. */
  said?: string;
}

/** A value the user stated (or one that needs no word); `said` tells where, when it matters. */
export const stated = <T>(value: T, said?: string): Inferred<T> =>
  said === undefined ? { value, reason: null } : { value, reason: null, said };

/** A value the intake chose, with the sentence that tells the user so. */
export const inferred = <T>(value: T, reason: string): Inferred<T> => ({ value, reason });

/** What a step's value rests on, in one line: its reason, or where it was stated. */
export const because = (step: Inferred<unknown>): string | null => step.reason ?? step.said ?? null;
