// Auto's search on made-up runs with a made-up clock: the drafts, then improve, debug and blend moves within the
// budget; the pick by cross-validation only (held-out scores changed at random leave the same tree and pick); a
// blend tied with its best member is not picked; cancel keeps the best so far.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTO_TREE_FILE,
  type AutoTree,
  autoSearch,
  autoTreeSchema,
  pickNode,
  type SearchMoves,
  type SearchView,
} from '../../core/pipeline/auto-search.ts';
import { oofProperScorer } from '../../core/pipeline/oof-proper.ts';
import { type Choice, dataProfileSchema, type RunResult, taskSpecSchema } from '../../core/types.ts';

function result(
  ok: boolean,
  cvScore: number | null,
  score: number | null,
  change: string | null = null,
): RunResult {
  return {
    planId: 'p',
    choice: '1',
    kind: 'option',
    change,
    blend: null,
    ok,
    metric: 'rmse',
    higherIsBetter: false,
    score,
    cvScore,
    baseline: null,
    stages: [],
    code: '',
    attempts: [],
    error: ok ? null : 'Traceback: boom',
    artifacts: ok ? { code: 'c', oofPredictions: 'o', testPredictions: 't' } : { code: 'c' },
    usage: [],
    durationMs: 0,
  };
}

/** Made-up moves on a made-up clock: each draft, improvement and blend takes its time and gives a CV score. */
function world(holdout: (cv: number) => number, opts: { failDraft?: Choice; cancelAfter?: number } = {}) {
  let t = 0;
  const controller = new AbortController();
  const cvOf = new Map<string, number>();
  let calls = 0;
  const step = (ms: number) => {
    t += ms;
    calls += 1;
    if (opts.cancelAfter !== undefined && calls >= opts.cancelAfter) controller.abort();
  };
  const draftCv: Record<string, number> = { '1': 10, '2': 11, '3': 14, vanilla: 12 };
  const made: SearchMoves = {
    draft: async (choice, dir) => {
      step(20_000);
      if (choice === opts.failDraft) return result(false, null, null);
      cvOf.set(dir, draftCv[choice]!);
      return result(true, draftCv[choice]!, holdout(draftCv[choice]!));
    },
    debug: async (choice, dir) => {
      step(20_000);
      cvOf.set(dir, draftCv[choice]! + 0.5);
      return result(true, draftCv[choice]! + 0.5, holdout(draftCv[choice]! + 0.5));
    },
    improve: async (from, dir) => {
      step(30_000);
      const cv = cvOf.get(from)! - 0.4;
      cvOf.set(dir, cv);
      return result(true, cv, holdout(cv), 'model: a second family');
    },
    blend: async (members, dir) => {
      step(5_000);
      const best = Math.min(...members.map((m) => cvOf.get(m.dir)!));
      cvOf.set(dir, best - 0.1);
      return result(true, best - 0.1, holdout(best - 0.1), 'weights: a 0.6, b 0.4');
    },
  };
  // Each node's script is its own (the same script twice is a node the search does not grow again).
  const own =
    <A extends unknown[]>(f: (...args: A) => Promise<RunResult>) =>
    async (...args: A) => ({ ...(await f(...args)), code: `# ${String(args[1])}` });
  const moves: SearchMoves = {
    draft: own(made.draft),
    debug: own(made.debug),
    improve: own(made.improve),
    blend: own(made.blend),
  };
  return { moves, now: () => t, signal: controller.signal };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lc-auto-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function search(
  name: string,
  holdout: (cv: number) => number,
  opts: { failDraft?: Choice; cancelAfter?: number; canDebug?: boolean; budgetS?: number } = {},
): Promise<AutoTree> {
  const w = world(holdout, opts);
  return autoSearch(w.moves, {
    budgetS: opts.budgetS ?? 300,
    outDir: join(root, name),
    signal: w.signal,
    canDebug: opts.canDebug ?? false,
    higherIsBetter: false,
    metric: 'rmse',
    now: w.now,
  });
}

const shape = (tree: AutoTree) =>
  tree.nodes.map((n) => ({ id: n.id, parent: n.parent, move: n.move, members: n.members, cv: n.cvScore }));

describe('auto search', () => {
  it('starts from the four drafts, then improves and blends until the next node cannot fit', async () => {
    const tree = await search('plain', (cv) => cv + 1);
    expect(tree.nodes.slice(0, 4).map((n) => [n.move, n.choice])).toEqual([
      ['draft', '1'],
      ['draft', '2'],
      ['draft', '3'],
      ['draft', 'vanilla'],
    ]);
    const moves = tree.nodes.map((n) => n.move);
    expect(moves).toContain('improve');
    expect(moves).toContain('blend');
    // The first improvement grows the best draft by CV (option 1, cv 10).
    const firstImprove = tree.nodes.find((n) => n.move === 'improve')!;
    expect(firstImprove.parent).toBe(1);
    expect(firstImprove.what).toMatch(/^improve node 1: model: a second family/);
    expect(tree.usedS).toBeLessThanOrEqual(300);
    expect(tree.stopped).toBe('budget');
    const saved = autoTreeSchema.parse(
      JSON.parse(await readFile(join(root, 'plain', AUTO_TREE_FILE), 'utf8')),
    );
    expect(saved).toEqual(tree);
    const picked = tree.nodes.find((n) => n.id === tree.pick)!;
    const best = Math.min(...tree.nodes.map((n) => n.cvScore ?? Infinity));
    expect(picked.cvScore).toBe(best);
    expect(tree.pickReason).toMatch(/cross-validation/);
  });

  it('never reads the held-out scores: other held-out answers give the same tree and pick', async () => {
    const a = await search('honest-a', (cv) => cv);
    const b = await search('honest-b', (cv) => 100 - cv * 3 + Math.random());
    expect(shape(b)).toEqual(shape(a));
    expect(b.pick).toBe(a.pick);
    expect(b.nodes.map((n) => n.holdout)).not.toEqual(a.nodes.map((n) => n.holdout));
  });

  it('debugs a failed draft when a coder model can write afresh, once', async () => {
    const tree = await search('debug', (cv) => cv, { failDraft: '2', canDebug: true });
    const debug = tree.nodes.filter((n) => n.move === 'debug');
    expect(debug).toHaveLength(1);
    expect(debug[0]!.parent).toBe(2);
    expect(debug[0]!.what).toMatch(/^debug node 2: a fresh script for option 2 after Traceback: boom/);
    const offline = await search('no-debug', (cv) => cv, { failDraft: '2', canDebug: false });
    expect(offline.nodes.some((n) => n.move === 'debug')).toBe(false);
  });

  it('stops at a cancel and keeps the best so far', async () => {
    const tree = await search('cancel', (cv) => cv, { cancelAfter: 6 });
    expect(tree.stopped).toBe('cancelled');
    expect(tree.nodes.length).toBeLessThanOrEqual(6);
    expect(tree.pick).not.toBeNull();
  });

  it('does not grow a node whose script repeats an earlier one', async () => {
    const w = world((cv) => cv);
    const tree = await autoSearch(
      {
        ...w.moves,
        improve: async (from, dir, signal) => ({
          ...(await w.moves.improve(from, dir, signal)),
          code: 'same',
        }),
      },
      {
        budgetS: 600,
        outDir: join(root, 'same'),
        canDebug: false,
        higherIsBetter: false,
        metric: 'rmse',
        now: w.now,
      },
    );
    const repeats = tree.nodes.filter((n) => n.sameAs !== null);
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats[0]!.what).toMatch(/the same script as node \d+/);
    for (const r of repeats) expect(tree.nodes.some((n) => n.parent === r.id)).toBe(false);
    expect(tree.stopped).toBe('exhausted');
  });

  it('starts no node once the model calls used the token budget', async () => {
    const w = world((cv) => cv);
    const spend = (r: RunResult): RunResult => ({
      ...r,
      usage: [{ promptTokens: 600, completionTokens: 100 } as RunResult['usage'][number]],
    });
    const tree = await autoSearch(
      { ...w.moves, draft: async (...args) => spend(await w.moves.draft(...args)) },
      {
        budgetS: 600,
        outDir: join(root, 'tokens'),
        canDebug: false,
        higherIsBetter: false,
        metric: 'rmse',
        now: w.now,
        maxTokens: 1000,
      },
    );
    expect(tree.nodes).toHaveLength(2);
    expect(tree.stopped).toBe('budget');
  });

  it('a tiny budget runs the first draft only', async () => {
    const tree = await search('tiny', (cv) => cv, { budgetS: 10 });
    expect(tree.nodes).toHaveLength(1);
    expect(tree.stopped).toBe('budget');
    expect(tree.pick).toBe(1);
  });
});

