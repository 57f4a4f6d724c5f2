import { describe, expect, it } from 'vitest';
import type { CoderEngine, RepairTurn, StageContext } from '../../core/engine.ts';
import { collected } from '../../core/harness/index.ts';
import { describeFailure, failingLine } from '../../core/pipeline/failure-report.ts';
import { runWithRepairs } from '../../core/pipeline/repair-loop.ts';
import type { ProgressEvent } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const sandbox = createSandbox({ driver: 'bwrap' });

const task = taskFixture({
  description: 'Predict y.',
  metric: 'rmse',
  targets: ['y'],
  trainFile: '/nowhere/train.csv',
  split: { kind: 'random', testFraction: 0.25, seed: 42 },
});
const context: StageContext = {
  task,
  profile: { rows: 4, columns: [], target: { names: ['y'], type: 'regression' } },
  instruction: {
    rank: 1,
    title: 'Mean',
    dataPreprocessing: [],
    modelArchitecture: [],
    modelTraining: [],
    submission: [],
    recipe: null,
  },
  previous: [],
};
const files = [
  { path: 'train.csv', content: 'id,x,y\n1,1,2\n2,2,4\n3,3,6\n' },
  { path: 'test.csv', content: 'id,x\n4,4\n5,5\n' },
];

const BROKEN = [
  'import pandas as pd',
  'train = pd.read_csv("train.csv")',
  'test = pd.read_csv("test.csv")',
  'mean = train["target"].mean()',
  'pd.DataFrame({"id": test["id"], "y": mean}).to_csv("submission.csv", index=False)',
].join('\n');
const FIXED = BROKEN.replace('train["target"]', 'train["y"]');
const TOO_SHORT = FIXED.replace('test["id"]', 'test["id"].head(1)');

/** A coder that answers each repair from a script, recording what it was told and the attempts it was shown. */
function scriptedCoder(repairs: string[]): CoderEngine & { errors: string[]; histories: RepairTurn[][] } {
  const errors: string[] = [];
  const histories: RepairTurn[][] = [];
  return {
    kind: 'offline',
    errors,
    histories,
    writeStage: async () => '',
    integrate: async () => '',
    repair: async (_code, error, context) => {
      errors.push(error);
      histories.push(context.repairs ?? []);
      const next = repairs.shift();
      if (next === undefined) throw new Error('no more repairs scripted');
      return next;
    },
  };
}

/** The harness side of the check: one prediction per test row. */
const rowCheck = (execution: Parameters<Parameters<typeof runWithRepairs>[0]['check']>[0]) => {
  const bytes = collected(execution, 'submission.csv');
  if (!bytes) return 'submission.csv was not written';
  const rows = bytes.toString('utf8').trim().split('\n').length - 1;
  return rows === 2 ? null : `submission.csv has ${rows} rows, test.csv has 2`;
};

