// The thread as a workspace, rendered: leaderboard rows best first with the best marked, run titles and result
// headings, the status reply during a run, Improve/Blend ids and commands, and each final look of a run's progress.
import { describe, expect, it } from 'vitest';
import { improveTarget, parseCommand } from '../../bot/conversation/commands.ts';
import { planRun } from '../../bot/conversation/start-run.ts';
import { decodeAction, encodeAction } from '../../bot/render/action-ids.ts';
import { messageLink } from '../../bot/render/message-links.ts';
import { blendCandidates, boardLines, renderBoard } from '../../bot/render/render-board.ts';
import { statusReply } from '../../bot/render/render-replies.ts';
import { renderRunProgress, renderRunResult, runAtStart } from '../../bot/render/render-result.ts';
import { runTitle, runWhat } from '../../bot/render/run-labels.ts';
import type { Session, StoredRun } from '../../bot/state/session-store.ts';
import type { RunResult } from '../../core/types.ts';

const SID = '0123456789abcdef';

function run(n: number, over: Partial<StoredRun> = {}): StoredRun {
  return {
    key: over.key ?? String(n),
    n,
    kind: 'option',
    choice: '1',
    parent: null,
    members: [],
    seq: 1,
    planSeq: 1,
    jobId: `run-${SID}-1-${n}-1`,
    status: 'done',
    startedBy: { id: 'ann', name: 'Ann' },
    startedAt: new Date(0).toISOString(),
    stage: 'submission',
    attempt: 1,
    score: null,
    metric: 'mae',
    cvScore: null,
    attempts: 1,
    durationMs: 65_000,
    tokens: 0,
    engine: 'offline',
    change: null,
    resultKey: `run-${n}-result`,
    dir: `/data/runs/${n}`,
    predictions: true,
    ...over,
  };
}

const RUNS: StoredRun[] = [
  run(1, { choice: '1', score: 90.5, cvScore: 92.1 }),
  run(2, { choice: '2', score: 88.25, attempts: 2, tokens: 12_345 }),
  run(3, { kind: 'improve', choice: '2', parent: 2, key: 'improve-2', score: 87.9 }),
  run(4, { kind: 'blend', choice: null, members: [1, 2, 3], key: 'blend', score: null, status: 'running' }),
  run(5, { choice: 'vanilla', key: 'vanilla', score: null, status: 'failed' }),
];

