// Benchmarks the offline engine on the task suite: for each task the holdout score of every rank and of the
// resolver's choice, the vanilla control, one Improve step from the best option and the Blend of the finished runs,
// beside the mean/majority baseline, a default linear model and the strong tuned panel, all through the same harness.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/logger.ts';
import { collected, METRICS, prepareHarness, SUBMISSION_FILE } from '../core/harness/index.ts';
import {
  type Choice,
  type Core,
  type IntakeLimits,
  type Plan,
  type RunResult,
  runResultSchema,
} from '../core/index.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/index.ts';
import { linearBaselineFiles } from './linear-baseline.ts';
import { measureScript } from './script-coverage.ts';
import { type PanelScore, runStrongPanel, strongPanelFiles } from './strong-panel.ts';
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
  /** The resolver's script as the thread hands it over: its lines and the share of statements its own run executes. */
  resolverScript?: { lines: number; executed: number | null; error: string | null } | null;
  evidence: { rank: number; cvScore: number | null; error?: string }[];
  /** The paper's vanilla control: the task alone, no instruction (offline: the plain default model). */
  vanilla?: RunScore | null;
  /** The best single option by holdout among ranks 1-3 and the resolver (what Improve starts from). */
  best?: { choice: Choice; score: number } | null;
  /** One Improve step from the best option's run folder. */
  improve?: (RunScore & { from: Choice }) | null;
  /** The Blend of every finished run (options 1-3, resolver, vanilla, improve), weights fitted on their OOF predictions. */
  blend?: (RunScore & { members: { label: string; weight: number; score: number | null }[] }) | null;
  /** The strong tuned panel (strong-panel.ts): its CV's pick, and every member's CV and holdout scores. */
  panel?: PanelScore | null;
  /** Auto (`--auto`): the pick of a search within the budget, by cross-validation; `change` names the pick. */
  auto?: (RunScore & { nodes: number; budgetS: number }) | null;
  planSeconds: number;
  seconds: number;
  error: string | null;
}

/** A run beside the options: vanilla, Improve or Blend. */
export interface RunScore {
  score: number | null;
  /** The run's own cross-validation score, when it reported one. */
  cvScore: number | null;
  attempts: number;
  seconds: number;
  /** Improve: the one change made; Blend: how the members were weighted. */
  change: string | null;
  error: string | null;
}

export interface BenchDeps {
  core: Core;
  sandbox: Sandbox;
  sandboxLimits: Partial<SandboxLimits>;
  outRoot: string;
  intakeLimits: IntakeLimits;
  logger?: Logger;
  /** Time box per member of the strong panel's search, in seconds; 0 skips the panel. */
  panelBudgetS?: number;
  /** Auto's budget per task in seconds (`--auto`); absent or 0 skips it. */
  autoBudgetS?: number;
}

/** The blend's member label of a run. */
const LABELS: Record<Choice, string> = {
  '1': 'option 1',
  '2': 'option 2',
  '3': 'option 3',
  resolver: 'resolver',
  vanilla: 'vanilla',
};

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

/** A run beside the options (vanilla, Improve, Blend), as a RunScore; `done` sees the result when there is one. */
async function otherRun(start: () => Promise<RunResult>, done: (r: RunResult) => void): Promise<RunScore> {
  const started = Date.now();
  try {
    const result = await start();
    done(result);
    return {
      score: result.score,
      cvScore: result.cvScore,
      attempts: result.attempts.length,
      seconds: seconds(started),
      change: result.change,
      error: result.error,
    };
  } catch (error) {
    return {
      score: null,
      cvScore: null,
      attempts: 0,
      seconds: seconds(started),
      change: null,
      error: message(error),
    };
  }
}