describe('proper scoring rule of out-of-fold predictions', () => {
  it('scores binary probabilities by log-loss against the training labels, by id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-proper-'));
    const task = taskSpecSchema.parse({
      description: 't',
      dataType: 'tabular',
      trainFile: '/x.csv',
      metric: 'roc-auc',
      targets: ['y'],
      idColumn: 'id',
      split: { kind: 'random', testFraction: 0.25 },
    });
    const profile = dataProfileSchema.parse({
      rows: 3,
      columns: [],
      target: {
        names: ['y'],
        type: 'binary',
        classes: [
          { value: 'no', count: 2 },
          { value: 'yes', count: 1 },
        ],
      },
    });
    const score = oofProperScorer(task, profile, {
      runFiles: [{ path: 'train.csv', content: 'id,y\n1,yes\n2,no\n3,no\n' }],
    });
    await writeFile(join(dir, 'sharp.csv'), 'id,y\n3,0.1\n1,0.9\n2,0.1\n');
    await writeFile(join(dir, 'vague.csv'), 'id,y\n1,0.51\n2,0.49\n3,0.49\n');
    const sharp = (await score(join(dir, 'sharp.csv')))!;
    expect(sharp).toBeCloseTo(-Math.log(0.9), 6);
    expect((await score(join(dir, 'vague.csv')))!).toBeGreaterThan(sharp);
    expect(await score(join(dir, 'missing.csv'))).toBeNull();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('honest pick', () => {
  const view = (id: number, move: SearchView['move'], cv: number, members: number[] = []): SearchView => ({
    id,
    parent: null,
    move,
    choice: move === 'blend' ? null : '1',
    members,
    ok: true,
    cvScore: cv,
    cvProper: null,
    blendable: true,
    sameAs: null,
  });
  it('passes over a blend whose out-of-fold score only ties its best member (saturated AUC)', () => {
    const views = [view(1, 'draft', 1), view(2, 'draft', 1), view(3, 'blend', 1, [1, 2])];
    const pick = pickNode(views, true)!;
    expect(pick.id).toBe(1);
    expect(pick.reason).toMatch(/passed over/);
  });
  it('breaks a tie of saturated CV scores by the log-loss of the out-of-fold predictions', () => {
    const views = [
      { ...view(1, 'draft', 1), cvProper: 0.3 },
      { ...view(2, 'draft', 1), cvProper: 0.05 },
      { ...view(3, 'blend', 1, [1, 2]), cvProper: 0.2 },
    ];
    const pick = pickNode(views, true)!;
    expect(pick.id).toBe(2);
    expect(pick.reason).toMatch(/tied, so by the 0.05 log-loss/);
    views[2]!.cvProper = 0.01;
    expect(pickNode(views, true)!.id).toBe(3);
  });

  it('takes a blend that beats its best member', () => {
    const views = [view(1, 'draft', 0.8), view(2, 'draft', 0.82), view(3, 'blend', 0.84, [1, 2])];
    expect(pickNode(views, true)!.id).toBe(3);
  });
});