describe('repair loop with a real sandbox', () => {
  it('feeds the traceback back to the coder and keeps both attempts when the fix works', async () => {
    const coder = scriptedCoder([FIXED]);
    const events: ProgressEvent[] = [];
    const result = await runWithRepairs({
      sandbox,
      coder,
      context,
      code: BROKEN,
      files,
      check: rowCheck,
      maxRepairs: 3,
      onProgress: (e) => events.push(e),
    });
    expect(result.ok).toBe(true);
    expect(result.code).toBe(FIXED);
    expect(result.attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(result.attempts[0]?.code).toBe(BROKEN);
    expect(result.attempts[0]?.exitCode).not.toBe(0);
    const told = coder.errors[0] ?? '';
    expect(told).toContain("KeyError: 'target'");
    expect(told).toContain('Failing line 4: mean = train["target"].mean()');
    expect(told).toContain('Traceback');
    expect(collected(result.execution, 'submission.csv')?.toString()).toContain('id,y');
    expect(events.filter((e) => e.type !== 'script')).toEqual([
      { type: 'attempt', n: 1, max: 4, status: 'running' },
      expect.objectContaining({ type: 'attempt', n: 1, max: 4, status: 'failed' }),
      { type: 'attempt', n: 2, max: 4, status: 'running' },
      { type: 'attempt', n: 2, max: 4, status: 'passed' },
    ]);
    // The first attempt's traceback was streamed line by line while it ran, before its 'failed' event.
    const failedAt = events.findIndex((e) => e.type === 'attempt' && e.status === 'failed');
    expect(events.slice(0, failedAt)).toContainEqual({
      type: 'script',
      line: "KeyError: 'target'",
      fold: null,
    });
  });

  it('streams what the script prints while it runs as script events, with the fold each line reports', async () => {
    const events: { event: ProgressEvent; at: number }[] = [];
    const code = [
      'import time',
      'print("loading train.csv")',
      'for k in range(1, 4):',
      '    print(f"fold {k} of 3: rmse 0.{k}")',
      '    time.sleep(0.4)',
      '',
      FIXED,
    ].join('\n');
    const result = await runWithRepairs({
      sandbox,
      coder: scriptedCoder([]),
      context,
      code,
      files,
      check: rowCheck,
      maxRepairs: 0,
      onProgress: (event) => events.push({ event, at: performance.now() }),
    });
    expect(result.ok).toBe(true);
    expect(events.map(({ event }) => event)).toEqual([
      { type: 'attempt', n: 1, max: 1, status: 'running' },
      { type: 'script', line: 'loading train.csv', fold: null },
      { type: 'script', line: 'fold 1 of 3: rmse 0.1', fold: { k: 1, n: 3 } },
      { type: 'script', line: 'fold 2 of 3: rmse 0.2', fold: { k: 2, n: 3 } },
      { type: 'script', line: 'fold 3 of 3: rmse 0.3', fold: { k: 3, n: 3 } },
      { type: 'attempt', n: 1, max: 1, status: 'passed' },
    ]);
    // Live, not replayed at the end: the folds arrived as the script reached them.
    const first = events[2]!.at;
    const last = events[4]!.at;
    expect(last - first).toBeGreaterThan(600);
  });

  it('treats an invalid submission as a failure the coder sees', async () => {
    const coder = scriptedCoder([FIXED]);
    const result = await runWithRepairs({
      sandbox,
      coder,
      context,
      code: TOO_SHORT,
      files,
      check: rowCheck,
      maxRepairs: 1,
    });
    expect(result.ok).toBe(true);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]?.exitCode).toBe(0);
    expect(coder.errors[0]).toContain('submission is not valid: submission.csv has 1 rows, test.csv has 2');
  });

  it('stops after the last repair and reports every failed attempt', async () => {
    const coder = scriptedCoder([BROKEN, BROKEN]);
    const result = await runWithRepairs({
      sandbox,
      coder,
      context,
      code: BROKEN,
      files,
      check: rowCheck,
      maxRepairs: 2,
    });
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(3);
    expect(result.attempts.every((a) => a.error?.includes('KeyError'))).toBe(true);
    expect(coder.errors).toHaveLength(2);
    // Each repair sees the attempts before the failing one, with their errors: a conversation, not a fresh start.
    expect(coder.histories.map((h) => h.length)).toEqual([0, 1]);
    expect(coder.histories[1]?.[0]).toEqual({ code: BROKEN, error: result.attempts[0]?.error });
  });

  it('keeps the attempts and says why when the coder itself fails to answer', async () => {
    const coder = scriptedCoder([]);
    const result = await runWithRepairs({
      sandbox,
      coder,
      context,
      code: BROKEN,
      files,
      check: rowCheck,
      maxRepairs: 3,
    });
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.coderError).toContain('The coder could not repair the script: no more repairs scripted');
  });

  it('kills the sandbox run and reports a cancellation when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runWithRepairs({
      sandbox,
      coder: scriptedCoder([]),
      context,
      code: 'import time\nprint("started", flush=True)\ntime.sleep(60)',
      files,
      check: rowCheck,
      maxRepairs: 3,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'attempt' && e.status === 'running') setTimeout(() => controller.abort(), 300);
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'LinguacodusError', code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('finds the deepest frame of the script, not of a library', () => {
    const stderr = [
      'Traceback (most recent call last):',
      '  File "/work/main.py", line 2, in <module>',
      '    run()',
      '  File "/work/main.py", line 1, in run',
      '    def run(): return 1 / 0',
      '  File "/usr/lib/python3/dist-packages/pandas/core/frame.py", line 99, in f',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(failingLine(stderr, 'def run(): return 1 / 0\nrun()')).toEqual({
      line: 1,
      text: 'def run(): return 1 / 0',
    });
  });

  it('tells the coder about a time limit, a memory kill and a clean run', () => {
    const base = {
      exitCode: null,
      signal: 'SIGKILL',
      timedOut: false,
      oomKilled: false,
      cancelled: false,
      stdout: '',
      stderr: '',
      stdoutDroppedBytes: 0,
      stderrDroppedBytes: 0,
      durationMs: 1,
      files: [],
    };
    expect(describeFailure({ ...base, timedOut: true }, '', null, 90_000)).toMatch(
      /^The script was stopped after running past the time limit of 90 s\. Make it faster/,
    );
    expect(describeFailure({ ...base, oomKilled: true }, '', null)).toMatch(/^The script ran out of memory/);
    expect(describeFailure({ ...base, exitCode: 0, signal: null }, '', null)).toBeNull();
  });
});
