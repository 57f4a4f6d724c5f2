// `linguacodus solve`: plans a task from a CSV and a sentence, runs the chosen instruction and reports the
// harness's score, as text for people or one JSON object for scripts. `--choice all` runs every option, the
// resolver's and the vanilla control, then blends the finished ones and prints the leaderboard, its pick (by
// cross-validation) copied to the top of --out. `--auto --budget-s N` runs Auto's search: the pick's files at the top
// of --out, the tree's runs in tree/ below.
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from '../../common/logger.ts';
import type { Sandbox } from '../../sandbox/types.ts';
import { asLinguacodusError, LinguacodusError } from '../errors.ts';
import { METRICS } from '../harness/metrics.ts';
import {
  type AutoOutcome,
  type AutoTree,
  type Core,
  type CoreLimits,
  type CoreRoles,
  createCore,
  DEFAULT_AUTO_BUDGET_S,
  MAX_AUTO_BUDGET_S,
  pickNode,
  publishPick,
  type SearchView,
} from '../index.ts';
import { renderInstruction } from '../instruction-markdown.ts';
import { TargetQuestion } from '../intake/index.ts';
import { rankRuns } from '../leaderboard.ts';
import { noteLine, usageJson, usageLine } from '../llm/usage.ts';
import {
  type Choice,
  choiceSchema,
  type Plan,
  type ProgressEvent,
  type RunResult,
  type TaskSpec,
} from '../types.ts';
import { INTAKE_EXIT, questionText } from './intake-cli.ts';

/**
 * What the caller (bot/cli.ts, from the parsed configuration) hands the solve command: core never reads the
 * environment itself. `stdout`/`stderr` default to the process streams.
 */
export interface SolveEnv {
  sandbox: Sandbox;
  roles: CoreRoles;
  limits: CoreLimits;
  logger?: Logger;
  /** Folder for default output folders (default: the current folder's `out/`). */
  workRoot?: string;
  /** The most seconds `--auto --budget-s` may ask for (default 3600). */
  maxAutoBudgetS?: number;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

export const SOLVE_USAGE =
  'usage: linguacodus solve --data TRAIN.csv [--test TEST.csv] [--task "text"] [--metric M] [--target COL] [--choice 1|2|3|resolver|vanilla|all | --auto [--budget-s N]] [--out DIR] [--json]';

export interface SolveArgs {
  data: string;
  test?: string;
  task?: string;
  metric?: string;
  target?: string;
  /** One run, or `all`: every option, the resolver's, vanilla, then the blend of the finished ones. */
  choice: Choice | 'all';
  out?: string;
  json: boolean;
  /** Auto's search within `budgetS` seconds instead of one choice. */
  auto: boolean;
  budgetS: number;
}

/** Parses the arguments after `solve` (a leading `solve` is accepted too). */
export function parseSolveArgs(argv: string[]): SolveArgs {
  const args = argv[0] === 'solve' ? argv.slice(1) : argv;
  let values: ReturnType<typeof parse>['values'];
  function parse(a: string[]) {
    return parseArgs({
      args: a,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        test: { type: 'string' },
        task: { type: 'string' },
        metric: { type: 'string' },
        target: { type: 'string' },
        choice: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        auto: { type: 'boolean', default: false },
        'budget-s': { type: 'string' },
      },
    });
  }
  try {
    values = parse(args).values;
  } catch (error) {
    throw new LinguacodusError(
      'bad_input',
      `${error instanceof Error ? error.message : String(error)}. ${SOLVE_USAGE}`,
      {
        cause: error,
      },
    );
  }
  if (!values.data) throw new LinguacodusError('bad_input', `--data TRAIN.csv is required. ${SOLVE_USAGE}`);
  const choice =
    values.choice === 'all'
      ? { success: true as const, data: 'all' as const }
      : choiceSchema.safeParse(values.choice ?? 'resolver');
  if (!choice.success) {
    throw new LinguacodusError(
      'bad_input',
      `--choice must be 1, 2, 3 or resolver (an option), vanilla (the control) or all, not "${values.choice}".`,
    );
  }
  const budgetS = values['budget-s'] === undefined ? DEFAULT_AUTO_BUDGET_S : Number(values['budget-s']);
  if (!Number.isFinite(budgetS) || budgetS <= 0) {
    throw new LinguacodusError(
      'bad_input',
      `--budget-s must be a number of seconds, not "${values['budget-s']}".`,
    );
  }
  if (values['budget-s'] !== undefined && !values.auto) {
    throw new LinguacodusError('bad_input', `--budget-s goes with --auto. ${SOLVE_USAGE}`);
  }
  if (values.auto && values.choice !== undefined) {
    throw new LinguacodusError(
      'bad_input',
      `--auto chooses its own runs; leave out --choice. ${SOLVE_USAGE}`,
    );
  }
  return {
    auto: values.auto ?? false,
    budgetS,
    data: values.data,
    test: values.test,
    task: values.task,
    metric: values.metric,
    target: values.target,
    choice: choice.data,
    out: values.out,
    json: values.json ?? false,
  };
}

