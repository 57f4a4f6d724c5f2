// The files a plan or run job needs from the file store (DATA_DIR), checked before the job uses them: one that is
// missing is the bot's fault (a worker without the front's DATA_DIR, a store gone away), not the user's file.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { InfrastructureError } from '../../common/errors.ts';

export interface NeededFile {
  /** What the user knows it as: the upload's name, or the run's number. */
  name: string;
  path: string;
  kind: 'uploaded file' | 'run folder';
}

/**
 * Throws an InfrastructureError (retryable, its cause the file system's error) naming the first missing file and the
 * store it should have come from (FileStore.where: `DATA_DIR`, or `s3://bucket/prefix`).
 */
export async function requireFiles(files: NeededFile[], where = 'DATA_DIR'): Promise<void> {
  for (const file of files) {
    try {
      await access(file.path);
    } catch (cause) {
      throw new InfrastructureError(
        `The worker could not reach the ${file.kind} ${file.name}: it is not in the file store this worker reads (${where}). This is a fault of the bot's set-up, not of your file.`,
        { cause },
      );
    }
  }
}

/** The files of a task as the plan holds them (training, test and extra files). */
export function taskFiles(task: {
  trainFile: string;
  testFile: string | null;
  extraFiles: string[];
}): NeededFile[] {
  return [task.trainFile, task.testFile, ...task.extraFiles]
    .filter((p): p is string => typeof p === 'string')
    .map((p) => ({ name: path.basename(p), path: p, kind: 'uploaded file' as const }));
}
