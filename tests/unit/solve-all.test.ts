// `solve --choice all` without a sandbox: a fake core's runs, the order they run in, the blend's members, the
// leaderboard rows (core's rankRuns) and their text table.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AllRun,
  leaderboardRows,
  leaderboardText,
  parseSolveArgs,
  runAll,
} from '../../core/cli/solve-cli.ts';
import type { Choice, Core, Plan, RunResult } from '../../core/index.ts';
import { LinguacodusError, runResultSchema } from '../../core/index.ts';

function result(
  dir: string,
  score: number | null,
  extra: Partial<RunResult> = {},
  predictions = true,
): RunResult {
  return runResultSchema.parse({
    planId: 'p',
    choice: null,
    ok: score !== null,
    metric: 'mae',
    higherIsBetter: false,
    score,
    cvScore: score === null ? null : score + 1,
    baseline: null,
    stages: [],
    code: '',
    attempts: [
      {
        n: 1,
        code: '',
        ok: score !== null,
        exitCode: 0,
        timedOut: false,
        oomKilled: false,
        stdoutTail: '',
        stderrTail: '',
        error: null,
        durationMs: 1,
      },
    ],
    error: score === null ? 'it failed' : null,
    artifacts: {
      code: join(dir, 'code.py'),
      ...(predictions && score !== null
        ? {
            oofPredictions: join(dir, 'oof_predictions.csv'),
            testPredictions: join(dir, 'test_predictions.csv'),
          }
        : {}),
    },
    usage: [
      {
        role: 'coder',
        purpose: 'stage',
        model: 'm',
        promptTokens: 10,
        completionTokens: 5,
        latencyMs: 1,
        attempts: 1,
      },
    ],
    durationMs: 1,
    ...extra,
  });
}

/** A core whose runs score as `scores` says (a thrown error for 'throw'), and whose blend records its members. */
function fakeCore(scores: Record<Choice, number | null | 'throw'>, blendScore = 1) {
  const calls: string[] = [];
  let members: { label: string; dir: string }[] = [];
  const core = {
    run: async (_plan: Plan, choice: Choice, options?: { outDir?: string }) => {
      calls.push(`run ${choice} ${options?.outDir}`);
      const score = scores[choice];
      if (score === 'throw') throw new LinguacodusError('internal', `${choice} broke`);
      return result(options!.outDir!, score, { choice });
    },
    blend: async (_plan: Plan, m: { label: string; dir: string }[], options?: { outDir?: string }) => {
      calls.push(`blend ${options?.outDir}`);
      members = m;
      return result(options!.outDir!, blendScore, {
        kind: 'blend',
        change: 'weights',
        blend: { members: m.map((x) => ({ label: x.label, weight: 0.5, score: null })) },
      });
    },
  } as unknown as Core;
  return { core, calls, members: () => members };
}

const plan = { task: { metric: 'mae' } } as unknown as Plan;

describe('solve --choice all', () => {
  it('parses all and vanilla, and still refuses other choices', () => {
    expect(parseSolveArgs(['--data', 'a.csv', '--choice', 'all']).choice).toBe('all');
    expect(parseSolveArgs(['--data', 'a.csv', '--choice', 'vanilla']).choice).toBe('vanilla');
    expect(parseSolveArgs(['--data', 'a.csv']).choice).toBe('resolver');
    expect(() => parseSolveArgs(['--data', 'a.csv', '--choice', 'every'])).toThrow(/or all, not "every"/);
  });

  it('runs options 1-3, the resolver and vanilla in order, then blends the finished ones', async () => {
    const fake = fakeCore({ '1': 3, '2': null, '3': 2, resolver: 'throw', vanilla: 4 }, 1.5);
    const runs = await runAll(fake.core, plan, '/out');
    expect(fake.calls).toEqual([
      'run 1 /out/1',
      'run 2 /out/2',
      'run 3 /out/3',
      'run resolver /out/resolver',
      'run vanilla /out/vanilla',
      'blend /out/blend',
    ]);
    expect(fake.members()).toEqual([
      { label: 'option 1', dir: '/out/1' },
      { label: 'option 3', dir: '/out/3' },
      { label: 'vanilla', dir: '/out/vanilla' },
    ]);
    expect(runs.map((r) => [r.n, r.label, r.kind])).toEqual([
      [1, 'option 1', 'option'],
      [2, 'option 2', 'option'],
      [3, 'option 3', 'option'],
      [4, 'resolver', 'option'],
      [5, 'vanilla', 'vanilla'],
      [6, 'blend of 3', 'blend'],
    ]);
    expect(runs[3]!.error).toBe('resolver broke');

    const board = leaderboardRows(runs, false);
    expect(board.map((r) => [r.rank, r.n, r.status, r.score, r.best])).toEqual([
      [1, 6, 'passed', 1.5, true],
      [2, 3, 'passed', 2, false],
      [3, 1, 'passed', 3, false],
      [4, 5, 'passed', 4, false],
      [5, 2, 'failed', null, false],
      [6, 4, 'error', null, false],
    ]);
    expect(board[1]).toMatchObject({ cv_score: 3, attempts: 1, tokens: 15, dir: '/out/3', error: null });
    expect(board[5]).toMatchObject({ attempts: 0, tokens: 0, error: 'resolver broke' });

    const text = leaderboardText(board, 'mae', false);
    expect(text[0]).toMatch(/^#\s+run\s+status\s+holdout mae ↓\s+own CV\s+attempts\s+seconds\s+tokens$/);
    expect(text[1]).toMatch(/^\*6\s+blend of 3\s+passed\s+1\.5\s+2\.5\s+1\s+\S+\s+15$/);
    expect(text[6]).toMatch(/^ 4\s+resolver\s+error\s+—\s+—\s+0/);
    // Columns line up: every row's status starts where the header's does.
    const at = text[0]!.indexOf('status');
    expect(text.slice(1).every((l) => /\S/.test(l[at]!) && l[at - 1] === ' ')).toBe(true);
  });

  it('skips the blend when fewer than two runs finished with predictions, and ranks higher-is-better metrics', async () => {
    const fake = fakeCore({ '1': 0.8, '2': null, '3': null, resolver: null, vanilla: null });
    const runs: AllRun[] = await runAll(fake.core, plan, '/o');
    expect(fake.calls.some((c) => c.startsWith('blend'))).toBe(false);
    const board = leaderboardRows(runs, true);
    expect(board.at(-1)).toMatchObject({ run: 'blend of 1', status: 'skipped', score: null });
    expect(board.at(-1)!.error).toMatch(/^not run: a blend needs two finished runs/);
    const two = await runAll(
      fakeCore({ '1': 0.8, '2': 0.9, '3': null, resolver: null, vanilla: null }, 0.85).core,
      plan,
      '/p',
    );
    expect(leaderboardRows(two, true).map((r) => r.n)).toEqual([2, 6, 1, 3, 4, 5]);
  });
});
