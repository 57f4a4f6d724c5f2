// Test support for the offline engine's integration tests: a suite task split by the harness's holdout, the generated
// script run with the system Python in a temp folder, and the submission checked and scored as the harness does.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { loadSuite, suiteTaskInput } from '../../bench/suite.ts';
import type { StageContext } from '../../core/engine.ts';
import {
  baselineScore,
  formatCsv,
  type HoldoutSplit,
  scoreSubmissionTable,
  splitHoldout,
  submissionColumns,
} from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask, readCsv, type Table } from '../../core/intake/index.ts';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { type DataProfile, type Instruction, STAGES, type TaskSpec } from '../../core/types.ts';

const run = promisify(execFile);
export const SYSTEM_PYTHON = '/usr/bin/python3';

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

/** The harness's own holdout split of the task (seeded, as the task says). */
export function splitForTest(prepared: PreparedSuiteTask): HoldoutSplit {
  return splitHoldout(prepared.table, prepared.task, prepared.profile);
}

export interface ScriptRun {
  dir: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  submission: Table | null;
  cvScore: { metric: string; cv_score: number | null } | null;
  chart: boolean;
}

/** Runs a script with /usr/bin/python3 in a fresh folder holding train.csv and test.csv. */
export async function runScript(
  code: string,
  split: HoldoutSplit,
  quick: boolean,
  timeoutMs = 240_000,
): Promise<ScriptRun> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-offline-'));
  await writeFile(join(dir, 'train.csv'), formatCsv(split.train));
  await writeFile(join(dir, 'test.csv'), formatCsv(split.test));
  await writeFile(join(dir, 'solution.py'), code);
  let exitCode = 0;
  let stdout = '';
  let stderr = '';
  try {
    const out = await run(SYSTEM_PYTHON, ['solution.py'], {
      cwd: dir,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: '/usr/bin:/bin',
        HOME: dir,
        MPLCONFIGDIR: dir,
        OMP_NUM_THREADS: '2',
        LC_QUICK: quick ? '1' : '0',
      },
    });
    stdout = out.stdout;
    stderr = out.stderr;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    exitCode = typeof e.code === 'number' ? e.code : 1;
    stdout = e.stdout ?? '';
    stderr = e.stderr ?? String(error);
  }
  const submission = await readCsv(join(dir, 'submission.csv'), DEFAULT_INTAKE_LIMITS).catch(() => null);
  const cvScore = await readFile(join(dir, 'cv_score.json'), 'utf8')
    .then((t) => JSON.parse(t) as ScriptRun['cvScore'])
    .catch(() => null);
  const chart = await readFile(join(dir, 'chart.png')).then(
    (b) => b.length > 0,
    () => false,
  );
  return { dir, exitCode, stdout, stderr, submission, cvScore, chart };
}

export async function removeRun(result: ScriptRun): Promise<void> {
  await rm(result.dir, { recursive: true, force: true });
}

/** Checks and scores a submission as the harness does; also the harness's mean/majority/prior baseline. */
export function scoreSubmission(
  prepared: PreparedSuiteTask,
  split: HoldoutSplit,
  submission: Table,
): { score: number; baseline: number; higherIsBetter: boolean } {
  const { task, profile } = prepared;
  const scored = scoreSubmissionTable(submission, split.labels, task, profile);
  const baseline = baselineScore(split.train, split.labels, task, profile);
  return { score: scored.score, baseline: baseline.score, higherIsBetter: scored.higherIsBetter };
}

export interface OfflineSolve {
  code: string;
  split: HoldoutSplit;
  run: ScriptRun;
  /** Null when the script wrote no submission. */
  scored: { score: number; baseline: number; higherIsBetter: boolean } | null;
}

/** Writes the four stages with the offline coder, integrates them, runs the script and scores its submission. */
export async function solveWithOffline(
  prepared: PreparedSuiteTask,
  instruction: Instruction,
  options: { quick: boolean; split?: HoldoutSplit; code?: string },
): Promise<OfflineSolve> {
  const coder = new OfflineCoder();
  const context = {
    task: prepared.task,
    profile: prepared.profile,
    instruction,
    previous: [] as StageContext['previous'],
  };
  for (const stage of STAGES) {
    context.previous.push({ stage, code: await coder.writeStage(stage, context) });
  }
  const code = options.code ?? (await coder.integrate(context));
  const split = options.split ?? splitForTest(prepared);
  const run = await runScript(code, split, options.quick);
  const scored = run.submission ? scoreSubmission(prepared, split, run.submission) : null;
  await removeRun(run);
  return { code, split, run, scored };
}

/** What the harness would check, plus: the score beats the mean/majority baseline in the metric's direction. */
export function expectValidAndBetter(prepared: PreparedSuiteTask, solved: OfflineSolve): void {
  const { run, split, scored } = solved;
  expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
  expect(run.submission?.columns).toEqual(submissionColumns(prepared.task, prepared.profile));
  expect(run.submission?.rows).toHaveLength(split.test.rows.length);
  expect(run.submission?.rows.every((row) => row.every((v) => v !== null && v !== ''))).toBe(true);
  expect(run.cvScore?.metric).toBe(prepared.task.metric);
  expect(Number.isFinite(run.cvScore?.cv_score)).toBe(true);
  expect(run.chart).toBe(true);
  if (!scored) throw new Error('no submission to score');
  console.info(
    `${prepared.task.metric}: ${scored.score} (baseline ${scored.baseline}, cv ${run.cvScore?.cv_score})`,
  );
  if (scored.higherIsBetter) expect(scored.score).toBeGreaterThan(scored.baseline);
  else expect(scored.score).toBeLessThan(scored.baseline);
}
