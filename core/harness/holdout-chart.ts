// Draws the harness's chart of a scored run in the sandbox: predicted against actual for regression, the ROC
// curve for binary probabilities, a confusion matrix for labels. The harness's own code, fed the held-out
// labels after scoring; generated code never sees them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox, SandboxFile } from '../../sandbox/types.ts';
import type { DataProfile, TaskSpec } from '../types.ts';
import { PROBABILITY_METRICS, positiveClass, SUBMISSION_FILE } from './harness-contract.ts';

const CHART_SCRIPT = readFileSync(join(import.meta.dirname, 'holdout-chart.py'), 'utf8');

export interface ChartSpec {
  id: string;
  targets: string[];
  kind: 'regression' | 'roc' | 'labels' | 'class-probabilities';
  positive?: string | null;
  classes?: string[];
}

/** What kind of chart suits the task. */
export function chartSpec(task: TaskSpec, profile: DataProfile): ChartSpec {
  const type = profile.target.type;
  const base = { id: task.idColumn, targets: task.targets };
  if (type === 'regression' || type === 'multi-regression') return { ...base, kind: 'regression' };
  if (type === 'binary' && PROBABILITY_METRICS.has(task.metric)) {
    return { ...base, kind: 'roc', positive: positiveClass(profile) };
  }
  if (type === 'multiclass' && PROBABILITY_METRICS.has(task.metric)) {
    return {
      ...base,
      kind: 'class-probabilities',
      classes: profile.target.classes?.map((c) => c.value) ?? [],
    };
  }
  return { ...base, kind: 'labels' };
}

/**
 * Renders chart.png from the held-out truth (CSV text: id and target columns) and the submission. Returns
 * the PNG bytes, or null with the reason when the chart could not be drawn (a chart is never worth failing
 * a scored run for).
 */
export async function drawHoldoutChart(
  sandbox: Sandbox,
  spec: ChartSpec,
  truthCsv: string,
  submission: Uint8Array,
  signal?: AbortSignal,
): Promise<{ png: Buffer | null; problem: string | null }> {
  return drawInSandbox(sandbox, {
    script: CHART_SCRIPT,
    what: 'chart script',
    spec,
    truthCsv,
    submission,
    signal,
  });
}

export interface HarnessDrawing {
  /** The Python that draws chart.png from chart_spec.json, truth.csv and the submission. */
  script: string;
  /** How a failure names the script ("chart script", "picture grid"). */
  what: string;
  spec: ChartSpec;
  truthCsv: string;
  submission: Uint8Array;
  /** Further files the script reads (an image run's test.csv and pictures). */
  inputs?: SandboxFile[];
  signal?: AbortSignal;
}

/** One harness drawing in the sandbox: chart.png, or null with the script's last error line. */
export async function drawInSandbox(
  sandbox: Sandbox,
  drawing: HarnessDrawing,
): Promise<{ png: Buffer | null; problem: string | null }> {
  const execution = await sandbox.execute({
    files: [
      ...(drawing.inputs ?? []),
      { path: 'chart.py', content: drawing.script },
      { path: 'chart_spec.json', content: JSON.stringify(drawing.spec) },
      { path: 'truth.csv', content: drawing.truthCsv },
      { path: SUBMISSION_FILE, content: drawing.submission },
    ],
    entry: 'chart.py',
    collect: ['chart.png'],
    limits: { timeoutMs: 120_000 },
    signal: drawing.signal,
  });
  const png = execution.files.find((f) => f.name === 'chart.png')?.bytes ?? null;
  if (png) return { png, problem: null };
  return {
    png: null,
    problem: `${drawing.what} exited ${execution.exitCode}: ${execution.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
  };
}
