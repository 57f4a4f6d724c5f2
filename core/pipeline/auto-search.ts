// Auto: a search within a time budget that ends in an honest pick (issue 23). The tree starts from the drafts (the
// three options and the vanilla control); then, while the next node can fit in the time left, it chooses one move:
// debug a failed node (with a coder model: a fresh script for its option), blend the best nodes' out-of-fold
// predictions (when the best nodes changed since the last blend), or improve a node (best by cross-validation, with
// an exploration bonus for nodes whose line has been tried less: UCT over the CV ranks). Every node is a run with
// its parent and its move. The search sees only what the training rows show (each node's own cross-validation score,
// whether it finished, whether it left prediction files); the harness's held-out scores are kept for the
// leaderboard but never read by a choice: `searchView` is all the choices see. The pick is the best node by
// cross-validation; a blend only when its out-of-fold score beats its best member's.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LinguacodusError } from '../errors.ts';
import { type Choice, choiceSchema, type RunResult, runResultSchema } from '../types.ts';
import { ARTIFACT_NAMES } from './artifacts.ts';
import { throwIfCancelled } from './cancellation.ts';

/** How a node came to be: a draft (an option or the vanilla control), or a move from its parent(s). */
export const autoMoveSchema = z.enum(['draft', 'improve', 'debug', 'blend']);
export type AutoMove = z.infer<typeof autoMoveSchema>;

