// Test support for the offline engine's integration tests: a suite task taken in by intake, and an instruction run
// as the product runs it, through createCore(...).run() with the real sandbox and harness (split, submission check,
// score, chart). The sandbox records each execution, so the tests can read what the script printed and wrote.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadSuite, suiteTaskInput } from '../../bench/suite.ts';
import {
  CV_SCORE_FILE,
  collected,
  QUICK_ENV,
  SUBMISSION_FILE,
  submissionColumns,
  TEST_FILE,
} from '../../core/harness/index.ts';
import { createCore } from '../../core/index.ts';
import {
  DEFAULT_INTAKE_LIMITS,
  intakeTask,
  parseCsvBytes,
  parseCsvText,
  type Table,
} from '../../core/intake/index.ts';
import {
  type DataProfile,
  type Instruction,
  type Plan,
  planSchema,
  type RunResult,
  type TaskSpec,
} from '../../core/types.ts';
import {
  createSandbox,
  type Execution,
  type Sandbox,
  type SandboxFile,
  type SandboxJob,
} from '../../sandbox/index.ts';

export interface PreparedSuiteTask {
  task: TaskSpec;
  profile: DataProfile;
  table: Table;
}

/** Intake of one suite task, as a user posting it would produce. */
export async function prepareSuiteTask(id: string): Promise<PreparedSuiteTask> {
  const suite = await loadSuite();
  const entry = suite.tasks.find((t) => t.id === id);
  if (!entry) throw new Error(`no suite task ${id}`);
  const { spec, profile, table } = await intakeTask(suiteTaskInput(entry), DEFAULT_INTAKE_LIMITS);
  return { task: spec, profile, table };
}

interface Recorded {
  job: SandboxJob;
  execution: Execution;
}

/**
 * The product's bwrap sandbox, recording every job and its execution. `quick` gives the scripts LC_QUICK=1 (as the
 * resolver's evidence runs do: 3 folds, a sample, fewer trees) to keep the tests' time down; `extraFiles` lie beside
 * every script (a broken library, for the repair path).
 */
function recordingSandbox(quick: boolean, extraFiles: SandboxFile[]): Sandbox & { recorded: Recorded[] } {
  const sandbox = createSandbox({ driver: 'bwrap' });
  const recorded: Recorded[] = [];
  return {
    driver: sandbox.driver,
    recorded,
    async execute(job) {
      const env = quick ? { ...job.env, [QUICK_ENV]: '1' } : job.env;
      const sent = { ...job, env, files: [...job.files, ...extraFiles] };
      const execution = await sandbox.execute(sent);
      recorded.push({ job: sent, execution });
      return execution;
    },
  };
}

/** What one script run left behind, as the tests read it. */
export interface ScriptRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The harness's test.csv the script predicted for. */
  test: Table;
  /** The harness's train.csv the script learned from. */
  train: Table;
  submission: Table | null;
  cvScore: { metric: string; cv_score: number | null } | null;
  /** Whether the script itself wrote chart.png (the harness draws its own chart beside it). */
  chart: boolean;
}

export interface OfflineSolve {
  result: RunResult;
  /** The run of the script that was scored (the last attempt). */
  run: ScriptRun;
  /** The first attempt's run (the one a repair fixed, when there was a repair). */
  firstRun: ScriptRun;
}

const table = (file: SandboxFile | undefined, name: string) =>
  parseCsvText(String(file?.content ?? ''), name, DEFAULT_INTAKE_LIMITS);

function scriptRun({ job, execution }: Recorded): ScriptRun {
  const submission = collected(execution, SUBMISSION_FILE);
  const cv = collected(execution, CV_SCORE_FILE);
  return {
    exitCode: execution.exitCode,
    stdout: execution.stdout,
    stderr: execution.stderr,
    test: table(
      job.files.find((f) => f.path === TEST_FILE),
      TEST_FILE,
    ),
    train: table(
      job.files.find((f) => f.path === 'train.csv'),
      'train.csv',
    ),
    submission: submission ? parseCsvBytes(submission, SUBMISSION_FILE, DEFAULT_INTAKE_LIMITS) : null,
    cvScore: cv ? (JSON.parse(cv.toString('utf8')) as ScriptRun['cvScore']) : null,
    chart: (collected(execution, 'chart.png')?.length ?? 0) > 0,
  };
}

/** A plan whose resolver chose `instruction`, so that run(plan, 'resolver') writes and runs exactly that. */
function planRunning(prepared: PreparedSuiteTask, instruction: Instruction): Plan {
  const option = (rank: number) => ({ ...instruction, rank });
  return planSchema.parse({
    id: randomUUID(),
    task: prepared.task,
    profile: prepared.profile,
    instructions: [option(1), option(2), option(3)],
    critique: '',
    resolver: { chose: 1, instruction: option(0), rationale: 'the instruction under test', evidence: [] },
    engines: { instructor: 'offline', critic: 'offline', coder: 'offline' },
    createdAt: new Date().toISOString(),
    durationMs: 0,
  });
}

/**
 * Writes the four stages with the offline coder, integrates them and runs the script in the product's sandbox
 * with the harness's holdout files, repairs included, then the harness checks and scores the submission.
 */
export async function solveWithOffline(
  prepared: PreparedSuiteTask,
  instruction: Instruction,
  options: { quick: boolean; extraFiles?: SandboxFile[] },
): Promise<OfflineSolve> {
  const sandbox = recordingSandbox(options.quick, options.extraFiles ?? []);
  const workRoot = await mkdtemp(join(tmpdir(), 'lc-offline-'));
  try {
    const core = createCore({
      sandbox,
      roles: {},
      limits: {
        ...DEFAULT_INTAKE_LIMITS,
        maxRepairs: 3,
        sandbox: { timeoutMs: 240_000 },
        evidenceTimeoutMs: 0,
      },
      workRoot,
    });
    const result = await core.run(planRunning(prepared, instruction), 'resolver');
    const scripts = sandbox.recorded.filter((r) => r.job.collect?.includes(CV_SCORE_FILE));
    if (scripts.length === 0) throw new Error('the run executed no script');
    return { result, run: scriptRun(scripts.at(-1)!), firstRun: scriptRun(scripts[0]!) };
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

/**
 * What the harness checks, plus: the first attempt passed (no repair was needed), the script reported its own CV
 * score and chart, and the holdout score beats the mean/majority baseline in the metric's direction.
 */
export function expectValidAndBetter(prepared: PreparedSuiteTask, solved: OfflineSolve, attempts = 1): void {
  const { result, run } = solved;
  expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
  expect(result.ok, result.error ?? '').toBe(true);
  expect(result.attempts).toHaveLength(attempts);
  expect(run.submission?.columns).toEqual(submissionColumns(prepared.task, prepared.profile));
  expect(run.submission?.rows).toHaveLength(run.test.rows.length);
  expect(run.submission?.rows.every((row) => row.every((v) => v !== null && v !== ''))).toBe(true);
  expect(run.cvScore?.metric).toBe(prepared.task.metric);
  expect(Number.isFinite(run.cvScore?.cv_score)).toBe(true);
  expect(run.chart).toBe(true);
  if (result.score === null || !result.baseline) throw new Error('no holdout score or baseline');
  console.info(
    `${prepared.task.metric}: ${result.score} (baseline ${result.baseline.score}, cv ${run.cvScore?.cv_score})`,
  );
  if (result.higherIsBetter) expect(result.score).toBeGreaterThan(result.baseline.score);
  else expect(result.score).toBeLessThan(result.baseline.score);
}
