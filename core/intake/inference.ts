// What one intake step settles: the value, and the sentence saying why when it was inferred rather than stated.

export interface Inferred<T> {
  value: T;
  /** The line shown to the user (TaskSpec.inferred); null when the value was stated or goes without saying. */
  reason: string | null;
}

/** A value the user stated (or one that needs no word). */
export const stated = <T>(value: T): Inferred<T> => ({ value, reason: null });

/** A value the intake chose, with the sentence that tells the user so. */
export const inferred = <T>(value: T, reason: string): Inferred<T> => ({ value, reason });
