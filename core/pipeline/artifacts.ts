// Writes what a run leaves for the user into its output folder: code.py, notebook.ipynb, chart.png,
// submission.csv and run.log; and keeps the run log as it grows.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { RunResult } from '../types.ts';
import type { Notebook } from './notebook.ts';

const ARTIFACT_NAMES = {
  code: 'code.py',
  notebook: 'notebook.ipynb',
  chart: 'chart.png',
  submission: 'submission.csv',
  log: 'run.log',
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
  notebook: Notebook;
  chart: Uint8Array | null;
  submission: Uint8Array | null;
  log: string;
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
    await writeFile(path(ARTIFACT_NAMES.notebook), `${JSON.stringify(content.notebook, null, 1)}\n`);
    if (content.chart) await writeFile(path(ARTIFACT_NAMES.chart), content.chart);
    if (content.submission) await writeFile(path(ARTIFACT_NAMES.submission), content.submission);
    await writeFile(path(ARTIFACT_NAMES.log), content.log);
  } catch (error) {
    throw new LinguacodusError('internal', `Could not write the run's files into ${dir}.`, { cause: error });
  }
  return {
    code: path(ARTIFACT_NAMES.code),
    notebook: path(ARTIFACT_NAMES.notebook),
    chart: content.chart ? path(ARTIFACT_NAMES.chart) : undefined,
    submission: content.submission ? path(ARTIFACT_NAMES.submission) : undefined,
    log: path(ARTIFACT_NAMES.log),
  };
}