export const autoNodeSchema = z.object({
  /** 1, 2, ... in the order the nodes started. */
  id: z.number().int().positive(),
  /** The node it was made from (improve, debug); null for a draft or a blend (its members say where it comes from). */
  parent: z.number().int().positive().nullable(),
  move: autoMoveSchema,
  /** The option the node's line started from; null for a blend. */
  choice: choiceSchema.nullable(),
  /** What the move did, in a line (the option's name, the change, the blend's members and weights). */
  what: z.string(),
  /** Blend: the member nodes. */
  members: z.array(z.number().int().positive()).default([]),
  /** An earlier node whose script this node's is, word for word: it is not grown or blended again. */
  sameAs: z.number().int().positive().nullable().default(null),
  /** The run's folder (result.json, code.py, submission.csv...). */
  dir: z.string(),
  ok: z.boolean(),
  /** The node's own cross-validation score on the training rows: what the search chooses by. */
  cvScore: z.number().nullable(),
  /**
   * A proper scoring rule of its out-of-fold predictions on the training rows (log-loss, or squared error for
   * numbers; lower is better): what breaks ties of the CV score (saturated AUC).
   */
  cvProper: z.number().nullable().default(null),
  /** The harness's held-out score: shown on the leaderboard, never read by the search. */
  holdout: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type AutoNode = z.infer<typeof autoNodeSchema>;

export const autoTreeSchema = z.object({
  metric: z.string(),
  higherIsBetter: z.boolean(),
  budgetS: z.number(),
  usedS: z.number(),
  /** Why the search stopped: the budget, no move left, or a cancel. */
  stopped: z.enum(['budget', 'exhausted', 'cancelled']),
  nodes: z.array(autoNodeSchema),
  /** The picked node's id; null when no node finished. */
  pick: z.number().int().positive().nullable(),
  /** What the pick was picked on, in a sentence. */
  pickReason: z.string(),
});
export type AutoTree = z.infer<typeof autoTreeSchema>;

/** The file at the top of an Auto folder that lists the tree and the pick. */
export const AUTO_TREE_FILE = 'tree.json';
/** The folder under an Auto folder that holds one folder per node. */
export const AUTO_NODES_DIR = 'tree';

/** The runs a search can start: core's run, improve and blend, each in the folder and with the signal given. */
export interface SearchMoves {
  draft(choice: Choice, outDir: string, signal: AbortSignal): Promise<RunResult>;
  improve(fromDir: string, outDir: string, signal: AbortSignal): Promise<RunResult>;
  /** A failed node's option once more: a fresh script from the coder with its own repairs. */
  debug(choice: Choice, outDir: string, signal: AbortSignal): Promise<RunResult>;
  blend(members: { label: string; dir: string }[], outDir: string, signal: AbortSignal): Promise<RunResult>;
}

export type AutoEvent =
  | {
      type: 'node-start';
      node: Pick<AutoNode, 'id' | 'parent' | 'move' | 'choice' | 'what'>;
      budgetLeftS: number;
    }
  | { type: 'node-end'; node: AutoNode; budgetLeftS: number; tree: AutoTree };

export interface AutoOptions {
  budgetS: number;
  /** The Auto folder: tree.json at its top, one folder per node under tree/. */
  outDir: string;
  signal?: AbortSignal;
  /** The proper scoring rule of a node's out-of-fold file (oof-proper.ts); absent: ties stay ties. */
  properScore?: (oofPath: string) => Promise<number | null>;
  /**
   * The run's token budget (MAX_TOKENS_PER_RUN) for the whole search: no node starts once the nodes' model calls
   * have used it. Null or absent: no limit. Each node keeps its own run budget too.
   */
  maxTokens?: number | null;
  /** Whether a failed node can be debugged (a coder model writes afresh; the offline engine would repeat itself). */
  canDebug: boolean;
  higherIsBetter: boolean;
  metric: string;
  onEvent?: (event: AutoEvent) => void;
  /** The drafts, in order (default: options 1, 2, 3 and the vanilla control). */
  drafts?: Choice[];
  /** The clock (tests). */
  now?: () => number;
}

export const DEFAULT_DRAFTS: Choice[] = ['1', '2', '3', 'vanilla'];
/** Auto's budget when none is asked for (10 minutes), and the most a caller may ask without a setting of its own. */
export const DEFAULT_AUTO_BUDGET_S = 600;
export const MAX_AUTO_BUDGET_S = 3600;
/** The most members a blend node takes: the best nodes by cross-validation. */
const BLEND_TOP = 3;
/** UCT's exploration weight over CV ranks in [0, 1]. */
const EXPLORATION = 0.5;
/** Before a blend has been timed, its time is guessed as this share of the slowest draft's. */
const BLEND_SHARE = 0.3;
/** An improvement adds a model family or tunes: guessed this many times its parent's time until one is timed. */
const IMPROVE_FACTOR = 1.5;
/** The guessed time of the next node is stretched by this much before it is weighed against the time left. */
const TIME_MARGIN = 1.1;
/** A node still running this long past the budget is stopped (a share of the budget, at least 30 s). */
const GRACE_SHARE = 0.2;
const MIN_GRACE_S = 30;
/** A failed node's option is debugged at most this many times in one search. */
const MAX_DEBUGS_PER_CHOICE = 1;

/** All that a choice of the search may read of a node: nothing from the held-out rows. */
export interface SearchView {
  id: number;
  parent: number | null;
  move: AutoMove;
  choice: Choice | null;
  members: number[];
  ok: boolean;
  cvScore: number | null;
  /** The proper scoring rule of its out-of-fold predictions (lower is better), the tie-breaker. */
  cvProper: number | null;
  /** It left out-of-fold and held-out prediction files, so it can be blended. */
  blendable: boolean;
  /** An earlier node with the same script. */
  sameAs: number | null;
}

export function searchView(node: AutoNode, result: RunResult | null): SearchView {
  return {
    id: node.id,
    parent: node.parent,
    move: node.move,
    choice: node.choice,
    members: node.members,
    ok: node.ok,
    cvScore: node.cvScore !== null && Number.isFinite(node.cvScore) ? node.cvScore : null,
    cvProper: node.cvProper !== null && Number.isFinite(node.cvProper) ? node.cvProper : null,
    blendable:
      node.sameAs === null &&
      Boolean(result?.ok && result.artifacts.oofPredictions && result.artifacts.testPredictions),
    sameAs: node.sameAs,
  };
}

/** Two CV scores equal to the last digits: a tie (a saturated AUC of 1.0 on every node, say). */
function tied(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Better-first order of two views by CV in the metric's direction; ties by the proper scoring rule (lower first). */
function compareViews(a: SearchView, b: SearchView, higherIsBetter: boolean): number {
  if (!tied(a.cvScore!, b.cvScore!))
    return higherIsBetter ? b.cvScore! - a.cvScore! : a.cvScore! - b.cvScore!;
  if (a.cvProper !== null && b.cvProper !== null && !tied(a.cvProper, b.cvProper))
    return a.cvProper - b.cvProper;
  return 0;
}

/** Finished nodes with a CV score, best first; full ties keep the simpler move, then the earlier node. */
export function rankByCv(views: readonly SearchView[], higherIsBetter: boolean): SearchView[] {
  const simplicity: Record<AutoMove, number> = { draft: 0, debug: 1, improve: 2, blend: 3 };
  return views
    .filter((v) => v.ok && v.cvScore !== null)
    .sort(
      (a, b) => compareViews(a, b, higherIsBetter) || simplicity[a.move] - simplicity[b.move] || a.id - b.id,
    );
}

/**
 * The honest pick: the best node by cross-validation on the training rows (ties by the proper scoring rule of the
 * same out-of-fold predictions); a blend only when it beats its best member so. Without any CV score, the first node
 * that finished.
 */
export function pickNode(
  views: readonly SearchView[],
  higherIsBetter: boolean,
): { id: number; reason: string } | null {
  const byId = new Map(views.map((v) => [v.id, v]));
  const ranked = rankByCv(views, higherIsBetter);
  const eligible = ranked.filter((v) => {
    if (v.move !== 'blend') return true;
    const members = rankByCv(
      v.members.flatMap((m) => (byId.has(m) ? [byId.get(m)!] : [])),
      higherIsBetter,
    );
    return members[0] !== undefined && compareViews(v, members[0], higherIsBetter) < 0;
  });
  const top = eligible[0];
  if (top) {
    const tie = ranked.some((v) => v !== top && tied(v.cvScore!, top.cvScore!));
    const how =
      tie && top.cvProper !== null
        ? `${top.cvScore}, tied, so by the ${Number(top.cvProper.toPrecision(4))} log-loss or squared error of its out-of-fold predictions`
        : `${top.cvScore}`;
    const note =
      top.move === 'blend'
        ? ', above its best member'
        : eligible.length < ranked.length
          ? '; a blend that did not beat its best member was passed over'
          : '';
    return {
      id: top.id,
      reason: `picked node ${top.id} on its cross-validation score on the training rows (${how}${note}); the held-out rows were not used to choose`,
    };
  }
  const first = views.find((v) => v.ok);
  return first
    ? {
        id: first.id,
        reason: `no node reported a cross-validation score, so the first node that finished (node ${first.id}) is picked; the held-out rows were not used to choose`,
      }
    : null;
}

/** A planned move: what to start next. */
type Planned =
  | { move: 'improve'; parent: SearchView }
  | { move: 'debug'; parent: SearchView }
  | { move: 'blend'; members: SearchView[] };

/** UCT over CV ranks: the best node first, with a bonus for lines tried less. Only drafts and improvements grow. */
export function chooseToImprove(
  views: readonly SearchView[],
  improved: ReadonlySet<number>,
  higherIsBetter: boolean,
): SearchView | null {
  const ranked = rankByCv(views, higherIsBetter);
  const growable = ranked.filter((v) => v.move !== 'blend' && v.sameAs === null && !improved.has(v.id));
  if (growable.length === 0) return null;
  const total = views.length;
  const children = (id: number) => views.filter((v) => v.parent === id).length;
  const value = (v: SearchView) => {
    const rank = ranked.indexOf(v);
    const exploit = ranked.length > 1 ? 1 - rank / (ranked.length - 1) : 1;
    const line = views.filter((w) => w.choice === v.choice && w.choice !== null).length;
    return exploit + EXPLORATION * Math.sqrt(Math.log(total + 1) / (1 + children(v.id) + line));
  };
  return growable.reduce((best, v) => (value(v) > value(best) + 1e-12 ? v : best));
}

/** The next moves worth making, in order of preference; the caller starts the first that fits in the time left. */
export function nextMoves(
  views: readonly SearchView[],
  state: {
    improved: ReadonlySet<number>;
    blended: ReadonlySet<string>;
    debugged: ReadonlyMap<Choice, number>;
  },
  canDebug: boolean,
  higherIsBetter: boolean,
): Planned[] {
  const moves: Planned[] = [];
  if (canDebug) {
    const failed = views.find(
      (v) =>
        !v.ok &&
        v.choice !== null &&
        v.move !== 'blend' &&
        !views.some((w) => w.parent === v.id) &&
        (state.debugged.get(v.choice) ?? 0) < MAX_DEBUGS_PER_CHOICE,
    );
    if (failed) moves.push({ move: 'debug', parent: failed });
  }
  const top = rankByCv(
    views.filter((v) => v.blendable && v.move !== 'blend'),
    higherIsBetter,
  ).slice(0, BLEND_TOP);
  if (top.length >= 2 && !state.blended.has(blendKey(top))) moves.push({ move: 'blend', members: top });
  const parent = chooseToImprove(views, state.improved, higherIsBetter);
  if (parent) moves.push({ move: 'improve', parent });
  return moves;
}

function blendKey(members: readonly SearchView[]): string {
  return members
    .map((m) => m.id)
    .sort((a, b) => a - b)
    .join(',');
}

function firstLine(text: string | null): string {
  return (text ?? '').trim().split('\n')[0]?.slice(0, 200) ?? '';
}

function choiceName(choice: Choice): string {
  return choice === 'vanilla' ? 'the vanilla control' : `option ${choice}`;
}

/** Runs the search; returns the tree with its pick, and writes it to tree.json at the top of outDir. */
export async function autoSearch(moves: SearchMoves, options: AutoOptions): Promise<AutoTree> {
  const now = options.now ?? Date.now;
  const started = now();
  const budgetMs = options.budgetS * 1000;
  const graceMs = Math.max(MIN_GRACE_S * 1000, budgetMs * GRACE_SHARE);
  const nodes: AutoNode[] = [];
  const results = new Map<number, RunResult | null>();
  const codes = new Map<number, string | null>();
  const timings: Record<AutoMove, number[]> = { draft: [], improve: [], debug: [], blend: [] };
  const improved = new Set<number>();
  const blended = new Set<string>();
  const debugged = new Map<Choice, number>();
  let stopped: AutoTree['stopped'] = 'exhausted';
  await mkdir(join(options.outDir, AUTO_NODES_DIR), { recursive: true });

  const elapsed = () => now() - started;
  const leftS = () => Math.max(0, Math.round((budgetMs - elapsed()) / 1000));
  const views = () => nodes.map((n) => searchView(n, results.get(n.id) ?? null));
  const guess = (move: AutoMove, parent?: SearchView): number => {
    const own = timings[move];
    if (own.length) return Math.max(...own);
    const draft = timings.draft.length ? Math.max(...timings.draft) : 0;
    if (move === 'blend') return draft * BLEND_SHARE;
    if (move === 'improve') {
      const parentTime = parent ? (nodes.find((n) => n.id === parent.id)?.durationMs ?? draft) : draft;
      return parentTime * IMPROVE_FACTOR;
    }
    return draft;
  };
  // A node's time varies (the machine is shared): the guess gets a margin.
  const fits = (ms: number) => elapsed() + ms * TIME_MARGIN <= budgetMs && !outOfTokens();
  let tokens = 0;
  const outOfTokens = () => options.maxTokens != null && tokens >= options.maxTokens;
  const tree = (): AutoTree => {
    const pick = pickNode(views(), options.higherIsBetter);
    return {
      metric: options.metric,
      higherIsBetter: options.higherIsBetter,
      budgetS: options.budgetS,
      usedS: Math.round(elapsed() / 100) / 10,
      stopped,
      nodes: nodes.map((n) => ({ ...n })),
      pick: pick?.id ?? null,
      pickReason: pick?.reason ?? 'no node finished, so there is nothing to pick',
    };
  };

  const runNode = async (
    spec: Pick<AutoNode, 'parent' | 'move' | 'choice' | 'what' | 'members'>,
    start: (dir: string, signal: AbortSignal) => Promise<RunResult>,
  ): Promise<void> => {
    throwIfCancelled(options.signal, 'run');
    const id = nodes.length + 1;
    const label =
      spec.move === 'draft' ? spec.choice : spec.move === 'blend' ? 'blend' : `${spec.move}-${spec.parent}`;
    const dir = join(options.outDir, AUTO_NODES_DIR, `${String(id).padStart(2, '0')}-${spec.move}-${label}`);
    options.onEvent?.({ type: 'node-start', node: { id, ...spec }, budgetLeftS: leftS() });
    // The node stops with the search's cancel, or when it runs past the budget by the grace.
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const overrun = setTimeout(
      () => controller.abort(new Error('past the budget')),
      Math.max(0, budgetMs + graceMs - elapsed()),
    );
    const t0 = now();
    let result: RunResult | null = null;
    let error: string | null = null;
    try {
      result = await start(dir, controller.signal);
      error = result.ok ? null : firstLine(result.error) || 'the run finished without a score';
    } catch (e) {
      if (options.signal?.aborted) throw e;
      error = controller.signal.aborted
        ? 'stopped: it ran past the budget'
        : e instanceof LinguacodusError
          ? e.userMessage
          : String(e);
    } finally {
      clearTimeout(overrun);
      options.signal?.removeEventListener('abort', onAbort);
    }
    const durationMs = now() - t0;
    timings[spec.move].push(durationMs);
    const sameAs =
      result?.ok && spec.move !== 'blend'
        ? (nodes.find((n) => n.move !== 'blend' && codes.get(n.id) === result?.code)?.id ?? null)
        : null;
    const node: AutoNode = {
      id,
      ...spec,
      sameAs,
      what: `${result?.change && spec.move !== 'draft' ? `${spec.what}: ${result.change}` : spec.what}${sameAs ? ` (the same script as node ${sameAs}, not grown further)` : ''}`,
      dir,
      ok: Boolean(result?.ok),
      cvScore: result?.ok ? result.cvScore : null,
      cvProper:
        result?.ok && result.artifacts.oofPredictions && options.properScore
          ? await options.properScore(result.artifacts.oofPredictions).catch(() => null)
          : null,
      holdout: result?.ok ? result.score : null,
      error,
      durationMs,
    };
    nodes.push(node);
    results.set(id, result);
    tokens += (result?.usage ?? []).reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
    codes.set(id, result?.code ?? null);
    await writeTree(options.outDir, tree());
    options.onEvent?.({ type: 'node-end', node, budgetLeftS: leftS(), tree: tree() });
  };

  try {
    for (const choice of options.drafts ?? DEFAULT_DRAFTS) {
      if (nodes.length > 0 && !fits(guess('draft'))) {
        stopped = 'budget';
        break;
      }
      await runNode(
        { parent: null, move: 'draft', choice, what: choiceName(choice), members: [] },
        (dir, signal) => moves.draft(choice, dir, signal),
      );
    }
    while (stopped !== 'budget') {
      const planned = nextMoves(
        views(),
        { improved, blended, debugged },
        options.canDebug,
        options.higherIsBetter,
      );
      if (planned.length === 0) break;
      const next = planned.find((p) => fits(guess(p.move, 'parent' in p ? p.parent : undefined)));
      if (!next) {
        stopped = 'budget';
        break;
      }
      if (next.move === 'blend') {
        blended.add(blendKey(next.members));
        const members = next.members.map((m) => ({ label: `node ${m.id}`, dir: nodes[m.id - 1]!.dir }));
        await runNode(
          {
            parent: null,
            move: 'blend',
            choice: null,
            what: `blend of nodes ${next.members.map((m) => m.id).join(', ')}`,
            members: next.members.map((m) => m.id),
          },
          (dir, signal) => moves.blend(members, dir, signal),
        );
      } else if (next.move === 'debug') {
        const choice = next.parent.choice!;
        debugged.set(choice, (debugged.get(choice) ?? 0) + 1);
        await runNode(
          {
            parent: next.parent.id,
            move: 'debug',
            choice,
            what: `debug node ${next.parent.id}: a fresh script for ${choiceName(choice)} after ${firstLine(nodes[next.parent.id - 1]!.error)}`,
            members: [],
          },
          (dir, signal) => moves.debug(choice, dir, signal),
        );
      } else {
        improved.add(next.parent.id);
        const from = nodes[next.parent.id - 1]!.dir;
        await runNode(
          {
            parent: next.parent.id,
            move: 'improve',
            choice: next.parent.choice,
            what: `improve node ${next.parent.id}`,
            members: [],
          },
          (dir, signal) => moves.improve(from, dir, signal),
        );
      }
    }
  } catch (e) {
    if (!options.signal?.aborted) throw e;
    stopped = 'cancelled';
  }
  if (options.signal?.aborted) stopped = 'cancelled';
  const final = tree();
  await writeTree(options.outDir, final);
  return final;
}

async function writeTree(outDir: string, tree: AutoTree): Promise<void> {
  await writeFile(join(outDir, AUTO_TREE_FILE), `${JSON.stringify(tree, null, 1)}\n`);
}

/** The picked node of a tree, or null. */
export function pickedNode(tree: AutoTree): AutoNode | null {
  return tree.nodes.find((n) => n.id === tree.pick) ?? null;
}

/**
 * The picked run's files at the top of a folder (submission.csv, code.py, notebook, charts, log, predictions) and its
 * result.json naming those copies; the run itself stays in its own folder below. Null when it left no result.
 */
export async function publishPick(fromDir: string, outDir: string): Promise<RunResult | null> {
  let result: RunResult;
  try {
    result = runResultSchema.parse(JSON.parse(await readFile(join(fromDir, ARTIFACT_NAMES.result), 'utf8')));
  } catch {
    return null;
  }
  const artifacts: RunResult['artifacts'] = { ...result.artifacts };
  for (const [key, name] of Object.entries(ARTIFACT_NAMES) as [keyof RunResult['artifacts'], string][]) {
    if (!result.artifacts[key]) continue;
    const to = join(outDir, name);
    await copyFile(result.artifacts[key]!, to).then(
      () => {
        artifacts[key] = to;
      },
      () => {
        delete artifacts[key];
      },
    );
  }
  const published = { ...result, artifacts: { ...artifacts, code: artifacts.code ?? result.artifacts.code } };
  await writeFile(join(outDir, ARTIFACT_NAMES.result), `${JSON.stringify(published, null, 1)}\n`);
  return published;
}