function defaultOutDir(workRoot: string, data: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve(workRoot, `${basename(data).replace(/\.[^.]+$/, '')}-${stamp}`);
}

function describeProgress(event: ProgressEvent): string {
  switch (event.type) {
    case 'plan-step':
      return `plan: ${event.step}${event.detail ? ` (${event.detail})` : ''}`;
    case 'stage':
      return `code: ${event.stage} ${event.status} (${event.index + 1}/${event.total})`;
    case 'attempt':
      return `run: attempt ${event.n}/${event.max} ${event.status}${event.error ? `: ${event.error}` : ''}`;
    case 'score':
      return `score: ${event.metric} ${event.score}`;
    case 'script':
      return `script: ${event.fold ? `fold ${event.fold.k} of ${event.fold.n} · ` : ''}${event.line}`;
  }
}

/** The one engine name when every role agrees, else "mixed". */
function engineName(plan: Plan): string {
  const names = new Set(Object.values(plan.engines));
  return names.size === 1 ? [...names][0]! : 'mixed';
}

const notesJson = (notes: Plan['notes']) =>
  (notes ?? []).map((n) => ({ role: n.role, purpose: n.purpose, action: n.action, reason: n.reason }));

/** The `--json` object: the issue's fields, then the evidence and its verdict, answer notes and token usage. */
export function solveJson(task: TaskSpec, plan: Plan, result: RunResult) {
  return {
    task,
    plan: {
      instructions: plan.instructions.map((i) => ({
        rank: i.rank,
        title: i.title,
        text: renderInstruction(i),
      })),
      resolver: {
        choice: plan.resolver.chose,
        text: renderInstruction(plan.resolver.instruction),
        critique: plan.critique,
        evidence: plan.resolver.evidence.map((e) => ({
          rank: e.rank,
          cv_score: e.cvScore,
          seconds: e.seconds,
          error: e.error ?? null,
        })),
        verdict: plan.resolver.verdict
          ? {
              first_choice: plan.resolver.verdict.firstChoice,
              evidence_best: plan.resolver.verdict.evidenceBest,
              agrees: plan.resolver.verdict.agrees,
              summary: plan.resolver.verdict.summary,
            }
          : null,
      },
      engine: engineName(plan),
      notes: notesJson(plan.notes),
    },
    run: {
      choice: result.choice,
      ok: result.ok,
      attempts: result.attempts.length,
      metric: result.metric,
      score: result.score,
      higher_is_better: result.higherIsBetter,
      code_path: result.artifacts.code,
      submission_path: result.artifacts.submission ?? null,
      duration_ms: result.durationMs,
      notes: notesJson(result.notes),
    },
    // Plans and results stored before usage was recorded have none.
    usage: { plan: usageJson(plan.usage ?? []), run: usageJson(result.usage ?? []) },
  };
}

