import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../bench/suite.ts';
import { runSolveCli, type SolveEnv } from '../../core/cli/solve-cli.ts';
import { formatCsv } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, readCsv } from '../../core/intake/index.ts';
import { createSandbox } from '../../sandbox/index.ts';

// A whole plan and run on a 2-core machine takes tens of seconds.
const SLOW = 180_000;
let dir: string;
let blueberry: string;
let titanic: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-solve-cli-'));
  const suite = await loadSuite();
  blueberry = suite.tasks.find((t) => t.id === 'blueberry_yield')!.file;
  titanic = suite.tasks.find((t) => t.id === 'titanic')!.file;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the solve command in process, capturing what it prints. */
async function solve(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const env: SolveEnv = {
    sandbox: createSandbox({ driver: 'bwrap' }),
    roles: {},
    limits: {
      maxBytes: 50 * 1024 * 1024,
      maxRows: 2_000_000,
      maxColumns: 2_000,
      maxRepairs: 3,
      sandbox: { timeoutMs: 300_000 },
      evidenceTimeoutMs: 60_000,
    },
    workRoot: dir,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await runSolveCli(argv, env);
  return { code, stdout, stderr };
}

/** Runs the installed command (bin/linguacodus.js) as a user would, with no model endpoints configured. */
async function spawnCli(argv: string[]) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(INSTRUCTOR|CRITIC|CODER)_/.test(k) && k !== 'LOG_LEVEL'),
  );
  const child = spawn(process.execPath, ['bin/linguacodus.js', ...argv], { cwd: resolve('.'), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}

describe('linguacodus solve', () => {
  it(
    '`linguacodus solve --json` prints exactly the documented object and writes the artifacts into --out',
    async () => {
      const out = join(dir, 'blueberry');
      const { code, stdout, stderr } = await spawnCli([
        'solve',
        '--data',
        blueberry,
        '--task',
        'Predict the wild blueberry yield from the field conditions.',
        '--target',
        'bb_yield',
        '--metric',
        'mean absolute error',
        '--choice',
        '2',
        '--out',
        out,
        '--json',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const result = JSON.parse(lines[0]!);
      expect(Object.keys(result).sort()).toEqual(['plan', 'run', 'task', 'usage']);
      expect(Object.keys(result.plan).sort()).toEqual(['engine', 'instructions', 'notes', 'resolver']);
      expect(result.plan.notes).toEqual([]);
      expect(result.plan.engine).toBe('offline');
      expect(result.plan.instructions).toHaveLength(3);
      for (const [i, instruction] of result.plan.instructions.entries()) {
        expect(Object.keys(instruction).sort()).toEqual(['rank', 'text', 'title']);
        expect(instruction.rank).toBe(i + 1);
        expect(instruction.text).toContain('Data Preprocessing');
      }
      expect(Object.keys(result.plan.resolver).sort()).toEqual([
        'choice',
        'critique',
        'evidence',
        'text',
        'verdict',
      ]);
      expect([1, 2, 3]).toContain(result.plan.resolver.choice);
      // The quick cross-validation ran after the first plan; its verdict says whether it agrees with the resolver.
      expect(result.plan.resolver.evidence.map((e: { rank: number }) => e.rank)).toEqual([1, 2, 3]);
      expect(Object.keys(result.plan.resolver.verdict).sort()).toEqual([
        'agrees',
        'evidence_best',
        'first_choice',
        'summary',
      ]);
      expect(result.plan.resolver.verdict.summary).toMatch(/^Quick cross-validation /);
      // The offline engine makes no model calls: usage is all zeros, per role and in total.
      expect(Object.keys(result.usage)).toEqual(['plan', 'run']);
      expect(Object.keys(result.usage.plan)).toEqual(['instructor', 'critic', 'coder', 'total']);
      expect(result.usage.run.total).toEqual({
        calls: 0,
        attempts: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        latency_ms: 0,
        tokens: 0,
        sequential_calls: 0,
      });
      expect(Object.keys(result.run).sort()).toEqual(
        [
          'attempts',
          'choice',
          'code_path',
          'duration_ms',
          'higher_is_better',
          'metric',
          'notes',
          'ok',
          'score',
          'submission_path',
        ].sort(),
      );
      expect(result.run).toMatchObject({ choice: '2', ok: true, metric: 'mae', higher_is_better: false });
      expect(typeof result.run.score).toBe('number');
      expect(result.run.attempts).toBeGreaterThanOrEqual(1);
      expect(result.run.code_path).toBe(resolve(out, 'code.py'));
      expect(result.run.submission_path).toBe(resolve(out, 'submission.csv'));
      expect(existsSync(join(out, 'notebook.ipynb'))).toBe(true);
      expect(result.task.targets).toEqual(['bb_yield']);
    },
    SLOW,
  );

  it(
    'prints the plan and the score as text, and predicts the rows of --test',
    async () => {
      const table = await readCsv(titanic, DEFAULT_INTAKE_LIMITS);
      const keep = table.columns.map((c, i) => (c === 'Survived' ? -1 : i)).filter((i) => i >= 0);
      const testFile = join(dir, 'titanic-test.csv');
      await writeFile(
        testFile,
        formatCsv({
          columns: keep.map((i) => table.columns[i]!),
          rows: table.rows.slice(0, 30).map((r) => keep.map((i) => r[i] ?? null)),
        }),
      );
      const { code, stdout, stderr } = await solve([
        '--data',
        titanic,
        '--test',
        testFile,
        '--task',
        'Predict who survived the Titanic. Accuracy.',
        '--choice',
        '3',
        '--out',
        join(dir, 'titanic'),
      ]);
      expect(code).toBe(0);
      expect(stdout).toContain('=== Option 1:');
      expect(stdout).toContain('=== Option 3:');
      expect(stdout).toContain("=== Resolver's choice: option");
      expect(stdout).toMatch(/Holdout accuracy: 0\.\d+/);
      expect(stderr).toContain('run: attempt 1/4');
      expect(await readFile(join(dir, 'titanic', 'code.py'), 'utf8')).toContain('submission.csv');
      const submission = (await readFile(join(dir, 'titanic', 'submission.csv'), 'utf8')).trim().split('\n');
      expect(submission[0]).toBe('PassengerId,Survived');
      expect(submission.slice(1).map((l) => l.split(',')[0])).toEqual(
        table.rows.slice(0, 30).map((r) => r[0]),
      );
    },
    SLOW,
  );

  it('exits non-zero with one readable line on bad input', async () => {
    const missing = await solve(['--data', join(dir, 'nope.csv'), '--target', 'y']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.csv');

    const metric = await solve(['--data', blueberry, '--target', 'bb_yield', '--metric', 'banana']);
    expect(metric.code).not.toBe(0);
    expect(metric.stderr.trim().split('\n')).toHaveLength(1);
    expect(metric.stderr).toContain('banana');

    const target = await solve(['--data', blueberry, '--target', 'no_such_column']);
    expect(target.code).not.toBe(0);
    expect(target.stderr).toContain('no_such_column');

    const usage = await solve(['--choice', '4']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain('--data');
  });
});