describe('the leaderboard', () => {
  it('lists every run best first by the metric’s direction, the best marked, with what each row needs', () => {
    const lines = boardLines({
      metric: 'mae',
      higherIsBetter: false,
      runs: RUNS,
      links: { 3: '/?channel=general&thread=t&message=m3' },
    });
    expect(lines.map((l) => /\*\*(#\d+) /.exec(l)?.[1])).toEqual(['#3', '#2', '#1', '#4', '#5']);
    expect(lines[0]).toBe(
      '1. **#3 · option 2, improved from #2** · ★ best · mae **87.9** · done · 1 attempt · 1m 05s · 0 tokens · offline · [result](/?channel=general&thread=t&message=m3)',
    );
    expect(lines[1]).toContain('#2 · option 2**');
    expect(lines[1]).toContain('2 attempts');
    expect(lines[1]).toContain('12k tokens');
    expect(lines[1]).toContain('result: “#2 · option 2” in this thread');
    expect(lines[2]).toContain('own CV 92.1');
    expect(lines[3]).toContain('#4 · blend of #1, #2, #3');
    expect(lines[3]).toContain('running (stage submission)');
    expect(lines[4]).toContain('#5 · vanilla control');
    expect(lines[4]).toContain('failed');
    expect(lines.filter((l) => l.includes('best'))).toHaveLength(1);
  });

  it('ranks the other way when higher is better, and counts a score only once its run is done', () => {
    const lines = boardLines({
      metric: 'roc-auc',
      higherIsBetter: true,
      runs: [...RUNS.slice(0, 3), run(6, { status: 'running', score: 1000 })],
      links: {},
    });
    expect(lines.map((l) => /\*\*(#\d+) /.exec(l)?.[1])).toEqual(['#1', '#2', '#3', '#6']);
  });

  it('offers Improve on the best and Blend once two scored runs left predictions', () => {
    const m = renderBoard({
      sid: SID,
      planSeq: 1,
      metric: 'mae',
      higherIsBetter: false,
      runs: RUNS,
      links: {},
    });
    expect(m.blocks[0]).toEqual({ kind: 'heading', text: 'Leaderboard · mae, lower is better' });
    expect(m.text).toBe('Leaderboard: 5 runs. Best: #3, mae 87.9.');
    const buttons = m.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
    // A blend of #1, #2, #3 is under way: no second one is offered.
    expect(buttons.map((b) => b.label)).toEqual(['Improve the best (#3)']);
    const before = renderBoard({
      sid: SID,
      planSeq: 1,
      metric: 'mae',
      higherIsBetter: false,
      runs: RUNS.slice(0, 3),
      links: {},
    });
    const offered = before.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
    expect(offered.map((b) => b.label)).toEqual(['Improve the best (#3)', 'Blend #3, #2, #1']);
    expect(offered.map((b) => decodeAction(b.action))).toEqual([
      { kind: 'improve', sid: SID, planSeq: 1, run: 3 },
      { kind: 'blend', sid: SID, planSeq: 1 },
    ]);
    // A finished blend at the top: Improve is offered on the best run that is not a blend.
    const blendBest = [
      ...RUNS.slice(0, 3),
      run(4, { kind: 'blend', choice: null, members: [1, 2, 3], key: 'blend', score: 80 }),
    ];
    const top = renderBoard({
      sid: SID,
      planSeq: 1,
      metric: 'mae',
      higherIsBetter: false,
      runs: blendBest,
      links: {},
    });
    expect(top.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).map((b) => b.label)).toEqual([
      'Improve #3',
    ]);
    expect(planRun({ kind: 'improve', parent: null }, blendBest, false)).toMatchObject({ key: 'improve-3' });
    expect(planRun({ kind: 'improve', parent: 4 }, blendBest, false)).toEqual({
      refusal: 'Run #4 is a blend; improve one of the runs it combines (#1, #2, #3).',
    });
    expect(planRun({ kind: 'blend' }, blendBest, false)).toEqual({
      refusal: 'A blend of #1, #2, #3 is already on the leaderboard; run or improve another option first.',
    });
    const one = renderBoard({
      sid: SID,
      planSeq: 1,
      metric: 'mae',
      higherIsBetter: false,
      runs: RUNS.slice(0, 1),
      links: {},
    });
    expect(one.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : [])).map((b) => b.label)).toEqual([
      'Improve the best (#1)',
    ]);
  });

  it('blends at most the five best scored runs with predictions', () => {
    const many = Array.from({ length: 8 }, (_, i) => run(i + 1, { score: 10 - i }));
    many.push(run(9, { score: 0.1, predictions: false }));
    expect(blendCandidates(many, false).map((r) => r.n)).toEqual([8, 7, 6, 5, 4]);
  });

  it('links to a Discord message and a web chat message; Slack rows name the message instead', () => {
    expect(messageLink({ surface: 'discord', space: 'g1', channel: 'c1', thread: 't1' }, 'm1')).toBe(
      'https://discord.com/channels/g1/t1/m1',
    );
    expect(messageLink({ surface: 'web', space: '', channel: 'general', thread: 'r1' }, 'm1')).toBe(
      '/?channel=general&thread=r1&message=m1',
    );
    expect(messageLink({ surface: 'slack', space: 'T1', channel: 'C1', thread: '1.2' }, '1.3')).toBeNull();
  });
});

describe('status', () => {
  it('names the run under way and its stage instead of "plan ready", and lists the runs best first', () => {
    const plan = {
      task: { metric: 'mae' },
      instructions: [{ title: 'A' }, { title: 'B' }, { title: 'C' }],
      resolver: { instruction: { title: 'R' } },
    };
    const session = {
      status: 'planned',
      planSeq: 1,
      plan,
      understood: null,
      error: null,
    } as unknown as Session;
    const runs = [
      ...RUNS.slice(0, 3),
      run(4, { status: 'running', stage: 'training', attempt: 1, score: null }),
    ];
    const m = statusReply(session, {}, runs);
    const body = m.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(body).toContain('**Status**: running #4 (option 1), stage training, attempt 1');
    expect(body).not.toContain('plan ready');
    expect([...body.matchAll(/\d+\. \*\*#(\d+) /g)].map((x) => Number(x[1]))).toEqual([3, 2, 1, 4]);
    expect(body).toContain('★ best');
    expect(body).toContain('— started by Ann');
    expect(statusReply(session, {}, RUNS.slice(0, 3)).text).toContain('Status: plan ready');
  });
});

describe('run names, commands and actions', () => {
  it('names each kind of run', () => {
    expect(RUNS.map(runTitle)).toEqual([
      '#1 · option 1',
      '#2 · option 2',
      '#3 · option 2, improved from #2',
      '#4 · blend of #1, #2, #3',
      '#5 · vanilla control',
    ]);
    expect(runWhat(RUNS[0] as StoredRun)).toBe('the run of option 1');
    expect(runWhat(RUNS[2] as StoredRun)).toBe('the run of an improvement of #2');
  });

  it('reads improve [N] and blend, and keeps the action ids within 100 characters', () => {
    expect(parseCommand('improve')).toBe('improve');
    expect(parseCommand('improve 3')).toBe('improve');
    expect(parseCommand('Improve #12')).toBe('improve');
    expect(parseCommand('blend')).toBe('blend');
    expect(parseCommand('improve it please')).toBeNull();
    expect(improveTarget('improve #12')).toBe(12);
    expect(improveTarget('improve')).toBeNull();
    const id = encodeAction({ kind: 'improve', sid: SID, planSeq: 123456, run: 999999 });
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeAction(id)).toEqual({ kind: 'improve', sid: SID, planSeq: 123456, run: 999999 });
    expect(decodeAction(`lc|${SID}|1|improve|0`)).toBeNull();
    expect(decodeAction(`lc|${SID}|1|run|vanilla`)).toEqual({
      kind: 'run',
      sid: SID,
      planSeq: 1,
      choice: 'vanilla',
    });
  });

  it('plans Improve from the best run by default, Blend from the top runs, and refuses what cannot run', () => {
    expect(planRun({ kind: 'improve', parent: null }, RUNS, false)).toEqual({
      key: 'improve-3',
      naming: { kind: 'improve', choice: '2', parent: 3, members: [] },
    });
    expect(planRun({ kind: 'improve', parent: 1 }, RUNS, false)).toMatchObject({ key: 'improve-1' });
    expect(planRun({ kind: 'improve', parent: 5 }, RUNS, false)).toEqual({
      refusal: 'Run #5 has no score to improve on (it is failed).',
    });
    expect(planRun({ kind: 'improve', parent: 9 }, RUNS, false)).toEqual({
      refusal: 'There is no run #9 in this thread.',
    });
    expect(planRun({ kind: 'blend' }, RUNS.slice(0, 3), false)).toEqual({
      key: 'blend',
      naming: { kind: 'blend', choice: null, parent: null, members: [1, 2, 3] },
    });
    expect(planRun({ kind: 'blend' }, RUNS.slice(0, 1), false)).toHaveProperty('refusal');
    expect(planRun({ kind: 'choice', choice: 'vanilla' }, [], false)).toEqual({
      key: 'vanilla',
      naming: { kind: 'vanilla', choice: 'vanilla', parent: null, members: [] },
    });
  });
});

describe('a run’s progress and result', () => {
  const naming = { n: 4, kind: 'option', choice: '1', parent: null, members: [] } as const;
  const base = {
    ...runAtStart({ ...naming, members: [] }, 'Ann', 'running', 42_000),
    stage: 'submission' as const,
    stageIndex: 4,
    attempt: 1,
    maxAttempts: 4,
  };
  const bar = (m: ReturnType<typeof renderRunProgress>) => {
    const b = m.blocks[0];
    return b?.kind === 'progress' ? [b.step, b.total] : null;
  };

  it('shows the script’s fold and last line in the sandbox instead of a full bar', () => {
    const m = renderRunProgress({
      ...base,
      sandbox: { line: `fold 2 of 5: mae ${'9'.repeat(300)}`, fold: { k: 2, n: 5 } },
    });
    expect(bar(m)).toEqual([2, 5]);
    expect(m.text).toContain(
      'Run of option 1 (#4, started by Ann) running in the sandbox: fold 2 of 5 · attempt 1 of 4 · 42s elapsed · last line: fold 2 of 5: mae 999',
    );
    expect(m.text.length).toBeLessThan(260);
    expect(bar(renderRunProgress({ ...base, sandbox: { line: null, fold: null } }))).toEqual([0, 1]);
  });

  it('gives finished, failed, cancelled and timed-out runs each their own final look', () => {
    const done = renderRunProgress({ ...base, status: 'done' });
    expect(bar(done)).toEqual([4, 4]);
    expect(done.text).toBe('Run of option 1 (#4, started by Ann) finished: 1 attempt · 42s in all');
    const looks = (['failed', 'cancelled', 'timed-out'] as const).map((status) =>
      renderRunProgress({ ...base, status, limitSeconds: 3600 }),
    );
    for (const m of looks) {
      expect(bar(m)).toEqual([3, 4]);
      expect(m.text).not.toContain('running in the sandbox');
    }
    expect(looks[0]?.text).toContain(
      'failed: stopped at stage 4 of 4 (submission), attempt 1 of 4 after 42s',
    );
    expect(looks[1]?.text).toContain('cancelled: cancelled at stage 4 of 4 (submission) after 42s');
    expect(looks[2]?.text).toContain('timed out: stopped at the 3600 s time limit');
    const early = renderRunProgress(runAtStart({ ...naming, members: [] }, 'Ann', 'cancelled', 3000));
    expect(bar(early)).toEqual([0, 4]);
    expect(early.text).toContain('cancelled before it started');
  });

  it('heads an improvement and a blend with their run and option, with the change and the weights', () => {
    const result: RunResult = {
      planId: 'p',
      choice: null,
      kind: 'blend',
      change: 'weights fitted on out-of-fold predictions',
      blend: {
        members: [
          { label: '#1', weight: 0.25, score: 90.5 },
          { label: '#3', weight: 0.75, score: 87.9 },
        ],
      },
      ok: true,
      metric: 'mae',
      higherIsBetter: false,
      score: 86.5,
      cvScore: null,
      baseline: null,
      stages: [],
      code: 'print(1)\n',
      attempts: [],
      error: null,
      artifacts: { code: '/nonexistent/solution.py' },
      usage: [],
      durationMs: 3000,
    };
    const blend = { n: 5, kind: 'blend', choice: null, parent: null, members: [1, 3] } as const;
    const m = renderRunResult(
      result,
      { ...blend, members: [1, 3] },
      { code: null, chart: null, importance: null, notebook: null, submission: null, log: null },
      { sid: SID, planSeq: 1, blend: true },
    );
    expect(m.blocks[0]).toEqual({ kind: 'heading', text: '#5 · blend of #1, #3' });
    const texts = m.blocks.flatMap((b) => ('text' in b ? [b.text] : []));
    expect(texts).toContain('Blend: weights fitted on out-of-fold predictions');
    expect(texts).toContain('Weights: #1 0.25 (alone 90.5) · #3 0.75 (alone 87.9)');
    const code = m.blocks.find((b) => b.kind === 'code');
    expect(code?.kind === 'code' && code.filename).toBe('run5-solution.py');
    const buttons = m.blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
    // A blend is not improved (its members are), but the Blend button stays where a blend is offered.
    expect(buttons.map((b) => b.label)).toEqual(['Blend the best runs']);
    const improved = renderRunResult(
      { ...result, kind: 'improve', blend: null, change: 'tuned max_depth', choice: '2' },
      { n: 3, kind: 'improve', choice: '2', parent: 1, members: [] },
      { code: null, chart: null, importance: null, notebook: null, submission: null, log: null },
    );
    expect(improved.blocks[0]).toEqual({ kind: 'heading', text: '#3 · option 2, improved from #1' });
    expect(improved.blocks.some((b) => b.kind === 'text' && b.text === 'Change: tuned max_depth')).toBe(true);
    expect(improved.blocks.some((b) => b.kind === 'buttons')).toBe(false);
  });
});
