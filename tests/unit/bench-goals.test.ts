import { describe, expect, it } from 'vitest';
import { bestMember, type PanelMember, type PanelScore } from '../../bench/strong-panel.ts';
import {
  atLeast,
  type BenchRow,
  bestSingleOption,
  type ChoiceScore,
  goalChecks,
  goalLines,
  type RunScore,
  relativeGain,
  renderBenchMarkdown,
} from '../../bench/suite-bench.ts';

const choice = (c: ChoiceScore['choice'], score: number | null, recipe = 'gbdt'): ChoiceScore => ({
  choice: c,
  title: `option ${c}`,
  recipe,
  score,
  attempts: 1,
  seconds: 10,
  error: score === null ? 'it failed' : null,
});
const run = (score: number | null, change: string | null = null): RunScore => ({
  score,
  cvScore: null,
  attempts: 1,
  seconds: 5,
  change,
  error: score === null ? 'run failed' : null,
});
const member = (name: string, cv: number | null, holdout: number | null): PanelMember => ({
  name,
  cv,
  holdout,
  params: {},
  tried: 3,
  seconds: 20,
  error: null,
});
const panel = (members: PanelMember[], higherIsBetter: boolean): PanelScore => {
  const picked = bestMember(
    members.filter((m) => m.holdout !== null),
    'cv',
    higherIsBetter,
  );
  return {
    score: picked?.holdout ?? null,
    picked: picked?.name ?? null,
    oracle: bestMember(members, 'holdout', higherIsBetter)?.name ?? null,
    members,
    xgboost: true,
    seconds: 80,
    error: null,
  };
};

/** A row with options 1-3 and the resolver, vanilla, improve, blend and panel. */
function row(
  id: string,
  higherIsBetter: boolean,
  scores: {
    options: (number | null)[];
    vanilla: number | null;
    improve?: number | null;
    blend?: number | null;
  },
  panelMembers: PanelMember[] = [],
): BenchRow {
  const choices = (['1', '2', '3', 'resolver'] as const).map((c, i) => choice(c, scores.options[i] ?? null));
  const r: BenchRow = {
    id,
    dataType: 'tabular',
    targetType: higherIsBetter ? 'binary' : 'regression',
    metric: higherIsBetter ? 'roc-auc' : 'rmse',
    higherIsBetter,
    trainRows: 100,
    heldOutRows: 25,
    baseline: { name: 'mean', score: higherIsBetter ? 0.5 : 10 },
    linear: { score: higherIsBetter ? 0.7 : 5, seconds: 2, error: null },
    choices,
    resolverChose: 1,
    evidence: [],
    vanilla: run(scores.vanilla),
    improve: scores.improve === undefined ? null : { ...run(scores.improve, 'tuned'), from: '1' },
    blend:
      scores.blend === undefined
        ? null
        : {
            ...run(scores.blend),
            members: [{ label: 'option 1', weight: 1, score: scores.options[0] ?? null }],
          },
    panel: panelMembers.length > 0 ? panel(panelMembers, higherIsBetter) : null,
    planSeconds: 1,
    seconds: 60,
    error: null,
  };
  r.best = bestSingleOption(r);
  return r;
}

