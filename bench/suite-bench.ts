// Benchmarks the offline engine on the task suite: for each task the holdout score of every rank and of the
// resolver's choice, beside the mean/majority baseline and a default linear model run through the same harness.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { collected, METRICS, prepareHarness, SUBMISSION_FILE } from '../core/harness/index.ts';
import type { Choice, Core, IntakeLimits } from '../core/index.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/index.ts';
import { linearBaselineFiles } from './linear-baseline.ts';
import { type SuiteTask, suiteTaskInput } from './suite.ts';

export interface ChoiceScore {
  choice: Choice;
  title: string;
  recipe: string | null;
  score: number | null;
  attempts: number;
  seconds: number;
  error: string | null;
}

export interface BenchRow {
  id: string;
  dataType: string;
  targetType: string;
  metric: string;
  higherIsBetter: boolean;
  trainRows: number;
  heldOutRows: number;
  baseline: { name: string; score: number } | null;
  linear: { score: number | null; seconds: number; error: string | null };
  /** Rank 1, 2, 3 and the resolver's instruction, in that order. */
  choices: ChoiceScore[];
  /** Which option the resolver chose before improving it. */
  resolverChose: number | null;
  evidence: { rank: number; cvScore: number | null; error?: string }[];
  planSeconds: number;
  seconds: number;
  error: string | null;
}

