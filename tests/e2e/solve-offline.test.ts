import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite, type SuiteTask, suiteTaskInput } from '../../bench/suite.ts';
import { formatCsv, METRICS } from '../../core/harness/index.ts';
import { type CoreLimits, createCore } from '../../core/index.ts';
import { readCsv } from '../../core/intake/index.ts';
import { type ProgressEvent, planSchema } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';

const limits: CoreLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 2_000,
  maxRepairs: 3,
  sandbox: { timeoutMs: 300_000 },
  evidenceTimeoutMs: 60_000,
};

let workRoot: string;
let tasks: SuiteTask[];
const core = (evidenceTimeoutMs = limits.evidenceTimeoutMs) =>
  createCore({
    sandbox: createSandbox({ driver: 'bwrap' }),
    roles: {},
    limits: { ...limits, evidenceTimeoutMs },
    workRoot,
  });
// Whole plans and runs on a 2-core machine: minutes, not the unit tests' seconds.
const SLOW = 240_000;

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'lc-solve-offline-'));
  tasks = (await loadSuite()).tasks;
});
afterAll(async () => {
  await rm(workRoot, { recursive: true, force: true });
});

const task = (id: string) => {
  const found = tasks.find((t) => t.id === id);
  if (!found) throw new Error(`suite has no task ${id}`);
  return found;
};

/**
 * Plans and runs a task; checks what a user would look at. `fast` skips the evidence runs and picks the
 * offline engine's linear option, to keep the suite's wall time down; the resolver's path is covered by the
 * full runs.
 */
async function solve(id: string, fast = false) {
  const c = core(fast ? 0 : limits.evidenceTimeoutMs);
  const prepared = await c.intake(suiteTaskInput(task(id)));
  const events: ProgressEvent[] = [];
  const plan = await c.plan(prepared, { onProgress: (e) => events.push(e) });
  // The bot stores plans in Redis: a JSON round trip must give the same plan back.
  expect(planSchema.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  expect(plan.engines).toEqual({ instructor: 'offline', critic: 'offline', coder: 'offline' });
  expect(plan.instructions.map((i) => i.rank)).toEqual([1, 2, 3]);
  expect(plan.resolver.evidence).toHaveLength(fast ? 0 : 3);
  const linear = plan.instructions.find((i) => ['linear', 'tfidf-linear'].includes(i.recipe?.id ?? ''));
  const choice = fast && linear ? (String(linear.rank) as '1' | '2' | '3') : 'resolver';
  const outDir = join(workRoot, id);
  const result = await c.run(plan, choice, { outDir, onProgress: (e) => events.push(e) });
  return { plan, result, events, outDir };
}

function expectBeatsBaseline(result: Awaited<ReturnType<typeof solve>>['result']) {
  expect(result.ok).toBe(true);
  expect(result.score).not.toBeNull();
  expect(result.baseline).not.toBeNull();
  const better = METRICS[result.metric].higherIsBetter
    ? result.score! > result.baseline!.score
    : result.score! < result.baseline!.score;
  expect(better, `${result.metric} ${result.score} vs baseline ${result.baseline?.score}`).toBe(true);
}

describe('solve with the offline engine and the real sandbox', () => {
  it(
    'regression (blueberry yield, mae) beats the mean and leaves every artifact',
    async () => {
      const { result, events, outDir } = await solve('blueberry_yield');
      expectBeatsBaseline(result);
      expect(result.higherIsBetter).toBe(false);
      expect(result.stages.map((s) => s.stage)).toEqual([
        'preprocessing',
        'architecture',
        'training',
        'submission',
      ]);
      expect(result.artifacts.code).toBe(join(outDir, 'code.py'));
      expect(await readFile(join(outDir, 'code.py'), 'utf8')).toBe(result.code);
      const notebook = JSON.parse(await readFile(join(outDir, 'notebook.ipynb'), 'utf8'));
      expect(notebook.nbformat).toBe(4);
      expect(
        notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').length,
      ).toBeGreaterThan(0);
      const png = await readFile(join(outDir, 'chart.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const submission = await readFile(join(outDir, 'submission.csv'), 'utf8');
      expect(submission.split('\n')[0]).toContain('bb_yield');
      expect(await readFile(join(outDir, 'run.log'), 'utf8')).toContain('holdout mae');
      const kinds = new Set(events.map((e) => e.type));
      expect([...kinds].sort()).toEqual(['attempt', 'plan-step', 'score', 'script', 'stage']);
      // The script's own fold lines arrive while it runs, each with the fold it reports.
      const folds = events.flatMap((e) => (e.type === 'script' && e.fold ? [`${e.fold.k}/${e.fold.n}`] : []));
      expect(folds).toEqual(expect.arrayContaining(['1/5', '5/5']));
      expect(events.filter((e) => e.type === 'stage' && e.status === 'finished')).toHaveLength(4);
    },
    SLOW,
  );

  it(
    'binary classification (titanic, accuracy) beats the majority class',
    async () => {
      const { result } = await solve('titanic');
      expectBeatsBaseline(result);
    },
    SLOW,
  );

  it(
    'multiclass classification (wine quality, accuracy) beats the majority class',
    async () => {
      const { result } = await solve('wine_quality', true);
      expectBeatsBaseline(result);
    },
    SLOW,
  );

  it(
    'text classification (sms spam, roc-auc) beats the class shares',
    async () => {
      const { result } = await solve('sms_spam', true);
      expectBeatsBaseline(result);
      expect(result.higherIsBetter).toBe(true);
    },
    SLOW,
  );

  it(
    "predicts the rows of the user's own unlabelled test file after scoring on the holdout",
    async () => {
      const titanic = task('titanic');
      const table = await readCsv(titanic.file, limits);
      const survived = table.columns.indexOf('Survived');
      const rows = table.rows.slice(0, 40).map((r) => r.filter((_, i) => i !== survived));
      const testFile = join(workRoot, 'titanic-test.csv');
      await writeFile(testFile, formatCsv({ columns: table.columns.filter((_, i) => i !== survived), rows }));
      const c = core(0);
      const input = suiteTaskInput(titanic);
      const prepared = await c.intake({ ...input, overrides: { ...input.overrides, testFile } });
      expect(prepared.task.testFile).toBe(testFile);
      const plan = await c.plan(prepared);
      // The linear option: the quickest of the three, and the test is about the extra run, not the model.
      const linear = plan.instructions.find((i) => i.recipe?.id === 'linear') ?? plan.instructions[0]!;
      const choice = String(linear.rank) as '1' | '2' | '3';
      const result = await c.run(plan, choice, { outDir: join(workRoot, 'titanic-user-test') });
      expect(result.ok).toBe(true);
      expect(result.score).not.toBeNull();
      const submission = (await readFile(result.artifacts.submission!, 'utf8')).trim().split('\n');
      expect(submission[0]).toBe('PassengerId,Survived');
      expect(submission).toHaveLength(41);
      const ids = new Set(submission.slice(1).map((line) => line.split(',')[0]));
      expect(ids).toEqual(new Set(rows.map((r) => r[0])));
    },
    SLOW,
  );
});
