// `linguacodus solve`: plans a task from a CSV and a sentence, runs the chosen instruction and reports the
// harness's score, as text for people or one JSON object for scripts.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Sandbox } from '../../sandbox/types.ts';
import { asLinguacodusError, LinguacodusError } from '../errors.ts';
import { type CoreLimits, type CoreRoles, createCore } from '../index.ts';
import { renderInstruction } from '../instruction-markdown.ts';
import { noteLine, usageJson, usageLine } from '../llm/usage.ts';
import {
  type Choice,
  choiceSchema,
  type Plan,
  type ProgressEvent,
  type RunResult,
  type TaskSpec,
} from '../types.ts';

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
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

export const SOLVE_USAGE =
  'usage: linguacodus solve --data TRAIN.csv [--test TEST.csv] [--task "text"] [--metric M] [--target COL] [--choice 1|2|3|resolver] [--out DIR] [--json]';

export interface SolveArgs {
  data: string;
  test?: string;
  task?: string;
  metric?: string;
  target?: string;
  choice: Choice;
  out?: string;
  json: boolean;
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
  const choice = choiceSchema.safeParse(values.choice ?? 'resolver');
  if (!choice.success) {
    throw new LinguacodusError('bad_input', `--choice must be 1, 2, 3 or resolver, not "${values.choice}".`);
  }
  return {
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

function textReport(plan: Plan, result: RunResult): string {
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

/** Runs `solve`; returns the exit code (0 when the run produced a scored submission). */
export async function runSolveCli(argv: string[], env: SolveEnv): Promise<number> {
  const stdout = env.stdout ?? process.stdout;
  const stderr = env.stderr ?? process.stderr;
  try {
    const args = parseSolveArgs(argv);
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
    const result = await core.run(plan, args.choice, {
      onProgress,
      outDir: resolve(args.out ?? defaultOutDir(workRoot, args.data)),
    });
    stdout.write(
      args.json ? `${JSON.stringify(solveJson(plan.task, plan, result))}\n` : textReport(plan, result),
    );
    return result.ok ? 0 : 1;
  } catch (error) {
    const failure = asLinguacodusError(error);
    env.logger?.error({ err: failure.cause ?? failure }, 'solve failed');
    stderr.write(`linguacodus solve: ${failure.userMessage.replace(/\s*\n\s*/g, ' ')}\n`);
    return failure.code === 'bad_input' ? 2 : 1;
  }
}
