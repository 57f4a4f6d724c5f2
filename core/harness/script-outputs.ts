// Reads what a script left in the sandbox work folder: the submission bytes and its own cross-validation score.
import { z } from 'zod';
import type { Execution } from '../../sandbox/types.ts';
import { CV_SCORE_FILE } from './harness-contract.ts';

const cvScoreSchema = z.object({ metric: z.string().optional(), cv_score: z.number().finite() });

/** Bytes of a collected file, or null when the script did not write it. */
export function collected(execution: Execution, name: string): Buffer | null {
  return execution.files.find((f) => f.name === name)?.bytes ?? null;
}

/**
 * The script's self-reported cross-validation score from cv_score.json, or null with the reason. It is the
 * script's own claim: useful evidence inside the training part, never the reported score.
 */
export function readCvScore(execution: Execution): { score: number | null; problem: string | null } {
  const bytes = collected(execution, CV_SCORE_FILE);
  if (!bytes) return { score: null, problem: `the script wrote no ${CV_SCORE_FILE}` };
  try {
    const parsed = cvScoreSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) return { score: null, problem: `${CV_SCORE_FILE} has no numeric cv_score` };
    return { score: parsed.data.cv_score, problem: null };
  } catch {
    return { score: null, problem: `${CV_SCORE_FILE} is not valid JSON` };
  }
}
