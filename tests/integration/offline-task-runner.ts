// Test support for the offline engine's integration tests: a suite task split into train/test, the generated script
// run with the system Python in a temp folder, and the submission scored with the metric registry.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { DEFAULT_INTAKE_LIMITS, formatCsv, readCsv, type Table } from '../../core/csv-reader.ts';
import type { StageContext } from '../../core/engine.ts';
import { positiveClass, submissionColumns } from '../../core/harness-contract.ts';
import { METRICS } from '../../core/metrics.ts';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { loadSuite, suiteTaskInput } from '../../core/suite.ts';
import { intakeTask } from '../../core/task-intake.ts';
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

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HoldoutSplit {
  train: Table;
  /** Features only (targets removed). */
  test: Table;
  /** The held-out rows with their targets, aligned with `test`. */
  answers: Table;
}

/** A simple seeded holdout: last rows for time splits, whole groups for group splits, else a shuffled cut. */
export function splitForTest(prepared: PreparedSuiteTask, maxRows = Number.POSITIVE_INFINITY): HoldoutSplit {
  const { task } = prepared;
  let table = prepared.table;
  if (task.idAdded) {
    table = { columns: [...table.columns, task.idColumn], rows: table.rows.map((r, i) => [...r, String(i)]) };
  }
  const targetIndexes = task.targets.map((t) => table.columns.indexOf(t));
  const labelled = table.rows.filter((r) => targetIndexes.every((i) => r[i] !== null));
  const random = seededRandom(task.split.seed);
  let rows = labelled;
  if (rows.length > maxRows)
    rows =
      task.split.kind === 'time'
        ? rows.slice(-maxRows)
        : rows.filter(() => random() < maxRows / labelled.length);
  const nTest = Math.max(1, Math.round(rows.length * task.split.testFraction));
  let trainRows: (string | null)[][];
  let testRows: (string | null)[][];
  if (task.split.kind === 'time') {
    trainRows = rows.slice(0, rows.length - nTest);
    testRows = rows.slice(rows.length - nTest);
  } else if (task.split.kind === 'group' && task.split.column) {
    const g = table.columns.indexOf(task.split.column);
    const groups = [...new Set(rows.map((r) => r[g] ?? null))].sort(() => random() - 0.5);
    const held = new Set<string | null>();
    let count = 0;
    for (const group of groups) {
      if (count >= nTest) break;
      held.add(group);
      count += rows.filter((r) => r[g] === group).length;
    }
    trainRows = rows.filter((r) => !held.has(r[g] ?? null));
    testRows = rows.filter((r) => held.has(r[g] ?? null));
  } else {
    const order = rows.map((r) => ({ r, k: random() })).sort((a, b) => a.k - b.k);
    testRows = order.slice(0, nTest).map((o) => o.r);
    trainRows = order.slice(nTest).map((o) => o.r);
  }
  const keep = table.columns.map((_, i) => i).filter((i) => !targetIndexes.includes(i));
  const answerCols = [table.columns.indexOf(task.idColumn), ...targetIndexes];
  return {
    train: { columns: table.columns, rows: trainRows },
    test: {
      columns: keep.map((i) => table.columns[i] ?? ''),
      rows: testRows.map((r) => keep.map((i) => r[i] ?? null)),
    },
    answers: {
      columns: answerCols.map((i) => table.columns[i] ?? ''),
      rows: testRows.map((r) => answerCols.map((i) => r[i] ?? null)),
    },
  };
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

function column(table: Table, name: string): (string | null)[] {
  const i = table.columns.indexOf(name);
  if (i === -1) throw new Error(`column ${name} missing from ${table.columns.join(',')}`);
  return table.rows.map((r) => r[i] ?? null);
}

/** Scores a submission against the held-out answers with the task metric; also the mean/majority baseline. */
export function scoreSubmission(
  prepared: PreparedSuiteTask,
  split: HoldoutSplit,
  submission: Table,
): { score: number; baseline: number; higherIsBetter: boolean } {
  const { task, profile } = prepared;
  const metric = METRICS[task.metric];
  const byId = new Map<string, (string | null)[]>();
  const idIndex = submission.columns.indexOf(task.idColumn);
  for (const row of submission.rows) byId.set(String(row[idIndex]), row);
  const ids = column(split.answers, task.idColumn).map(String);
  const aligned = ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Error(`submission lacks id ${id}`);
    return row;
  });
  const cols = submissionColumns(task, profile);
  const value = (row: (string | null)[], name: string) => row[submission.columns.indexOf(name)] ?? '';
  if (metric.kind === 'regression') {
    const truth = split.answers.rows.map((r) => task.targets.map((_, j) => Number(r[j + 1])));
    const pred = aligned.map((r) => task.targets.map((t) => Number(value(r, t))));
    const trainTruth = split.train.rows.map((r) =>
      task.targets.map((t) => Number(r[split.train.columns.indexOf(t)])),
    );
    const means = task.targets.map(
      (_, j) => trainTruth.reduce((s, r) => s + (r[j] ?? 0), 0) / trainTruth.length,
    );
    return {
      score: metric.score(truth, pred),
      baseline: metric.score(
        truth,
        truth.map(() => means),
      ),
      higherIsBetter: metric.higherIsBetter,
    };
  }
  const truth = column(split.answers, task.targets[0] ?? '').map(String);
  const trainLabels = column(split.train, task.targets[0] ?? '').map(String);
  const counts = new Map<string, number>();
  for (const l of trainLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  if (metric.kind === 'label') {
    const positive = positiveClass(profile) ?? undefined;
    const pred = aligned.map((r) => normaliseLabel(value(r, task.targets[0] ?? ''), trainLabels));
    return {
      score: metric.score(truth, pred, positive),
      baseline: metric.score(
        truth,
        truth.map(() => majority),
        positive,
      ),
      higherIsBetter: metric.higherIsBetter,
    };
  }
  const classes = profile.target.type === 'binary' ? [positiveClass(profile) ?? ''] : cols.slice(1);
  const prob = aligned.map((r) =>
    profile.target.type === 'binary'
      ? [Number(value(r, task.targets[0] ?? ''))]
      : classes.map((c) => Number(value(r, c))),
  );
  const prior = classes.map((c) => (counts.get(c) ?? 0) / trainLabels.length);
  return {
    score: metric.score(truth, prob, classes),
    baseline: metric.score(
      truth,
      truth.map(() => prior),
      classes,
    ),
    higherIsBetter: metric.higherIsBetter,
  };
}

/** "6.0" written by pandas for a label read as "6": map back to the training spelling. */
function normaliseLabel(value: string, trainLabels: string[]): string {
  if (trainLabels.includes(value)) return value;
  const match = trainLabels.find((l) => Number(l) === Number(value) && l.trim() !== '');
  return match ?? value;
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
