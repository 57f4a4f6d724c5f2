// Writes what a run leaves for the user into its output folder: code.py, notebook.ipynb, chart.png,
// submission.csv and run.log; and keeps the run log as it grows.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { RunResult } from '../types.ts';
import type { Notebook } from './notebook.ts';

export const ARTIFACT_NAMES = {
  code: 'code.py',
  notebook: 'notebook.ipynb',
  chart: 'chart.png',
  importanceChart: 'importance.png',
  submission: 'submission.csv',
  log: 'run.log',
  oofPredictions: 'oof_predictions.csv',
  testPredictions: 'test_predictions.csv',
  userTestPredictions: 'user_test_predictions.csv',
  result: 'result.json',
} as const;

/** The run's own log, written beside the code: what ran, what failed and what the harness scored. */
export class RunLog {
  private readonly lines: string[] = [];
  private readonly started = Date.now();

  line(text: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(7);
    for (const part of text.split('\n')) this.lines.push(`[${seconds}s] ${part}`);
  }

  block(title: string, body: string): void {
    this.line(title);
    if (body.trim())
      this.lines.push(
        ...body
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      );
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export interface ArtifactContent {
  code: string;
  notebook: Notebook | null;
  chart: Uint8Array | null;
  /** The script's own chart.png (feature importance or coefficients). */
  importanceChart?: Uint8Array | null;
  submission: Uint8Array | null;
  log: string;
  /** The prediction files that passed the harness's check (what a blend reads). */
  oofPredictions?: Uint8Array | null;
  testPredictions?: Uint8Array | null;
  userTestPredictions?: Uint8Array | null;
}

/** Writes every artifact there is and returns their absolute paths. */
export async function writeArtifacts(
  outDir: string,
  content: ArtifactContent,
): Promise<RunResult['artifacts']> {
  const dir = resolve(outDir);
  const path = (name: string) => join(dir, name);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path(ARTIFACT_NAMES.code), content.code);
    if (content.notebook) {
      await writeFile(path(ARTIFACT_NAMES.notebook), `${JSON.stringify(content.notebook, null, 1)}\n`);
    }
    for (const key of [
      'chart',
      'importanceChart',
      'submission',
      'oofPredictions',
      'testPredictions',
      'userTestPredictions',
    ] as const) {
      const bytes = content[key];
      if (bytes) await writeFile(path(ARTIFACT_NAMES[key]), bytes);
    }
    await writeFile(path(ARTIFACT_NAMES.log), content.log);
  } catch (error) {
    throw new LinguacodusError('internal', `Could not write the run's files into ${dir}.`, { cause: error });
  }
  const ifWritten = (key: keyof typeof ARTIFACT_NAMES, bytes: unknown) =>
    bytes ? path(ARTIFACT_NAMES[key]) : undefined;
  return {
    code: path(ARTIFACT_NAMES.code),
    notebook: ifWritten('notebook', content.notebook),
    chart: ifWritten('chart', content.chart),
    importanceChart: ifWritten('importanceChart', content.importanceChart),
    submission: ifWritten('submission', content.submission),
    log: path(ARTIFACT_NAMES.log),
    oofPredictions: ifWritten('oofPredictions', content.oofPredictions),
    testPredictions: ifWritten('testPredictions', content.testPredictions),
    userTestPredictions: ifWritten('userTestPredictions', content.userTestPredictions),
    result: path(ARTIFACT_NAMES.result),
  };
}

/** Writes result.json (the RunResult) into the run folder: what improve and blend read back. */
export async function writeResult(result: RunResult): Promise<void> {
  const target = result.artifacts.result;
  if (!target) return;
  try {
    await writeFile(target, `${JSON.stringify(result, null, 1)}\n`);
  } catch (error) {
    throw new LinguacodusError('internal', `Could not write ${target}.`, { cause: error });
  }
}