describe('bench goal arithmetic', () => {
  it('compares in the metric direction, ties counting as at least', () => {
    expect(atLeast(0.9, 0.8, true)).toBe(true);
    expect(atLeast(0.8, 0.9, true)).toBe(false);
    expect(atLeast(2, 3, false)).toBe(true);
    expect(atLeast(3, 2, false)).toBe(false);
    expect(atLeast(3, 3, false)).toBe(true);
  });

  it('relative gain is positive when better, in either direction, and null without a reference', () => {
    expect(relativeGain(0.9, 0.8, true)).toBeCloseTo(0.125);
    expect(relativeGain(4, 5, false)).toBeCloseTo(0.2);
    expect(relativeGain(6, 5, false)).toBeCloseTo(-0.2);
    expect(relativeGain(null, 5, false)).toBeNull();
    expect(relativeGain(1, 0, false)).toBeNull();
  });

  it('the best single option is the best holdout among ranks 1-3 and the resolver, the earlier on ties', () => {
    expect(bestSingleOption(row('a', false, { options: [3, 2, 4, 2.5], vanilla: 5 }))).toEqual({
      choice: '2',
      score: 2,
    });
    expect(bestSingleOption(row('b', true, { options: [0.8, null, 0.7, 0.9], vanilla: 0.6 }))).toEqual({
      choice: 'resolver',
      score: 0.9,
    });
    expect(bestSingleOption(row('c', true, { options: [0.8, 0.8, 0.7, 0.8], vanilla: 0.6 }))?.choice).toBe(
      '1',
    );
    expect(bestSingleOption(row('d', true, { options: [null, null, null, null], vanilla: 0.6 }))).toBeNull();
  });

  it('counts the goals from the rows', () => {
    const rows = [
      // blend beats the best (2) and the panel (2.2); improve ties the best
      row('a', false, { options: [3, 2, 4, 2.5], vanilla: 5, improve: 2, blend: 1.9 }, [
        member('hgb', 2.1, 2.2),
        member('linear', 2.5, 2.1),
      ]),
      // blend ties the best option; loses to the panel (0.95); the panel's CV picks its holdout best
      row('b', true, { options: [0.8, 0.9, 0.7, 0.85], vanilla: 0.75, improve: 0.88, blend: 0.9 }, [
        member('xgboost', 0.93, 0.95),
        member('linear', 0.9, 0.91),
      ]),
      // blend failed: counts as not met; option 3 is worse than vanilla
      row('c', false, { options: [8, 9, 12, 8], vanilla: 10, blend: null }),
    ];
    const checks = goalChecks(rows);
    expect(checks.total).toBe(3);
    expect(checks.blendVsBest).toBe(2);
    expect(checks.blendVsPanel).toBe(1);
    expect(checks.improveVsBest).toBe(1);
    expect(checks.panelTasks).toBe(2);
    expect(checks.panelOracleDiffers).toBe(1);
    const rank3 = checks.vsVanilla.find((v) => v.choice === '3')!;
    // (5-4)/5 = 0.2, (0.7-0.75)/0.75 = -0.0667, (10-12)/10 = -0.2
    expect(rank3.tasks).toBe(3);
    expect(rank3.wins).toBe(1);
    expect(rank3.meanGain).toBeCloseTo((0.2 - 0.05 / 0.75 - 0.2) / 3);
    expect(checks.everyOptionAboveVanilla).toBe(false);
    const rank1 = checks.vsVanilla.find((v) => v.choice === '1')!;
    expect(rank1.wins).toBe(3);
    expect(rank1.meanGain).toBeCloseTo((0.4 + 0.05 / 0.75 + 0.2) / 3);
  });

  it('says met or not met on the whole suite, and the goal of 16 on a subset', () => {
    const many = Array.from({ length: 16 }, (_, i) =>
      row(`t${i}`, false, { options: [3, 2, 4, 2.5], vanilla: 5, blend: i < 14 ? 1.9 : 2.1 }, [
        member('hgb', 2.1, i < 12 ? 2.2 : 1.5),
      ]),
    );
    const lines = goalLines(goalChecks(many));
    expect(lines[0]).toBe('- Blend ≥ best single option: 14/16 (goal 14) — met');
    expect(lines[1]).toBe('- Blend ≥ strong panel: 12/16 (goal 12) — met');
    expect(lines[2]).toMatch(
      /^- Every option above vanilla on average: yes: rank 1 \+40\.0 % \(beats vanilla on 16\/16\)/,
    );
    const subset = goalLines(goalChecks(many.slice(0, 2)));
    expect(subset[0]).toBe('- Blend ≥ best single option: 2/2 (goal 14 of 16 on the whole suite)');
  });
});

