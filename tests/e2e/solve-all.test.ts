// `linguacodus solve --choice all` end to end: the offline engine and the real sandbox on the suite's smallest task
// (wild blueberry yield, 777 rows, MAE): every option, the resolver's, vanilla, then the blend, and the leaderboard.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../bench/suite.ts';
import { runSolveCli, type SolveEnv } from '../../core/cli/solve-cli.ts';
import { runResultSchema } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';

// Five runs and a blend on a 2-core machine (no evidence runs: the plan's evidence is covered elsewhere).
const SLOW = 300_000;
let dir: string;
let blueberry: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-solve-all-'));
  blueberry = (await loadSuite()).tasks.find((t) => t.id === 'blueberry_yield')!.file;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
      evidenceTimeoutMs: 0,
    },
    workRoot: dir,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await runSolveCli(argv, env);
  return { code, stdout, stderr };
}

describe('solve --choice all with the offline engine and the real sandbox', () => {
  it(
    'runs every option and vanilla, blends them and prints the leaderboard best first, each score the harness’s',
    async () => {
      const out = join(dir, 'all');
      const { code, stdout, stderr } = await solve([
        '--data',
        blueberry,
        '--task',
        'Predict bb_yield from the pollination features. Metric: MAE',
        '--choice',
        'all',
        '--out',
        out,
        '--json',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      const board = report.leaderboard as {
        rank: number;
        n: number;
        run: string;
        kind: string;
        status: string;
        score: number | null;
        cv_score: number | null;
        attempts: number;
        best: boolean;
        dir: string;
      }[];
      expect(board).toHaveLength(6);
      expect(board.map((r) => r.n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(board.map((r) => r.run))).toEqual(
        new Set(['option 1', 'option 2', 'option 3', 'resolver', 'vanilla', 'blend of 5']),
      );
      expect(board.every((r) => r.status === 'passed' && r.score !== null && r.attempts >= 1)).toBe(true);
      // Best first for MAE (lower is better), only the first marked.
      const scores = board.map((r) => r.score!);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      expect(board.map((r) => r.best)).toEqual([true, false, false, false, false, false]);
      expect(board.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
      // Each row's score is the one its run folder's result.json holds (the harness's holdout score).
      for (const row of board) {
        const saved = runResultSchema.parse(JSON.parse(await readFile(join(row.dir, 'result.json'), 'utf8')));
        expect(saved.score, row.run).toBe(row.score);
        expect(saved.cvScore, row.run).toBe(row.cv_score);
      }
      const blend = board.find((r) => r.kind === 'blend')!;
      expect(blend.dir).toBe(join(out, 'blend'));
      // The blend, fitted on the runs' out-of-fold predictions, is at least as good as the worst of its members.
      expect(blend.score!).toBeLessThanOrEqual(
        Math.max(...board.filter((r) => r.kind !== 'blend').map((r) => r.score!)),
      );
      // `run` stays the single-run object: the best run's.
      expect(report.run.score).toBe(board[0]!.score);
      expect(report.plan.instructions).toHaveLength(3);
    },
    SLOW,
  );
});
