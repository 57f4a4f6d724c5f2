// The benchmark's strong tuned panel: tuned HistGradientBoosting, random forest, XGBoost and a linear model
// (strong-panel.py), fitted on the same training rows as the engine's runs and scored by the same harness on the
// same held-out rows. The panel's score is the member its own cross-validation picks (it never sees the holdout);
// every member's CV and holdout scores are kept, so the report can say how often the holdout's best differs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  collected,
  METRICS,
  PROBABILITY_METRICS,
  positiveClass,
  submissionColumns,
} from '../core/harness/index.ts';
import type { DataProfile, TaskSpec } from '../core/index.ts';
import type { Sandbox, SandboxFile, SandboxLimits } from '../sandbox/index.ts';
import { LINEAR_FEATURES_FILE } from './linear-baseline.ts';

const SCRIPT = readFileSync(join(import.meta.dirname, 'strong-panel.py'), 'utf8');
/** The members, in the order the script fits them. */
export const PANEL_MEMBERS = ['hgb', 'random-forest', 'xgboost', 'linear'] as const;

export interface PanelMember {
  name: string;
  /** Mean k-fold CV score of the chosen settings on train.csv (the training part only). */
  cv: number | null;
  /** The harness's score of the member's submission on the held-out rows. */
  holdout: number | null;
  params: Record<string, unknown> | null;
  /** Settings tried within the time box. */
  tried: number;
  seconds: number;
  error: string | null;
}

export interface PanelScore {
  /** The holdout score of the member the panel's CV picked. */
  score: number | null;
  /** The member the panel's own CV picked. */
  picked: string | null;
  /** The member with the best holdout score (what an oracle would pick). */
  oracle: string | null;
  members: PanelMember[];
  /** False when xgboost was missing (its place then holds a second HistGradientBoosting setting). */
  xgboost: boolean;
  seconds: number;
  error: string | null;
}

/** The script, the linear features module and the settings, to run in the sandbox beside train.csv and test.csv. */
export function strongPanelFiles(
  task: TaskSpec,
  profile: DataProfile,
  options: { budgetS: number; folds?: number; searchRows?: number },
): SandboxFile[] {
  const type = profile.target.type;
  const spec = {
    id: task.idColumn,
    targets: task.targets,
    metric: task.metric,
    higher_is_better: METRICS[task.metric].higherIsBetter,
    kind: type === 'regression' || type === 'multi-regression' ? 'regression' : 'classification',
    probability: PROBABILITY_METRICS.has(task.metric),
    positive: positiveClass(profile),
    columns: submissionColumns(task, profile),
    text_columns: profile.columns.filter((c) => c.kind === 'text').map((c) => c.name),
    datetime_columns: profile.columns.filter((c) => c.kind === 'datetime').map((c) => c.name),
    split: { kind: task.split.kind, column: task.split.column ?? null },
    budget_s: options.budgetS,
    folds: options.folds ?? 3,
    search_rows: options.searchRows ?? 20_000,
  };
  return [
    { path: 'strong_panel.py', content: SCRIPT },
    LINEAR_FEATURES_FILE,
    { path: 'panel_spec.json', content: JSON.stringify(spec) },
  ];
}

/** What scoring a member's submission needs of the harness (prepareHarness's Harness has it). */
export interface PanelHarness {
  runFiles: SandboxFile[];
  checkHoldoutSubmission(bytes: Uint8Array | null): string | null;
  score(bytes: Uint8Array): number;
}

const better = (a: number, b: number, higherIsBetter: boolean) => (higherIsBetter ? a > b : a < b);

/** The member with the best value of `key` in the metric's direction (the first on ties), or null. */
export function bestMember(
  members: PanelMember[],
  key: 'cv' | 'holdout',
  higherIsBetter: boolean,
): PanelMember | null {
  let best: PanelMember | null = null;
  for (const m of members) {
    const value = m[key];
    if (value === null || !Number.isFinite(value)) continue;
    if (best === null || better(value, best[key]!, higherIsBetter)) best = m;
  }
  return best;
}

/** Runs the panel in the sandbox and scores every member's submission with the harness. */
export async function runStrongPanel(
  sandbox: Sandbox,
  harness: PanelHarness,
  files: SandboxFile[],
  options: { higherIsBetter: boolean; limits: Partial<SandboxLimits> },
): Promise<PanelScore> {
  const started = Date.now();
  const elapsed = () => Math.round((Date.now() - started) / 100) / 10;
  const failed = (error: string): PanelScore => ({
    score: null,
    picked: null,
    oracle: null,
    members: [],
    xgboost: true,
    seconds: elapsed(),
    error,
  });
  try {
    const execution = await sandbox.execute({
      files: [...harness.runFiles, ...files],
      entry: 'strong_panel.py',
      collect: ['panel.json', ...PANEL_MEMBERS.map((m) => `submission_${m}.csv`)],
      limits: options.limits,
    });
    const report = collected(execution, 'panel.json');
    // panel.json grows member by member: a panel stopped part way still reports the members it fitted.
    const stopped =
      execution.exitCode !== 0
        ? `exit ${execution.exitCode}${execution.timedOut ? ' (timed out)' : ''}: ${execution.stderr.trim().split('\n').at(-1) ?? ''}`
        : null;
    if (!report) return failed(stopped ?? 'the panel wrote no panel.json');
    const parsed = JSON.parse(Buffer.from(report).toString('utf8')) as {
      xgboost: boolean;
      members: {
        name: string;
        cv: number | null;
        params: Record<string, unknown> | null;
        tried: number;
        seconds: number;
        error: string | null;
      }[];
    };
    const members: PanelMember[] = parsed.members.map((m) => {
      const bytes = collected(execution, `submission_${m.name}.csv`);
      let holdout: number | null = null;
      let error = m.error;
      if (!error) {
        const problem = harness.checkHoldoutSubmission(bytes);
        if (problem) error = problem;
        else holdout = harness.score(bytes!);
      }
      return {
        name: m.name,
        cv: typeof m.cv === 'number' && Number.isFinite(m.cv) ? m.cv : null,
        holdout,
        params: m.params,
        tried: m.tried,
        seconds: m.seconds,
        error,
      };
    });
    // Only a member with a scored submission can be picked: the CV's best among those.
    const picked = bestMember(
      members.filter((m) => m.holdout !== null),
      'cv',
      options.higherIsBetter,
    );
    const oracle = bestMember(members, 'holdout', options.higherIsBetter);
    return {
      score: picked?.holdout ?? null,
      picked: picked?.name ?? null,
      oracle: oracle?.name ?? null,
      members,
      xgboost: parsed.xgboost,
      seconds: elapsed(),
      error: stopped ?? (picked ? null : 'no member produced a scored submission'),
    };
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}