describe('bench markdown', () => {
  it('has the new columns, the goal checks and the panel members', () => {
    const rows = [
      row(
        'heat_flux',
        false,
        { options: [0.0434, 0.0508, 0.077, 0.0429], vanilla: 0.06, improve: 0.041, blend: 0.04 },
        [
          member('hgb', 0.05, 0.045),
          member('random-forest', 0.055, 0.05),
          member('xgboost', 0.048, 0.046),
          member('linear', 0.08, 0.079),
        ],
      ),
    ];
    const md = renderBenchMarkdown(rows, {
      command: 'npm run bench -- --tasks heat_flux',
      wallSeconds: 300,
      date: 'now',
    });
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| task'))!;
    expect(
      header
        .split('|')
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual([
      'task',
      'type',
      'metric',
      'baseline',
      'linear',
      'vanilla',
      'rank 1',
      'rank 2',
      'rank 3',
      'resolver',
      'lines',
      'executed %',
      'best option',
      'improve',
      'blend',
      'panel',
      'seconds',
    ]);
    const cells = lines
      .find((l) => l.startsWith('| heat_flux'))!
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(cells).toEqual([
      'heat_flux',
      'regression',
      'rmse ↓',
      '10',
      '5',
      '0.06',
      '0.0434 gbdt',
      '0.0508 gbdt',
      '0.077 gbdt',
      '**0.0429** (chose 1)',
      '—',
      '—',
      '0.0429 (resolver)',
      '0.041',
      '**0.04** (1)',
      '0.046 xgboost',
      '60',
    ]);
    expect(md).toContain('- Blend ≥ best single option: 1/1 (goal 14 of 16 on the whole suite)');
    expect(md).toContain('- Blend ≥ strong panel: 1/1');
    expect(md).toContain('## Strong panel members');
    expect(md).toContain('| heat_flux | 0.05 / 0.045 (3)');
    expect(md).toContain('differs from the member with the best holdout score on 1/1 tasks');
    expect(md).toContain('## Improve steps and blend weights\n\n- heat_flux improve, from rank 1: tuned');
    // Every table line of one table has the same width (the formatter's padding).
    const table = lines.filter(
      (l) => l.startsWith('| ') && lines.indexOf(l) < lines.indexOf('## Strong panel members'),
    );
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it('renders rows saved before the new columns existed', () => {
    const old = row('titanic', true, { options: [0.82, 0.82, 0.81, 0.83], vanilla: null });
    const { vanilla, improve, blend, panel, best, ...saved } = old;
    const md = renderBenchMarkdown([saved as BenchRow], {
      command: 'npm run bench',
      wallSeconds: 30,
      date: 'then',
    });
    const cells = md
      .split('\n')
      .find((l) => l.startsWith('| titanic'))!
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(cells[5]).toBe('—');
    // Nor the resolver script's lines and executed share.
    expect(cells.slice(10, 12)).toEqual(['—', '—']);
    expect(cells[12]).toBe('0.83 (resolver)');
    expect(cells.slice(13, 16)).toEqual(['—', '—', '—']);
    expect(md).not.toContain('## Strong panel members');
  });

  it('shows a blend that could not run as "not run" and lists why under Problems', () => {
    const r = row('crab_age', false, { options: [1.45, 1.46, 1.54, 1.45], vanilla: 1.5 });
    r.blend = {
      ...run(null),
      error: 'not run: a blend needs two finished runs with predictions; 1 finished',
      members: [],
    };
    const md = renderBenchMarkdown([r], { command: 'npm run bench', wallSeconds: 30, date: 'then' });
    const cells = md
      .split('\n')
      .find((l) => l.startsWith('| crab_age'))!
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(cells[14]).toBe('not run');
    expect(md).toContain(
      '- crab_age blend: not run: a blend needs two finished runs with predictions; 1 finished',
    );
  });
});