export interface BenchDeps {
  core: Core;
  sandbox: Sandbox;
  sandboxLimits: Partial<SandboxLimits>;
  outRoot: string;
  intakeLimits: IntakeLimits;
  logger?: Logger;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The default linear model through the same harness: same files, same check, same scorer. */
async function linearScore(
  deps: BenchDeps,
  harness: Awaited<ReturnType<typeof prepareHarness>>,
  files: ReturnType<typeof linearBaselineFiles>,
) {
  const started = Date.now();
  try {
    const execution = await deps.sandbox.execute({
      files: [...harness.runFiles, ...files],
      entry: 'linear_baseline.py',
      collect: [SUBMISSION_FILE],
      limits: deps.sandboxLimits,
    });
    const bytes = collected(execution, SUBMISSION_FILE);
    const problem =
      execution.exitCode !== 0
        ? `exit ${execution.exitCode}: ${execution.stderr.trim().split('\n').at(-1) ?? ''}`
        : harness.checkHoldoutSubmission(bytes);
    if (problem) return { score: null, seconds: seconds(started), error: problem };
    return { score: harness.score(bytes!), seconds: seconds(started), error: null };
  } catch (error) {
    return { score: null, seconds: seconds(started), error: message(error) };
  }
}

export async function benchTask(task: SuiteTask, deps: BenchDeps): Promise<BenchRow> {
  const started = Date.now();
  const { core, logger } = deps;
  const prepared = await core.intake(suiteTaskInput(task));
  const { task: spec, profile } = prepared;
  const harness = await prepareHarness(spec, profile, deps.intakeLimits);
  const row: BenchRow = {
    id: task.id,
    dataType: spec.dataType,
    targetType: profile.target.type,
    metric: spec.metric,
    higherIsBetter: METRICS[spec.metric].higherIsBetter,
    trainRows: harness.trainRows,
    heldOutRows: harness.heldOutRows,
    baseline: harness.baseline(),
    linear: await linearScore(deps, harness, linearBaselineFiles(spec, profile)),
    choices: [],
    resolverChose: null,
    evidence: [],
    planSeconds: 0,
    seconds: 0,
    error: null,
  };
  logger?.info({ task: task.id, linear: row.linear, baseline: row.baseline }, 'baselines scored');
  try {
    const planStarted = Date.now();
    const plan = await core.plan(prepared);
    row.planSeconds = seconds(planStarted);
    row.resolverChose = plan.resolver.chose;
    row.evidence = plan.resolver.evidence.map((e) => ({ rank: e.rank, cvScore: e.cvScore, error: e.error }));
    for (const choice of ['1', '2', '3', 'resolver'] as const) {
      const instruction =
        choice === 'resolver' ? plan.resolver.instruction : plan.instructions[Number(choice) - 1]!;
      const choiceStarted = Date.now();
      try {
        const result = await core.run(plan, choice, { outDir: join(deps.outRoot, task.id, choice) });
        row.choices.push({
          choice,
          title: instruction.title,
          recipe: instruction.recipe?.id ?? null,
          score: result.score,
          attempts: result.attempts.length,
          seconds: seconds(choiceStarted),
          error: result.error,
        });
      } catch (error) {
        row.choices.push({
          choice,
          title: instruction.title,
          recipe: instruction.recipe?.id ?? null,
          score: null,
          attempts: 0,
          seconds: seconds(choiceStarted),
          error: message(error),
        });
      }
      logger?.info({ task: task.id, ...row.choices.at(-1) }, 'choice scored');
    }
  } catch (error) {
    row.error = message(error);
  }
  row.seconds = seconds(started);
  return row;
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined
    ? '—'
    : Math.abs(x) >= 1000
      ? x.toFixed(0)
      : Number(x.toPrecision(4)).toString();

/** A markdown table with padded columns, as the formatter (Biome) leaves it. */
function markdownTable(header: string[], body: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...body.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The markdown report: one row per task, the best engine score in bold. */
export function renderBenchMarkdown(
  rows: BenchRow[],
  meta: { command: string; wallSeconds: number; date: string },
): string {
  const lines = [
    '# Offline engine on the task suite',
    '',
    `Command: \`${meta.command}\`; wall time ${Math.round(meta.wallSeconds)} s (${(meta.wallSeconds / 60).toFixed(1)} min) on this machine (2 cores, shared); the tasks' own times add up to ${Math.round(rows.reduce((n, r) => n + r.seconds, 0))} s; ${meta.date}.`,
    '',
    "Every score is the harness's, on rows held out from the training file (seeded split as the suite says); the generated code never saw their labels. " +
      '"baseline" predicts the training mean (regression) or majority class / class shares (classification); ' +
      '"linear" is scikit-learn LinearRegression / LogisticRegression with imputation, scaling, one-hot (and TF-IDF for free text), run through the same harness. ' +
      '"resolver" is the resolver\'s improved instruction (the option it chose in brackets).',
    '',
  ];
  const header = [
    'task',
    'type',
    'metric',
    'baseline',
    'linear',
    'rank 1',
    'rank 2',
    'rank 3',
    'resolver',
    'seconds',
  ];
  const body = rows.map((r) => {
    const dir = r.higherIsBetter ? '↑' : '↓';
    const byChoice = (c: Choice) => r.choices.find((x) => x.choice === c);
    const cell = (c: Choice) => {
      const x = byChoice(c);
      if (!x) return r.error ? 'error' : '—';
      const label = x.recipe ? ` ${x.recipe}` : '';
      return x.score === null ? `failed${label}` : `${fmt(x.score)}${label}`;
    };
    const resolver = byChoice('resolver');
    const resolverCell =
      resolver === undefined
        ? r.error
          ? 'error'
          : '—'
        : `${resolver.score === null ? 'failed' : `**${fmt(resolver.score)}**`} (chose ${r.resolverChose ?? '?'})`;
    return [
      r.id,
      r.targetType,
      `${r.metric} ${dir}`,
      r.baseline ? fmt(r.baseline.score) : '—',
      r.linear.score === null ? 'failed' : fmt(r.linear.score),
      cell('1'),
      cell('2'),
      cell('3'),
      resolverCell,
      String(Math.round(r.seconds)),
    ];
  });
  lines.push(...markdownTable(header, body));
  const problems = rows.flatMap((r) => [
    ...(r.error ? [`- ${r.id}: ${r.error}`] : []),
    ...(r.linear.error ? [`- ${r.id} linear: ${r.linear.error}`] : []),
    ...r.choices.filter((c) => c.error).map((c) => `- ${r.id} ${c.choice}: ${c.error}`),
  ]);
  if (problems.length > 0) lines.push('', '## Problems', '', ...problems);
  return `${lines.join('\n')}\n`;
}