/** The blend of every finished run ("not run" when fewer than two finished with predictions). */
async function blendRuns(
  core: Core,
  plan: Pick<Plan, 'id' | 'task' | 'profile'>,
  members: { label: string; dir: string }[],
  outDir: string,
): Promise<BenchRow['blend']> {
  if (members.length < 2) {
    return {
      score: null,
      cvScore: null,
      attempts: 0,
      seconds: 0,
      change: null,
      error: `not run: a blend needs two finished runs with predictions; ${members.length} finished`,
      members: [],
    };
  }
  // A blend that throws still lists its members, each with no weight.
  let weights: NonNullable<BenchRow['blend']>['members'] = members.map((m) => ({
    label: m.label,
    weight: 0,
    score: null,
  }));
  const scored = await otherRun(
    () => core.blend(plan, members, { outDir }),
    (result) => {
      weights = result.blend?.members ?? [];
    },
  );
  return { ...scored, members: weights };
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
  const panelBudgetS = deps.panelBudgetS ?? 20;
  row.panel =
    panelBudgetS > 0
      ? await runStrongPanel(
          deps.sandbox,
          harness,
          strongPanelFiles(spec, profile, { budgetS: panelBudgetS }),
          { higherIsBetter: row.higherIsBetter, limits: deps.sandboxLimits },
        )
      : null;
  logger?.info(
    {
      task: task.id,
      panel: row.panel && { score: row.panel.score, picked: row.panel.picked, error: row.panel.error },
    },
    'strong panel scored',
  );
  try {
    const planStarted = Date.now();
    const plan = await core.plan(prepared);
    row.planSeconds = seconds(planStarted);
    row.resolverChose = plan.resolver.chose;
    row.evidence = plan.resolver.evidence.map((e) => ({ rank: e.rank, cvScore: e.cvScore, error: e.error }));
    const finished: { label: string; dir: string }[] = [];
    const finish = (label: string, dir: string, result: RunResult) => {
      // A blend member needs a scored run that left its out-of-fold and test predictions.
      if (result.score !== null && result.artifacts.oofPredictions && result.artifacts.testPredictions) {
        finished.push({ label, dir });
      }
    };
    for (const choice of ['1', '2', '3', 'resolver'] as const) {
      const instruction =
        choice === 'resolver' ? plan.resolver.instruction : plan.instructions[Number(choice) - 1]!;
      const choiceStarted = Date.now();
      const dir = join(deps.outRoot, task.id, choice);
      try {
        const result = await core.run(plan, choice, { outDir: dir, executeNotebook: false });
        finish(LABELS[choice], dir, result);
        if (choice === 'resolver' && result.code) {
          const measured = await measureScript(
            deps.sandbox,
            harness.runFiles,
            result.code,
            deps.sandboxLimits,
          );
          row.resolverScript = { lines: measured.lines, executed: measured.executed, error: measured.error };
        }
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
    row.best = bestSingleOption(row);
    const vanillaDir = join(deps.outRoot, task.id, 'vanilla');
    row.vanilla = await otherRun(
      () => core.run(plan, 'vanilla', { outDir: vanillaDir, executeNotebook: false }),
      (r) => finish(LABELS.vanilla, vanillaDir, r),
    );
    logger?.info({ task: task.id, vanilla: row.vanilla }, 'vanilla scored');
    if (row.best) {
      const from = row.best.choice;
      const improveDir = join(deps.outRoot, task.id, 'improve');
      const improved = await otherRun(
        () =>
          core.improve(
            plan,
            { dir: join(deps.outRoot, task.id, from) },
            { outDir: improveDir, executeNotebook: false },
          ),
        (r) => finish('improve', improveDir, r),
      );
      row.improve = { ...improved, from };
      logger?.info({ task: task.id, improve: row.improve }, 'improve scored');
    }
    row.blend = await blendRuns(core, plan, finished, join(deps.outRoot, task.id, 'blend'));
    logger?.info({ task: task.id, blend: row.blend }, 'blend scored');
    if (deps.autoBudgetS) {
      row.auto = await autoRun(core, plan, deps.autoBudgetS, join(deps.outRoot, task.id, 'auto'));
      logger?.info({ task: task.id, auto: row.auto }, 'auto scored');
    }
  } catch (error) {
    row.error = message(error);
  }
  row.seconds = seconds(started);
  return row;
}

/** Auto's search on the plan within the budget: the pick's holdout score (scored once, at the end) and its CV. */
async function autoRun(
  core: Core,
  plan: Awaited<ReturnType<Core['plan']>>,
  budgetS: number,
  outDir: string,
): Promise<NonNullable<BenchRow['auto']>> {
  const started = Date.now();
  try {
    const { tree, pick } = await core.auto(plan, { budgetS, outDir });
    const node = tree.nodes.find((n) => n.id === tree.pick);
    return {
      score: pick?.ok ? pick.score : null,
      cvScore: pick?.cvScore ?? null,
      attempts: pick?.attempts.length ?? 0,
      seconds: seconds(started),
      change: node ? `node ${node.id} of ${tree.nodes.length} (${node.move}): ${node.what}` : null,
      error: pick ? pick.error : tree.pickReason,
      nodes: tree.nodes.length,
      budgetS,
    };
  } catch (error) {
    return {
      score: null,
      cvScore: null,
      attempts: 0,
      seconds: seconds(started),
      change: null,
      error: message(error),
      nodes: 0,
      budgetS,
    };
  }
}

/**
 * The blend of a task again, from the run folders an earlier bench left (`--reblend`): the same members (every run of
 * the row that finished with predictions), the current blend code, the same harness. Runs nothing else.
 */
export async function reblendTask(task: SuiteTask, row: BenchRow, deps: BenchDeps): Promise<BenchRow> {
  const prepared = await deps.core.intake(suiteTaskInput(task));
  const dirs: [label: string, dir: string][] = [
    ...(['1', '2', '3', 'resolver', 'vanilla'] as const).map((c): [string, string] => [LABELS[c], c]),
    ['improve', 'improve'],
  ];
  const members: { label: string; dir: string }[] = [];
  for (const [label, dir] of dirs) {
    const path = join(deps.outRoot, task.id, dir);
    const result = await readFile(join(path, 'result.json'), 'utf8').catch(() => null);
    const parsed = result ? runResultSchema.safeParse(JSON.parse(result)) : null;
    const r = parsed?.success ? parsed.data : null;
    if (r && r.score !== null && r.artifacts.oofPredictions && r.artifacts.testPredictions)
      members.push({ label, dir: path });
  }
  const plan = { id: `reblend-${task.id}`, task: prepared.task, profile: prepared.profile };
  return { ...row, blend: await blendRuns(deps.core, plan, members, join(deps.outRoot, task.id, 'blend')) };
}

const fmt = (x: number | null | undefined) =>
  x === null || x === undefined
    ? '—'
    : Math.abs(x) >= 1000
      ? x.toFixed(0)
      : Number(x.toPrecision(4)).toString();

/** A markdown table with padded columns, as the formatter (Biome) leaves it. */
export function markdownTable(header: string[], body: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...body.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

const OPTIONS = ['1', '2', '3', 'resolver'] as const;
/** The goals of issue 14 on the 16 suite tasks. */
export const GOALS = {
  blendVsBest: 14,
  blendVsPanel: 12,
  suiteTasks: 16,
  autoVsPanel: 14,
  autoVsBest: 10,
} as const;

/** Whether `a` is at least as good as `b` in the metric's direction (a tie counts). */
export function atLeast(a: number, b: number, higherIsBetter: boolean): boolean {
  return higherIsBetter ? a >= b : a <= b;
}

/** The best holdout score among ranks 1-3 and the resolver (the earlier in that order on ties), or null. */
export function bestSingleOption(row: Pick<BenchRow, 'choices' | 'higherIsBetter'>): {
  choice: Choice;
  score: number;
} | null {
  let best: { choice: Choice; score: number } | null = null;
  for (const c of OPTIONS) {
    const score = row.choices.find((x) => x.choice === c)?.score ?? null;
    if (score === null || !Number.isFinite(score)) continue;
    if (best === null || !atLeast(best.score, score, row.higherIsBetter)) best = { choice: c, score };
  }
  return best;
}

/**
 * Gain of `score` over `reference` in the metric's direction, relative to the reference's size: +0.05 is 5 % better
 * (lower error, or higher accuracy/AUC). Null when either is missing or the reference is 0.
 */
export function relativeGain(score: number | null, reference: number | null, higherIsBetter: boolean) {
  if (score === null || reference === null || reference === 0) return null;
  return (higherIsBetter ? score - reference : reference - score) / Math.abs(reference);
}

export interface OptionVsVanilla {
  choice: (typeof OPTIONS)[number];
  /** Tasks where both the option and vanilla have a holdout score. */
  tasks: number;
  /** Tasks where the option is strictly better than vanilla. */
  wins: number;
  /** Mean over those tasks of the relative gain over vanilla (relativeGain); null without any. */
  meanGain: number | null;
}

export interface GoalChecks {
  /** Tasks (rows) counted. */
  total: number;
  /** Tasks where the Blend's holdout score is at least the best single option's (a missing Blend does not count). */
  blendVsBest: number;
  /** Tasks where the Blend is at least the strong panel's pick. */
  blendVsPanel: number;
  /** Tasks where the Improve step is at least the option it started from. */
  improveVsBest: number;
  /** Each option against the vanilla control. */
  vsVanilla: OptionVsVanilla[];
  /** Every option's mean relative gain over vanilla is above 0. */
  everyOptionAboveVanilla: boolean;
  /** Tasks where the panel's CV pick is not the member with the best holdout score, of the tasks with a panel. */
  panelOracleDiffers: number;
  panelTasks: number;
  /** Auto (issue 23), over the tasks it ran on: ≥ the panel's pick, ≥ the best option by holdout, < vanilla. */
  auto?: { tasks: number; vsPanel: number; vsBest: number; belowVanilla: number };
}

/** The issue's goal checks, from the rows alone. */
export function goalChecks(rows: BenchRow[]): GoalChecks {
  let blendVsBest = 0;
  let blendVsPanel = 0;
  let improveVsBest = 0;
  let panelOracleDiffers = 0;
  let panelTasks = 0;
  for (const r of rows) {
    const best = r.best ?? bestSingleOption(r);
    const blend = r.blend?.score ?? null;
    if (blend !== null && best && atLeast(blend, best.score, r.higherIsBetter)) blendVsBest++;
    const panel = r.panel?.score ?? null;
    if (blend !== null && panel !== null && atLeast(blend, panel, r.higherIsBetter)) blendVsPanel++;
    const improve = r.improve?.score ?? null;
    if (improve !== null && best && atLeast(improve, best.score, r.higherIsBetter)) improveVsBest++;
    if (r.panel?.picked && r.panel.oracle) {
      panelTasks++;
      if (r.panel.picked !== r.panel.oracle) panelOracleDiffers++;
    }
  }
  const vsVanilla = OPTIONS.map((choice): OptionVsVanilla => {
    const gains: number[] = [];
    let wins = 0;
    for (const r of rows) {
      const score = r.choices.find((c) => c.choice === choice)?.score ?? null;
      const vanilla = r.vanilla?.score ?? null;
      const gain = relativeGain(score, vanilla, r.higherIsBetter);
      if (gain === null) continue;
      gains.push(gain);
      if (gain > 0) wins++;
    }
    return {
      choice,
      tasks: gains.length,
      wins,
      meanGain: gains.length > 0 ? gains.reduce((a, b) => a + b, 0) / gains.length : null,
    };
  });
  const autoRows = rows.filter((r) => r.auto);
  const auto = autoRows.length
    ? autoRows.reduce(
        (a, r) => {
          const score = r.auto?.score ?? null;
          const best = r.best ?? bestSingleOption(r);
          const panel = r.panel?.score ?? null;
          const vanilla = r.vanilla?.score ?? null;
          const at = (x: number | null) =>
            score !== null && x !== null && atLeast(score, x, r.higherIsBetter);
          return {
            tasks: a.tasks + 1,
            vsPanel: a.vsPanel + (at(panel) ? 1 : 0),
            vsBest: a.vsBest + (best && at(best.score) ? 1 : 0),
            belowVanilla: a.belowVanilla + (vanilla !== null && !at(vanilla) ? 1 : 0),
          };
        },
        { tasks: 0, vsPanel: 0, vsBest: 0, belowVanilla: 0 },
      )
    : undefined;
  return {
    ...(auto ? { auto } : {}),
    total: rows.length,
    blendVsBest,
    blendVsPanel,
    improveVsBest,
    vsVanilla,
    everyOptionAboveVanilla: vsVanilla.every((v) => v.meanGain !== null && v.meanGain > 0),
    panelOracleDiffers,
    panelTasks,
  };
}

const percent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;

/** The goal lines printed under the table. */
export function goalLines(checks: GoalChecks): string[] {
  const { total } = checks;
  const goal = (n: number) =>
    total === GOALS.suiteTasks ? `goal ${n}` : `goal ${n} of ${GOALS.suiteTasks} on the whole suite`;
  const met = (n: number, g: number) =>
    total === GOALS.suiteTasks ? (n >= g ? ' — met' : ' — not met') : '';
  const vanilla = checks.vsVanilla
    .map(
      (v) =>
        `${v.choice === 'resolver' ? 'resolver' : `rank ${v.choice}`} ${v.meanGain === null ? '—' : percent(v.meanGain)} (beats vanilla on ${v.wins}/${v.tasks})`,
    )
    .join('; ');
  return [
    `- Blend ≥ best single option: ${checks.blendVsBest}/${total} (${goal(GOALS.blendVsBest)})${met(checks.blendVsBest, GOALS.blendVsBest)}`,
    `- Blend ≥ strong panel: ${checks.blendVsPanel}/${total} (${goal(GOALS.blendVsPanel)})${met(checks.blendVsPanel, GOALS.blendVsPanel)}`,
    `- Every option above vanilla on average: ${checks.everyOptionAboveVanilla ? 'yes' : 'no'}: ${vanilla}`,
    `- Improve ≥ the option it started from: ${checks.improveVsBest}/${total}`,
    `- Strong panel: its CV's pick differs from the member with the best holdout score on ${checks.panelOracleDiffers}/${checks.panelTasks} tasks`,
    ...(checks.auto
      ? [
          `- Auto ≥ strong panel: ${checks.auto.vsPanel}/${checks.auto.tasks} (${goal(GOALS.autoVsPanel)})${met(checks.auto.vsPanel, GOALS.autoVsPanel)}`,
          `- Auto ≥ best single option (oracle): ${checks.auto.vsBest}/${checks.auto.tasks} (${goal(GOALS.autoVsBest)})${met(checks.auto.vsBest, GOALS.autoVsBest)}`,
          `- Auto below vanilla: ${checks.auto.belowVanilla}/${checks.auto.tasks} (goal 0)`,
        ]
      : []),
  ];
}

const runCell = (run: RunScore | null | undefined, rowError: string | null) =>
  run === undefined || run === null
    ? rowError
      ? 'error'
      : '—'
    : run.score === null
      ? run.error?.startsWith('not run')
        ? 'not run'
        : 'failed'
      : fmt(run.score);

const choiceName = (c: Choice) => (c === 'resolver' ? 'resolver' : c === 'vanilla' ? 'vanilla' : `rank ${c}`);

/** The markdown report: one row per task, the goal checks under it, then the strong panel's members. */
export function renderBenchMarkdown(
  rows: BenchRow[],
  meta: { command: string; wallSeconds: number; date: string },
): string {
  const withAuto = rows.some((r) => r.auto);
  const lines = [
    '# Offline engine on the task suite',
    '',
    `Command: \`${meta.command}\`; wall time ${Math.round(meta.wallSeconds)} s (${(meta.wallSeconds / 60).toFixed(1)} min) on this machine (2 cores, shared); the tasks' own times add up to ${Math.round(rows.reduce((n, r) => n + r.seconds, 0))} s; ${meta.date}.`,
    '',
    "Every score is the harness's, on rows held out from the training file (seeded split as the suite says); the generated code never saw their labels. " +
      '"baseline" predicts the training mean (regression) or majority class / class shares (classification); ' +
      '"linear" is scikit-learn LinearRegression / LogisticRegression with imputation, scaling, one-hot (and TF-IDF for free text), run through the same harness. ' +
      '"vanilla" is the paper\'s control: the task alone, no instruction (offline: the plain default model for the data type). ' +
      '"resolver" is the resolver\'s improved instruction (the option it chose in brackets). ' +
      '"lines" and "executed %" are the resolver\'s script as the thread hands it over: its lines, and the share of its statements that run on its own task (python3-coverage in the sandbox, full mode). ' +
      '"best option" is the best holdout score among ranks 1-3 and the resolver (which one in brackets). ' +
      '"improve" is one Improve step from the best option\'s run. ' +
      '"blend" combines every finished run (ranks 1-3, resolver, vanilla, improve) with weights fitted on their out-of-fold predictions (how many members in brackets). ' +
      '"panel" is the strong tuned panel: HistGradientBoosting, random forest, XGBoost and a linear model, each tuned by a time-boxed randomized search with 3-fold CV on the same training rows; its score is the member its own CV picks (named), never the holdout\'s best.' +
      (withAuto
        ? ' "auto" is Auto\'s pick after a search within the budget (drafts, improve, blend; nodes in brackets), picked by cross-validation only; the holdout scores it once at the end.'
        : ''),
    '',
  ];
  const header = [
    'task',
    'type',
    'metric',
    'baseline',
    'linear',
    'vanilla',
    'rank 1',
    'rank 2',
    'rank 3',
    'resolver',
    'lines',
    'executed %',
    'best option',
    'improve',
    'blend',
    'panel',
    ...(withAuto ? ['auto'] : []),
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
    const best = r.best ?? bestSingleOption(r);
    const blend = r.blend;
    const blendCell =
      blend === undefined || blend === null || blend.score === null
        ? runCell(blend, r.error)
        : `${blend.score === null ? 'failed' : `**${fmt(blend.score)}**`} (${blend.members.length})`;
    const panel = r.panel;
    const panelCell =
      panel === undefined || panel === null
        ? '—'
        : panel.score === null
          ? 'failed'
          : `${fmt(panel.score)} ${panel.picked}`;
    return [
      r.id,
      r.targetType,
      `${r.metric} ${dir}`,
      r.baseline ? fmt(r.baseline.score) : '—',
      r.linear.score === null ? 'failed' : fmt(r.linear.score),
      runCell(r.vanilla, r.error),
      cell('1'),
      cell('2'),
      cell('3'),
      resolverCell,
      r.resolverScript ? String(r.resolverScript.lines) : '—',
      r.resolverScript?.executed != null ? r.resolverScript.executed.toFixed(1) : '—',
      best ? `${fmt(best.score)} (${choiceName(best.choice)})` : '—',
      runCell(r.improve, r.error),
      blendCell,
      panelCell,
      ...(withAuto
        ? [r.auto?.score != null ? `**${fmt(r.auto.score)}** (${r.auto.nodes})` : runCell(r.auto, r.error)]
        : []),
      String(Math.round(r.seconds)),
    ];
  });
  lines.push(...markdownTable(header, body));
  lines.push('', ...goalLines(goalChecks(rows)));
  lines.push(
    '',
    '"On average" is the mean over tasks of the relative gain over vanilla in the metric\'s direction ((vanilla − score) / |vanilla| for errors, (score − vanilla) / |vanilla| for scores that rise), per option; ' +
      '"beats" counts the tasks where the option is strictly better than vanilla. Ties count as ≥. ' +
      'The best single option is chosen by its holdout score (an oracle pick); the Blend and the panel never see the holdout.',
  );
  const panels = rows.filter((r) => r.panel && r.panel.members.length > 0);
  if (panels.length > 0) {
    const names = [...new Set(panels.flatMap((r) => r.panel!.members.map((m) => m.name)))];
    lines.push(
      '',
      '## Strong panel members',
      '',
      'Each member: its 3-fold CV score on the training rows / its holdout score (the harness\'s), settings tried in brackets. "picked" is the CV\'s best (the panel\'s score); "holdout best" is what an oracle that saw the holdout would pick.',
      '',
    );
    const panelBody = panels.map((r) => {
      const p = r.panel!;
      return [
        r.id,
        ...names.map((name) => {
          const m = p.members.find((x) => x.name === name);
          if (!m) return '—';
          if (m.error && m.holdout === null) return 'failed';
          return `${fmt(m.cv)} / ${fmt(m.holdout)} (${m.tried})`;
        }),
        p.picked ?? '—',
        p.oracle ?? '—',
        String(Math.round(p.seconds)),
      ];
    });
    lines.push(...markdownTable(['task', ...names, 'picked', 'holdout best', 'seconds'], panelBody));
  }
  const steps = rows.flatMap((r) => [
    ...(r.improve?.change
      ? [`- ${r.id} improve, from ${choiceName(r.improve.from)}: ${r.improve.change}`]
      : []),
    ...(r.blend?.change ? [`- ${r.id} blend: ${r.blend.change}`] : []),
    ...(r.auto?.change ? [`- ${r.id} auto (${r.auto.budgetS} s): ${r.auto.change}`] : []),
  ]);
  if (steps.length > 0) lines.push('', '## Improve steps and blend weights', '', ...steps);
  const problems = rows.flatMap((r) => [
    ...(r.error ? [`- ${r.id}: ${r.error}`] : []),
    ...(r.linear.error ? [`- ${r.id} linear: ${r.linear.error}`] : []),
    ...r.choices.filter((c) => c.error).map((c) => `- ${r.id} ${c.choice}: ${c.error}`),
    ...(r.vanilla?.error ? [`- ${r.id} vanilla: ${r.vanilla.error}`] : []),
    ...(r.improve?.error ? [`- ${r.id} improve: ${r.improve.error}`] : []),
    ...(r.blend?.error ? [`- ${r.id} blend: ${r.blend.error}`] : []),
    ...(r.auto?.error ? [`- ${r.id} auto: ${r.auto.error}`] : []),
    ...(r.panel?.error ? [`- ${r.id} panel: ${r.panel.error}`] : []),
    ...(r.panel?.members ?? []).filter((m) => m.error).map((m) => `- ${r.id} panel ${m.name}: ${m.error}`),
  ]);
  if (problems.length > 0) lines.push('', '## Problems', '', ...problems);
  return `${lines.join('\n')}\n`;
}
