// `solve --auto` and the pick of `solve --choice all` without a sandbox: the arguments, the honest pick (by
// cross-validation; a blend only when it beats its best member) and the tree as text.
import { describe, expect, it } from 'vitest';
import { type AllRun, allPick, parseSolveArgs, treeText } from '../../core/cli/solve-cli.ts';
import type { AutoTree, RunResult } from '../../core/index.ts';

const run = (
  n: number,
  label: string,
  cv: number | null,
  holdout: number,
  extra: Partial<RunResult> = {},
): AllRun => ({
  n,
  label,
  kind: label.startsWith('blend') ? 'blend' : label === 'vanilla' ? 'vanilla' : 'option',
  choice: null,
  dir: `/out/${n}`,
  result: { ok: true, cvScore: cv, score: holdout, blend: null, ...extra } as RunResult,
  error: null,
  seconds: 1,
});

describe('solve --auto', () => {
  it('parses --auto and --budget-s (default 600 s) and refuses a budget without --auto or a choice with it', () => {
    const args = parseSolveArgs(['--data', 'a.csv', '--auto', '--budget-s', '90']);
    expect([args.auto, args.budgetS]).toEqual([true, 90]);
    expect(parseSolveArgs(['--data', 'a.csv', '--auto']).budgetS).toBe(600);
    expect(parseSolveArgs(['--data', 'a.csv']).auto).toBe(false);
    expect(() => parseSolveArgs(['--data', 'a.csv', '--budget-s', '90'])).toThrow(/goes with --auto/);
    expect(() => parseSolveArgs(['--data', 'a.csv', '--auto', '--choice', '1'])).toThrow(
      /leave out --choice/,
    );
    expect(() => parseSolveArgs(['--data', 'a.csv', '--auto', '--budget-s', 'soon'])).toThrow(
      /number of seconds/,
    );
  });

  it('picks --choice all by cross-validation, never by holdout; a tied blend is passed over', () => {
    // AUC: option 1 is best by CV, vanilla by holdout; the blend ties option 1 on CV.
    const members = (labels: string[]) => ({
      members: labels.map((label) => ({ label, weight: 0.5, score: 0 })),
    });
    const runs = [
      run(1, 'option 1', 0.99, 0.8),
      run(2, 'vanilla', 0.95, 0.9),
      run(3, 'blend of 2', 0.99, 0.95, { blend: members(['option 1', 'vanilla']) }),
    ];
    const pick = allPick(runs, true)!;
    expect(pick.run.n).toBe(1);
    expect(pick.reason).toMatch(/^picked #1 option 1 on its cross-validation score/);
    runs[2]!.result!.cvScore = 0.995;
    expect(allPick(runs, true)!.run.n).toBe(3);
  });

  it('prints the tree with each node under its parent and the pick starred', () => {
    const node = (
      id: number,
      parent: number | null,
      move: AutoTree['nodes'][0]['move'],
      members: number[] = [],
    ) => ({
      id,
      parent,
      move,
      choice: null,
      what: `${move} ${id}`,
      members,
      sameAs: null,
      dir: `/t/${id}`,
      ok: true,
      cvScore: id,
      cvProper: null,
      holdout: id * 2,
      error: null,
      durationMs: 1,
    });
    const tree: AutoTree = {
      metric: 'mae',
      higherIsBetter: false,
      budgetS: 60,
      usedS: 50,
      stopped: 'budget',
      nodes: [
        node(1, null, 'draft'),
        node(2, null, 'draft'),
        node(3, 1, 'improve'),
        node(4, null, 'blend', [3, 2]),
      ],
      pick: 3,
      pickReason: 'x',
    };
    expect(treeText(tree)).toEqual([
      '- 1 draft: draft 1 (cv 1, holdout 2)',
      '  * 3 improve: improve 3 (cv 3, holdout 6)',
      '    - 4 blend: blend 4 (cv 4, holdout 8)',
      '- 2 draft: draft 2 (cv 2, holdout 4)',
    ]);
  });
});
