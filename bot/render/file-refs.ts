// FileRefs for files on disk: the reads that render functions must not do, made by their callers beforehand.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileRef } from '../../contract/messages.ts';
import type { RunResult } from '../../core/types.ts';

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
  /** The harness's holdout chart. */
  chart: FileRef | null;
  /** The script's own chart: feature importance or coefficients. */
  importance: FileRef | null;
  notebook: FileRef | null;
  submission: FileRef | null;
  log: FileRef | null;
}

/** A run's file as attached to the thread: its run number first (run3-solution.py), so two runs never clash. */
export function runFileName(n: number, name: string): string {
  return n > 0 ? `run${n}-${name}` : name;
}

/** The files of run #n (0: unnumbered), named for the thread (runFileName). */
export async function runFilesOf(result: RunResult, n = 0): Promise<RunFiles> {
  const { artifacts } = result;
  const named = (p: string | undefined, fallback: string) =>
    fileRefFor(p, runFileName(n, p ? path.basename(p) : fallback));
  const [code, chart, importance, notebook, submission, log] = await Promise.all([
    fileRefFor(artifacts.code, runFileName(n, 'solution.py')),
    named(artifacts.chart, 'chart.png'),
    // The script's chart.png and the harness's chart may share a base name: the importance chart says what it is.
    fileRefFor(artifacts.importanceChart, runFileName(n, 'importance.png')),
    named(artifacts.notebook, 'notebook.ipynb'),
    named(artifacts.submission, 'submission.csv'),
    named(artifacts.log, 'run.log'),
  ]);
  return { code, chart, importance, notebook, submission, log };
}
