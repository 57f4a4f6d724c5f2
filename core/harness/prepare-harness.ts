// The harness around generated code: the holdout split as sandbox files, the submission check the repair loop
// sees, and the score on the held-out labels, which stay here and never reach the script, critic or coder.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { SandboxFile } from '../../sandbox/types.ts';
import { LinguacodusError } from '../errors.ts';
import { parseCsvBytes, readCsv, type Table } from '../intake/index.ts';
import type { DataProfile, IntakeLimits, TaskSpec } from '../types.ts';
import { formatCsv } from './csv-writer.ts';
import {
  OOF_FILE,
  SUBMISSION_FILE,
  TEST_FILE,
  TEST_PREDICTIONS_FILE,
  TRAIN_FILE,
} from './harness-contract.ts';
import { baselineScore, scoreSubmissionTable } from './holdout-score.ts';
import { prepareUnlabelled, splitHoldout, withIdColumn } from './holdout-split.ts';
import { checkPredictions } from './prediction-check.ts';
import { checkSubmission } from './submission-check.ts';

/** Rows of the training part the quick evidence run predicts for (it only needs to produce a submission). */
const EVIDENCE_TEST_ROWS = 500;

export interface Harness {
  trainRows: number;
  heldOutRows: number;
  userTestRows: number;
  /** train.csv (training part) and test.csv (held-out rows, no target), plus the task's extra files. */
  runFiles: SandboxFile[];
  /** train.csv = the training part; test.csv = a few of its own rows without the target. No held-out row. */
  evidenceFiles: SandboxFile[];
  /** Every labelled row as train.csv and the user's unlabelled file as test.csv; null without a test file. */
  userTestFiles: SandboxFile[] | null;
  /** The checker's message for an invalid holdout submission, null when valid. */
  checkHoldoutSubmission(bytes: Uint8Array | null): string | null;
  checkUserSubmission(bytes: Uint8Array | null): string | null;
  /** The metric on the held-out rows (the submission must have passed the check). */
  score(bytes: Uint8Array): number;
  /** Mean or majority (class prior for probabilities) on the same holdout. */
  baseline(): { name: string; score: number } | null;
  /** Id and target(s) of the held-out rows, for the harness's own chart. */
  truthCsv: string;
  /** Ids of train.csv's rows (the training part), the held-out rows and the user's test rows, as written. */
  trainIds: string[];
  heldOutIds: string[];
  userIds: string[];
  /** The problem with a run's out-of-fold predictions (train.csv's rows), null when a blend can use them. */
  checkOofPredictions(bytes: Uint8Array | null): string | null;
  /** The problem with a run's predictions for the held-out rows (test.csv of the scored run). */
  checkTestPredictions(bytes: Uint8Array | null): string | null;
  /** The problem with a final run's predictions for the user's test file. */
  checkUserPredictions(bytes: Uint8Array | null): string | null;
}

/** Out-of-fold files must hold scores for at least this share of the training rows (time-ordered CV leaves a gap). */
const MIN_OOF_COVERAGE = 0.5;

const csvFile = (path: string, table: Table): SandboxFile => ({ path, content: formatCsv(table) });

function withoutColumns(table: Table, hidden: Set<string>): Table {
  const keep = table.columns.map((c, i) => (hidden.has(c) ? -1 : i)).filter((i) => i >= 0);
  return {
    columns: keep.map((i) => table.columns[i]!),
    rows: table.rows.map((row) => keep.map((i) => row[i] ?? null)),
  };
}

/** Evenly spaced rows, so a sample spans the whole file (and its time range). */
function spread(table: Table, n: number): Table {
  if (table.rows.length <= n) return table;
  const step = table.rows.length / n;
  return {
    columns: table.columns,
    rows: Array.from({ length: n }, (_, k) => table.rows[Math.floor(k * step)]!),
  };
}

/** Every labelled row, with the harness's id column and without the columns the task hides. */
function allLabelled(table: Table, task: TaskSpec): Table {
  const data = withIdColumn(table, task);
  const targets = task.targets.map((t) => data.columns.indexOf(t));
  const labelled = {
    columns: data.columns,
    rows: data.rows.filter((row) => targets.every((i) => row[i] !== null && row[i] !== undefined)),
  };
  return withoutColumns(labelled, new Set(task.drop.filter((c) => c !== task.idColumn)));
}