/** The plan as text: the task, the three options, the critique, the evidence and the resolver's choice. */
function planText(plan: Plan): string[] {
  const out: string[] = [];
  const { task } = plan;
  out.push(`Task: ${task.description}`);
  out.push(
    `Metric: ${task.metric}; target: ${task.targets.join(', ')}; id: ${task.idColumn}; data: ${task.dataType}`,
  );
  for (const line of task.inferred) out.push(`  (${line})`);
  out.push('');
  for (const instruction of plan.instructions) {
    out.push(
      `=== Option ${instruction.rank}: ${instruction.title} ===`,
      renderInstruction(instruction).trim(),
      '',
    );
  }
  out.push(`=== Researcher's critique ===`, plan.critique.trim(), '');
  if (plan.resolver.evidence.length > 0) {
    out.push('Evidence (quick cross-validation inside the training part):');
    for (const e of plan.resolver.evidence) {
      out.push(
        `  option ${e.rank}: ${e.cvScore === null ? `no score (${e.error ?? 'unknown'})` : e.cvScore} in ${e.seconds} s`,
      );
    }
    out.push('');
  }
  if (plan.resolver.verdict) out.push(plan.resolver.verdict.summary, '');
  out.push(
    `=== Resolver's choice: option ${plan.resolver.chose}, improved ===`,
    renderInstruction(plan.resolver.instruction).trim(),
    plan.resolver.rationale.trim(),
    '',
  );
  return out;
}

function textReport(plan: Plan, result: RunResult): string {
  const out = planText(plan);
  out.push(`Ran: ${result.choice === 'resolver' ? "the resolver's instruction" : `option ${result.choice}`}`);
  out.push(`Attempts: ${result.attempts.length}; ${result.ok ? 'passed' : 'failed'}`);
  if (result.score !== null) {
    out.push(
      `Holdout ${result.metric}: ${result.score} (${result.higherIsBetter ? 'higher' : 'lower'} is better)` +
        (result.baseline ? `; baseline ${result.baseline.name}: ${result.baseline.score}` : ''),
    );
  }
  if (result.error) out.push(`Problem: ${result.error}`);
  for (const n of [...(plan.notes ?? []), ...(result.notes ?? [])]) {
    out.push(`Note: ${noteLine(n)}`);
  }
  out.push(`Model usage: plan ${usageLine(plan.usage)}; run ${usageLine(result.usage)}`);
  out.push(`Code: ${result.artifacts.code}`);
  if (result.artifacts.notebook) out.push(`Notebook: ${result.artifacts.notebook}`);
  if (result.artifacts.chart) out.push(`Chart: ${result.artifacts.chart}`);
  if (result.artifacts.submission) out.push(`Submission: ${result.artifacts.submission}`);
  if (result.artifacts.log) out.push(`Log: ${result.artifacts.log}`);
  return `${out.join('\n')}\n`;
}

/** One run of `solve --choice all`: its number, what it ran, and its result (null when it threw or was skipped). */
export interface AllRun {
  /** 1, 2, ... in the order the runs started. */
  n: number;
  /** option 1-3, resolver, vanilla or blend. */
  label: string;
  kind: 'option' | 'vanilla' | 'blend';
  choice: Choice | null;
  /** Its folder (code.py, submission.csv, run.log, predictions, result.json). */
  dir: string;
  result: RunResult | null;
  /** Why there is no result (the run threw, or the blend had too few members). */
  error: string | null;
  seconds: number;
}

/** A leaderboard row, as `--json` prints it and the text table shows it. */
export interface LeaderboardRow {
  /** Place on the leaderboard, 1 = best. */
  rank: number;
  /** The run's number (the order the runs started). */
  n: number;
  run: string;
  kind: AllRun['kind'];
  status: 'passed' | 'failed' | 'error' | 'skipped';
  score: number | null;
  cv_score: number | null;
  attempts: number;
  seconds: number;
  tokens: number;
  best: boolean;
  dir: string;
  error: string | null;
}

const ALL_CHOICES: { choice: Choice; label: string; kind: 'option' | 'vanilla' }[] = [
  { choice: '1', label: 'option 1', kind: 'option' },
  { choice: '2', label: 'option 2', kind: 'option' },
  { choice: '3', label: 'option 3', kind: 'option' },
  { choice: 'resolver', label: 'resolver', kind: 'option' },
  { choice: 'vanilla', label: 'vanilla', kind: 'vanilla' },
];

const elapsedS = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/**
 * Options 1-3, the resolver's and vanilla, one after another (each in DIR/<choice>), then the blend of those that
 * finished with a score and predictions (DIR/blend). A run that throws is recorded and the rest go on.
 */
