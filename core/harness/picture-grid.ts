// The harness's chart of a scored image run: a grid of held-out pictures with their true and predicted labels,
// mistakes first, and the confusion matrix, drawn in the sandbox from the held-out labels after scoring (the
// generated code never sees them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox, SandboxFile } from '../../sandbox/types.ts';
import { TEST_FILE } from './harness-contract.ts';
import { type ChartSpec, drawInSandbox } from './holdout-chart.ts';

const GRID_SCRIPT = readFileSync(join(import.meta.dirname, 'picture-grid.py'), 'utf8');

/**
 * chart.png of an image run from the held-out truth, the submission and the run's files (test.csv and the
 * pictures); null with the reason when it could not be drawn.
 */
export async function drawPictureGrid(
  sandbox: Sandbox,
  spec: ChartSpec,
  truthCsv: string,
  submission: Uint8Array,
  runFiles: SandboxFile[],
  signal?: AbortSignal,
): Promise<{ png: Buffer | null; problem: string | null }> {
  const inputs = runFiles.filter((f) => f.path === TEST_FILE || f.path.includes('/'));
  return drawInSandbox(sandbox, {
    script: GRID_SCRIPT,
    what: 'picture grid',
    spec,
    truthCsv,
    submission,
    inputs,
    signal,
  });
}
