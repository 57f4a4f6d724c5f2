// Merges the default limits, the sandbox's limits and a job's limits into one validated set.
import { DEFAULT_LIMITS, type SandboxLimits, sandboxLimitsSchema } from './types.ts';

/** Later layers win; the result is checked so a bad value fails before anything is spawned. */
export function resolveLimits(...layers: (Partial<SandboxLimits> | undefined)[]): SandboxLimits {
  const merged: Partial<SandboxLimits> = { ...DEFAULT_LIMITS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return sandboxLimitsSchema.parse(merged);
}

export const MB = 1024 * 1024;