export async function runAll(
  core: Core,
  plan: Plan,
  outDir: string,
  progress?: { write(text: string): unknown },
): Promise<AllRun[]> {
  const runs: AllRun[] = [];
  const onProgressFor = (label: string) =>
    progress
      ? (event: ProgressEvent) => progress.write(`[${label}] ${describeProgress(event)}\n`)
      : undefined;
  for (const { choice, label, kind } of ALL_CHOICES) {
    const started = Date.now();
    const dir = join(outDir, choice);
    const run: AllRun = {
      n: runs.length + 1,
      label,
      kind,
      choice,
      dir,
      result: null,
      error: null,
      seconds: 0,
    };
    try {
      run.result = await core.run(plan, choice, { outDir: dir, onProgress: onProgressFor(label) });
    } catch (error) {
      run.error = asLinguacodusError(error).userMessage;
    }
    run.seconds = elapsedS(started);
    runs.push(run);
  }
  const members = runs.filter(
    (r) => r.result?.score != null && r.result.artifacts.oofPredictions && r.result.artifacts.testPredictions,
  );
  const started = Date.now();
  const blend: AllRun = {
    n: runs.length + 1,
    label: `blend of ${members.length}`,
    kind: 'blend',
    choice: null,
    dir: join(outDir, 'blend'),
    result: null,
    error: null,
    seconds: 0,
  };
  if (members.length < 2) {
    blend.error = `not run: a blend needs two finished runs with predictions, ${members.length === 1 ? 'only one' : 'none'} finished`;
  } else {
    try {
      blend.result = await core.blend(
        plan,
        members.map((m) => ({ label: m.label, dir: m.dir })),
        { outDir: blend.dir, onProgress: onProgressFor('blend') },
      );
    } catch (error) {
      blend.error = asLinguacodusError(error).userMessage;
    }
  }
  blend.seconds = elapsedS(started);
  runs.push(blend);
  return runs;
}

const tokensOf = (result: RunResult | null) =>
  (result?.usage ?? []).reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);

/** The runs best first by the metric's direction (core's rankRuns), the best marked. */
export function leaderboardRows(runs: AllRun[], higherIsBetter: boolean): LeaderboardRow[] {
  const ranked = rankRuns(
    runs.map((r) => ({ ...r, score: r.result?.score ?? null })),
    higherIsBetter,
  );
  return ranked.map((r, i) => ({
    rank: i + 1,
    n: r.n,
    run: r.label,
    kind: r.kind,
    status: r.result
      ? r.result.ok && r.result.score !== null
        ? 'passed'
        : 'failed'
      : r.error?.startsWith('not run')
        ? 'skipped'
        : 'error',
    score: r.score,
    cv_score: r.result?.cvScore ?? null,
    attempts: r.result?.attempts.length ?? 0,
    seconds: r.seconds,
    tokens: tokensOf(r.result),
    best: i === 0 && r.score !== null,
    dir: r.dir,
    error: r.result?.error ?? r.error,
  }));
}

const num = (x: number | null) => (x === null ? '—' : String(Number(x.toPrecision(6))));

/** The leaderboard as an aligned text table; the best run marked with `*`. */
export function leaderboardText(rows: LeaderboardRow[], metric: string, higherIsBetter: boolean): string[] {
  const header = [
    '#',
    'run',
    'status',
    `holdout ${metric} ${higherIsBetter ? '↑' : '↓'}`,
    'own CV',
    'attempts',
    'seconds',
    'tokens',
  ];
  const body = rows.map((r) => [
    `${r.best ? '*' : ' '}${r.n}`,
    r.run,
    r.status,
    num(r.score),
    num(r.cv_score),
    String(r.attempts),
    String(r.seconds),
    String(r.tokens),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)];
}

/** `--choice all --json`: the single run's object with the best run as `run`, every run, and the leaderboard. */
export function solveAllJson(task: TaskSpec, plan: Plan, runs: AllRun[]) {
  const board = leaderboardRows(runs, METRICS[plan.task.metric].higherIsBetter);
  const best = runs.find((r) => r.n === board[0]?.n && r.result) ?? runs.find((r) => r.result);
  const base = best?.result ? solveJson(task, plan, best.result) : null;
  return {
    ...(base ?? { task, plan: null, run: null, usage: null }),
    usage: {
      plan: usageJson(plan.usage ?? []),
      run: usageJson(runs.flatMap((r) => r.result?.usage ?? [])),
    },
    leaderboard: board,
  };
}

