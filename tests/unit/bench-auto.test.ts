// The bench's Auto column (issue 23): the goal checks against the strong panel, the best option by holdout (the
// oracle) and vanilla, and the column in the markdown only when Auto ran.
import { describe, expect, it } from 'vitest';
import { type BenchRow, goalChecks, goalLines, renderBenchMarkdown } from '../../bench/suite-bench.ts';

const row = (
  id: string,
  scores: { options: number[]; vanilla: number; panel: number; auto?: number },
): BenchRow => ({
  id,
  dataType: 'tabular',
  targetType: 'regression',
  metric: 'rmse',
  higherIsBetter: false,
  trainRows: 100,
  heldOutRows: 25,
  baseline: null,
  linear: { score: null, seconds: 0, error: null },
  choices: scores.options.map((score, i) => ({
    choice: String(i + 1) as '1' | '2' | '3',
    title: `option ${i + 1}`,
    recipe: 'gbdt',
    score,
    attempts: 1,
    seconds: 1,
    error: null,
  })),
  resolverChose: 1,
  evidence: [],
  vanilla: { score: scores.vanilla, cvScore: null, attempts: 1, seconds: 1, change: null, error: null },
  panel: {
    score: scores.panel,
    picked: 'xgboost',
    oracle: 'xgboost',
    members: [],
    seconds: 1,
    error: null,
  } as unknown as BenchRow['panel'],
  ...(scores.auto === undefined
    ? {}
    : {
        auto: {
          score: scores.auto,
          cvScore: scores.auto,
          attempts: 1,
          seconds: 300,
          change: 'node 6 of 9 (improve): improve node 1: target: y is right-skewed',
          error: null,
          nodes: 9,
          budgetS: 300,
        },
      }),
  planSeconds: 0,
  seconds: 1,
  error: null,
});

describe('bench auto column', () => {
  it('counts Auto against the panel, the oracle option and vanilla', () => {
    const rows = [
      row('a', { options: [2, 3, 4], vanilla: 3, panel: 2.5, auto: 1.9 }),
      row('b', { options: [2, 3, 4], vanilla: 3, panel: 1.5, auto: 3.5 }),
    ];
    const checks = goalChecks(rows);
    expect(checks.auto).toEqual({ tasks: 2, vsPanel: 1, vsBest: 1, belowVanilla: 1 });
    expect(goalLines(checks).filter((l) => l.startsWith('- Auto'))).toEqual([
      '- Auto ≥ strong panel: 1/2 (goal 14 of 16 on the whole suite)',
      '- Auto ≥ best single option (oracle): 1/2 (goal 10 of 16 on the whole suite)',
      '- Auto below vanilla: 1/2 (goal 0)',
    ]);
    const md = renderBenchMarkdown(rows, { command: 'npm run bench -- --auto', wallSeconds: 1, date: 'd' });
    expect(md).toMatch(/\| auto +\| seconds \|/);
    expect(md).toContain('**1.9** (9)');
    expect(md).toContain('- a auto (300 s): node 6 of 9 (improve)');
  });

  it('leaves the column out when Auto did not run', () => {
    const rows = [row('a', { options: [2, 3, 4], vanilla: 3, panel: 2.5 })];
    expect(goalChecks(rows).auto).toBeUndefined();
    expect(renderBenchMarkdown(rows, { command: 'npm run bench', wallSeconds: 1, date: 'd' })).not.toMatch(
      /\| auto \|/,
    );
  });
});
