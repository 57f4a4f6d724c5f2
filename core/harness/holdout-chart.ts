// Draws the harness's chart of a scored run in the sandbox: predicted against actual for regression, the ROC
// curve for binary probabilities, a confusion matrix for labels. The harness's own code, fed the held-out
// labels after scoring; generated code never sees them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/types.ts';
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
  const execution = await sandbox.execute({
    files: [
      { path: 'chart.py', content: CHART_SCRIPT },
      { path: 'chart_spec.json', content: JSON.stringify(spec) },
      { path: 'truth.csv', content: truthCsv },
      { path: SUBMISSION_FILE, content: submission },
    ],
    entry: 'chart.py',
    collect: ['chart.png'],
    limits: { timeoutMs: 120_000 },
    signal,
  });
  const png = execution.files.find((f) => f.name === 'chart.png')?.bytes ?? null;
  if (png) return { png, problem: null };
  return {
    png: null,
    problem: `chart script exited ${execution.exitCode}: ${execution.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
  };
}