function allTextReport(plan: Plan, runs: AllRun[]): string {
  const out = planText(plan);
  const higherIsBetter = METRICS[plan.task.metric].higherIsBetter;
  const board = leaderboardRows(runs, higherIsBetter);
  out.push(
    '=== Leaderboard (best first; * = best) ===',
    ...leaderboardText(board, plan.task.metric, higherIsBetter),
    '',
  );
  for (const r of board.filter((row) => row.error)) out.push(`Problem: #${r.n} ${r.run}: ${r.error}`);
  const blend = runs.find((r) => r.kind === 'blend')?.result;
  if (blend?.change) out.push(`Blend: ${blend.change}`);
  const best = runs.find((r) => r.n === board[0]?.n);
  if (best?.result && board[0]!.best) {
    out.push(`Best: #${best.n} ${best.label}`);
    out.push(`Code: ${best.result.artifacts.code}`);
    if (best.result.artifacts.submission) out.push(`Submission: ${best.result.artifacts.submission}`);
  }
  out.push(
    `Model usage: plan ${usageLine(plan.usage)}; runs ${usageLine(runs.flatMap((r) => r.result?.usage ?? []))}`,
  );
  return `${out.join('\n')}\n`;
}

/** The honest pick of `--choice all`: by cross-validation only, a blend only when it beats its best member's. */
export function allPick(runs: AllRun[], higherIsBetter: boolean): { run: AllRun; reason: string } | null {
  const views: SearchView[] = runs.map((r) => ({
    id: r.n,
    parent: null,
    move: r.kind === 'blend' ? 'blend' : 'draft',
    choice: r.choice,
    members:
      r.kind === 'blend'
        ? runs
            .filter((m) => r.result?.blend?.members.some((b) => b.label === m.label && b.weight > 0))
            .map((m) => m.n)
        : [],
    ok: Boolean(r.result?.ok),
    cvScore: r.result?.ok ? r.result.cvScore : null,
    cvProper: null,
    blendable: false,
    sameAs: null,
  }));
  const pick = pickNode(views, higherIsBetter);
  const run = pick ? runs.find((r) => r.n === pick.id) : undefined;
  return pick && run ? { run, reason: pick.reason.replace(/node (\d+)/g, `#$1 ${run.label}`) } : null;
}

/** `--auto --json`: the pick's object as a single run's, the tree with every node, and what the pick was picked on. */
export function solveAutoJson(task: TaskSpec, plan: Plan, outcome: AutoOutcome) {
  const base = outcome.pick
    ? solveJson(task, plan, outcome.pick)
    : { task, plan: null, run: null, usage: null };
  return {
    ...base,
    pick: outcome.tree.pick,
    pick_reason: outcome.tree.pickReason,
    tree: outcome.tree,
    out_dir: outcome.outDir,
  };
}

