// Reads a metric the chat task states explicitly ("metric: mae") so intake treats it as stated, not guessed.
import type { TaskInput } from '../core/types.ts';

const STATED_METRIC = /\bmetric\s*(?:is|:|=)\s*([^.;,\n]+)/i;

/**
 * An explicit `metric:` clause becomes intake's metric override, so an unknown name gets a clear
 * "I don't know the metric" reply instead of a silent default. Targets are left to intake's own reading.
 */
export function statedOverrides(text: string): NonNullable<TaskInput['overrides']> {
  const value = STATED_METRIC.exec(text)?.[1]
    ?.trim()
    .replace(/^[`"']|[`"']$/g, '');
  return value ? { metric: value } : {};
}