function parseSubmission(bytes: Uint8Array, expectedRows: number): Table {
  return parseCsvBytes(bytes, SUBMISSION_FILE, {
    maxBytes: Math.max(bytes.length, 1),
    maxRows: Math.max(expectedRows * 2, 1000),
    maxColumns: 10_000,
  });
}

function problemOf(error: unknown): string {
  if (error instanceof LinguacodusError) return error.userMessage;
  throw error;
}

function checker(expectedIds: string[], task: TaskSpec, profile: DataProfile) {
  return (bytes: Uint8Array | null): string | null => {
    if (!bytes) return `the script did not write ${SUBMISSION_FILE} in the current folder.`;
    try {
      checkSubmission(parseSubmission(bytes, expectedIds.length), expectedIds, task, profile);
      return null;
    } catch (error) {
      return problemOf(error);
    }
  };
}

/** An extra file by its name; a folder (an image task's pictures) with every file under it, under its name. */
async function extraFiles(path: string): Promise<SandboxFile[]> {
  if (!(await stat(path)).isDirectory()) return [{ path: basename(path), content: await readFile(path) }];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const file = join(e.parentPath, e.name);
        return { path: join(basename(path), relative(path, file)), content: await readFile(file) };
      }),
  );
}

export async function prepareHarness(
  task: TaskSpec,
  profile: DataProfile,
  limits: IntakeLimits,
): Promise<Harness> {
  const table = await readCsv(task.trainFile, limits);
  const split = splitHoldout(table, task, profile);
  const extras: SandboxFile[] = (await Promise.all(task.extraFiles.map(extraFiles))).flat();
  const targets = new Set(task.targets);
  const evidenceTest = withoutColumns(spread(split.train, EVIDENCE_TEST_ROWS), targets);

  let userTest: Table | null = null;
  if (task.testFile) userTest = prepareUnlabelled(await readCsv(task.testFile, limits), task);
  const idIndex = (t: Table) => t.columns.indexOf(task.idColumn);
  const heldOutIds = split.labels.rows.map((row) => row[0]!);
  const trainIds = split.train.rows.map((row) => row[idIndex(split.train)] ?? '');
  const userIds = userTest ? userTest.rows.map((row) => row[idIndex(userTest!)] ?? '') : [];
  if (userTest && idIndex(userTest) < 0) {
    throw new LinguacodusError(
      'bad_input',
      `The test file ${basename(task.testFile!)} has no id column \`${task.idColumn}\` to match predictions to rows.`,
    );
  }

  return {
    trainRows: split.train.rows.length,
    heldOutRows: split.test.rows.length,
    userTestRows: userTest?.rows.length ?? 0,
    runFiles: [csvFile(TRAIN_FILE, split.train), csvFile(TEST_FILE, split.test), ...extras],
    evidenceFiles: [csvFile(TRAIN_FILE, split.train), csvFile(TEST_FILE, evidenceTest), ...extras],
    userTestFiles: userTest
      ? [csvFile(TRAIN_FILE, allLabelled(table, task)), csvFile(TEST_FILE, userTest), ...extras]
      : null,
    checkHoldoutSubmission: checker(heldOutIds, task, profile),
    checkUserSubmission: checker(userIds, task, profile),
    score: (bytes) =>
      scoreSubmissionTable(parseSubmission(bytes, heldOutIds.length), split.labels, task, profile).score,
    baseline: () => {
      try {
        return baselineScore(split.train, split.labels, task, profile);
      } catch (error) {
        // A baseline is a comparison, not the result: a task it cannot score still gets its run scored.
        if (error instanceof LinguacodusError) return null;
        throw error;
      }
    },
    truthCsv: formatCsv(split.labels),
    trainIds,
    heldOutIds,
    userIds,
    checkOofPredictions: (bytes) =>
      checkPredictions(bytes, trainIds, task, profile, { file: OOF_FILE, minCoverage: MIN_OOF_COVERAGE }),
    checkTestPredictions: (bytes) =>
      checkPredictions(bytes, heldOutIds, task, profile, { file: TEST_PREDICTIONS_FILE }),
    checkUserPredictions: (bytes) =>
      checkPredictions(bytes, userIds, task, profile, { file: TEST_PREDICTIONS_FILE }),
  };
}
