// FileRefs for files on disk: the reads that render functions must not do, made by their callers beforehand.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../core/types.ts';
import type { FileRef } from './messages.ts';

const MIME: Record<string, string> = {
  '.py': 'text/x-python',
  '.ipynb': 'application/x-ipynb+json',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.md': 'text/markdown',
  '.log': 'text/plain',
  '.txt': 'text/plain',
};

/** A FileRef for a file on disk, or null when it does not exist. */
export async function fileRefFor(filePath: string | undefined, name?: string): Promise<FileRef | null> {
  if (!filePath) return null;
  try {
    const s = await stat(filePath);
    if (!s.isFile()) return null;
    const ext = path.extname(filePath).toLowerCase();
    return {
      name: name ?? path.basename(filePath),
      path: filePath,
      mime: MIME[ext] ?? 'application/octet-stream',
      bytes: s.size,
    };
  } catch {
    return null;
  }
}

/** The files a run left that its result message attaches; null where the run wrote none. */
export interface RunFiles {
  code: FileRef | null;
  chart: FileRef | null;
  notebook: FileRef | null;
  submission: FileRef | null;
  log: FileRef | null;
}

export async function runFilesOf(result: RunResult): Promise<RunFiles> {
  const { artifacts } = result;
  const [code, chart, notebook, submission, log] = await Promise.all([
    fileRefFor(artifacts.code, 'solution.py'),
    fileRefFor(artifacts.chart),
    fileRefFor(artifacts.notebook),
    fileRefFor(artifacts.submission),
    fileRefFor(artifacts.log),
  ]);
  return { code, chart, notebook, submission, log };
}