/** The tree as text lines: each node under its parent (a blend under its best member), its move, CV and holdout. */
export function treeText(tree: AutoTree): string[] {
  const byParent = new Map<number | null, AutoTree['nodes']>();
  for (const node of tree.nodes) {
    const parent = node.parent ?? (node.move === 'blend' ? (node.members[0] ?? null) : null);
    byParent.set(parent, [...(byParent.get(parent) ?? []), node]);
  }
  const out: string[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const node of byParent.get(parent) ?? []) {
      const score = node.ok
        ? `cv ${num(node.cvScore)}, holdout ${num(node.holdout)}`
        : `failed: ${node.error}`;
      out.push(
        `${'  '.repeat(depth)}${node.id === tree.pick ? '*' : '-'} ${node.id} ${node.move}: ${node.what} (${score})`,
      );
      walk(node.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function autoTextReport(plan: Plan, outcome: AutoOutcome): string {
  const { tree, pick } = outcome;
  const out = planText(plan);
  out.push(
    `=== Auto: ${tree.nodes.length} nodes in ${tree.usedS} s of ${tree.budgetS} s (${tree.stopped === 'budget' ? 'stopped at the budget' : tree.stopped === 'cancelled' ? 'cancelled' : 'no move left'}); * = pick ===`,
    ...treeText(tree),
    '',
    `Pick: ${tree.pickReason}`,
  );
  if (pick?.score != null)
    out.push(`Holdout ${pick.metric} of the pick: ${pick.score} (scored once the search was over)`);
  if (pick) {
    out.push(`Code: ${pick.artifacts.code}`);
    if (pick.artifacts.submission) out.push(`Submission: ${pick.artifacts.submission}`);
  }
  out.push(`Tree: ${join(outcome.outDir, 'tree.json')}`);
  return `${out.join('\n')}\n`;
}

/** Runs `solve`; returns the exit code: 0 when the run produced a scored submission, 2 a question, 1 anything else. */
export async function runSolveCli(argv: string[], env: SolveEnv): Promise<number> {
  const stdout = env.stdout ?? process.stdout;
  const stderr = env.stderr ?? process.stderr;
  let json = argv.includes('--json');
  try {
    const args = parseSolveArgs(argv);
    json = args.json;
    const workRoot = env.workRoot ?? resolve('out');
    const core = createCore({
      sandbox: env.sandbox,
      roles: env.roles,
      logger: env.logger,
      limits: env.limits,
      workRoot,
    });
    const onProgress = args.json
      ? undefined
      : (event: ProgressEvent) => stderr.write(`${describeProgress(event)}\n`);
    const prepared = await core.intake({
      text: args.task ?? '',
      files: [resolve(args.data)],
      overrides: {
        metric: args.metric,
        target: args.target,
        testFile: args.test ? resolve(args.test) : undefined,
      },
    });
    const plan = await core.plan(prepared, { onProgress });
    if (args.auto) {
      const max = env.maxAutoBudgetS ?? MAX_AUTO_BUDGET_S;
      if (args.budgetS > max) {
        throw new LinguacodusError('bad_input', `--budget-s is at most ${max} seconds here.`);
      }
      const outcome = await core.auto(plan, {
        budgetS: args.budgetS,
        outDir: resolve(args.out ?? defaultOutDir(workRoot, args.data)),
        onEvent: args.json
          ? undefined
          : (event) =>
              stderr.write(
                event.type === 'node-start'
                  ? `auto: node ${event.node.id} ${event.node.move}: ${event.node.what} (${event.budgetLeftS} s left)\n`
                  : `auto: node ${event.node.id} ${event.node.ok ? `cv ${event.node.cvScore}` : `failed: ${event.node.error}`}\n`,
              ),
      });
      stdout.write(
        args.json
          ? `${JSON.stringify(solveAutoJson(plan.task, plan, outcome))}\n`
          : autoTextReport(plan, outcome),
      );
      return outcome.pick?.ok ? 0 : 1;
    }
    if (args.choice === 'all') {
      const outDir = resolve(args.out ?? defaultOutDir(workRoot, args.data));
      const runs = await runAll(core, plan, outDir, args.json ? undefined : stderr);
      const pick = allPick(runs, METRICS[plan.task.metric].higherIsBetter);
      if (pick) await publishPick(pick.run.dir, outDir);
      stdout.write(
        args.json
          ? `${JSON.stringify({ ...solveAllJson(plan.task, plan, runs), pick: pick ? { n: pick.run.n, run: pick.run.label, reason: pick.reason } : null })}\n`
          : `${allTextReport(plan, runs)}${pick ? `Pick (copied to ${outDir}): ${pick.reason}\n` : ''}`,
      );
      return runs.every((r) => r.result?.ok) ? 0 : 1;
    }
    const result = await core.run(plan, args.choice, {
      onProgress,
      outDir: resolve(args.out ?? defaultOutDir(workRoot, args.data)),
    });
    stdout.write(
      args.json ? `${JSON.stringify(solveJson(plan.task, plan, result))}\n` : textReport(plan, result),
    );
    return result.ok ? 0 : 1;
  } catch (error) {
    // A question instead of a plan: printed as `intake` prints it, and exit 2 as `intake` does.
    if (error instanceof TargetQuestion) {
      stdout.write(questionText(error, json));
      return INTAKE_EXIT.question;
    }
    const failure = asLinguacodusError(error);
    env.logger?.error({ err: failure.cause ?? failure }, 'solve failed');
    stderr.write(`linguacodus solve: ${failure.userMessage.replace(/\s*\n\s*/g, ' ')}\n`);
    return INTAKE_EXIT.failed;
  }
}
