// The thread's leaderboard: every run best first by the metric's direction (core's rankRuns), the best marked, each
// row with what it is, its engine, status, holdout score, own CV, attempts, duration, tokens and its result. Pure;
// `status` shows the same rows.

import type { Block, Button, OutgoingMessage } from '../../contract/messages.ts';
import { bestRun, rankRuns } from '../../core/index.ts';
import { encodeAction } from './action-ids.ts';
import { formatElapsed, formatScore } from './render-result.ts';
import { type RunNaming, runTitle } from './run-labels.ts';

/** At most this many rows on the board (Slack allows 50 blocks a message); the rest are counted. */
const MAX_ROWS = 30;
/** A blend combines at most this many of the best scored runs. */
export const BLEND_MAX_MEMBERS = 5;

/** What a row shows of a run (the session store's RunState has all of it). */
export interface BoardRun extends RunNaming {
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'timed-out';
  score: number | null;
  cvScore: number | null;
  metric: string | null;
  stage: string | null;
  attempts: number | null;
  durationMs: number | null;
  tokens: number | null;
  engine: string | null;
  predictions: boolean;
  /** A node of an Auto search: its place in the tree ('Auto #5, blend'); it has no result message of its own. */
  note?: string | null;
}

export interface BoardView {
  sid: string;
  planSeq: number;
  metric: string;
  higherIsBetter: boolean;
  runs: BoardRun[];
  /** Run number → a link to its result message (null: the surface has none, or it is not posted yet). */
  links: Record<number, string | null>;
}

/**
 * Finished runs a blend may combine: scored, with predictions, not themselves blends, best first, at most
 * BLEND_MAX_MEMBERS.
 */
export function blendCandidates<T extends BoardRun>(runs: readonly T[], higherIsBetter: boolean): T[] {
  const finished = runs.filter(
    (r) => r.status === 'done' && r.score !== null && r.predictions && r.n > 0 && r.kind !== 'blend',
  );
  return rankRuns(finished, higherIsBetter).slice(0, BLEND_MAX_MEMBERS);
}

/** Whether a blend of exactly these runs is already done or under way (a second would add nothing). */
export function blendExists(runs: readonly BoardRun[], members: readonly number[]): boolean {
  const wanted = [...members].sort((a, b) => a - b).join(',');
  return runs.some(
    (r) =>
      r.kind === 'blend' &&
      ['queued', 'running', 'done'].includes(r.status) &&
      [...r.members].sort((a, b) => a - b).join(',') === wanted,
  );
}

/** The best finished run that can be improved (a blend is not: improve one of its members). */
export function bestImprovable<T extends BoardRun>(runs: readonly T[], higherIsBetter: boolean): T | null {
  return bestRun(
    runs.filter((r) => r.status === 'done' && r.kind !== 'blend'),
    higherIsBetter,
  );
}

const STATUS_WORDS: Record<BoardRun['status'], string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  'timed-out': 'timed out',
};

function tokensText(tokens: number): string {
  return tokens >= 10_000
    ? `${Math.round(tokens / 1000)}k tokens`
    : `${tokens.toLocaleString('en-US')} tokens`;
}

/**
 * One line per run, best first: '1. **#3 · option 2, improved from #1** · ★ best · mae **87.96** · own CV 90.1 ·
 * done · 2 attempts · 1m 05s · 12k tokens · offline · [result](link)'. Scores only count for finished runs.
 */
export function boardLines(view: Omit<BoardView, 'sid' | 'planSeq'>): string[] {
  return boardRows(view).map((r) => r.line);
}

/** The board's rows best first, each with its run (as given) and its line. */
export function boardRows<T extends BoardRun>(
  view: Omit<BoardView, 'sid' | 'planSeq' | 'runs'> & { runs: T[] },
): { run: T; line: string }[] {
  const ranked = rankRuns(
    view.runs.map((run) => ({ ...counted(run), run })),
    view.higherIsBetter,
  );
  const best = bestRun(scoredOnly(view.runs), view.higherIsBetter);
  return ranked.map(({ run, ...r }, i) => ({ run, line: rowLine(r, i, best, view) }));
}

function rowLine(
  r: BoardRun,
  i: number,
  best: BoardRun | null,
  view: Pick<BoardView, 'metric' | 'links'>,
): string {
  const parts = [`${i + 1}. **${runTitle(r)}**`];
  if (best && r.n === best.n) parts.push('★ best');
  if (r.score !== null) parts.push(`${r.metric ?? view.metric} **${formatScore(r.score)}**`);
  else if (r.status === 'done') parts.push('no score');
  if (r.cvScore !== null) parts.push(`own CV ${formatScore(r.cvScore)}`);
  parts.push(
    r.status === 'running' && r.stage ? `running (stage ${r.stage})` : (STATUS_WORDS[r.status] ?? r.status),
  );
  if (r.attempts !== null) parts.push(`${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`);
  if (r.durationMs !== null) parts.push(formatElapsed(r.durationMs));
  if (r.tokens !== null) parts.push(tokensText(r.tokens));
  if (r.engine) parts.push(r.engine);
  if (r.note) parts.push(r.note);
  const link = view.links[r.n];
  if (link) parts.push(`[result](${link})`);
  else if (!r.note && (r.status === 'done' || r.status === 'failed'))
    parts.push(`result: “${runTitle(r)}” in this thread`);
  return parts.join(' · ');
}

/** A score counts once its run is done (a run in progress may carry a stale one). */
const counted = (r: BoardRun): BoardRun => (r.status === 'done' ? r : { ...r, score: null });
const scoredOnly = (runs: BoardRun[]): BoardRun[] => runs.map(counted);

export function renderBoard(view: BoardView): OutgoingMessage {
  const direction = view.higherIsBetter ? 'higher is better' : 'lower is better';
  const lines = boardLines(view);
  const best = bestRun(scoredOnly(view.runs), view.higherIsBetter);
  const blocks: Block[] = [
    { kind: 'heading', text: `Leaderboard · ${view.metric}, ${direction}` },
    ...lines.slice(0, MAX_ROWS).map((line): Block => ({ kind: 'text', text: line })),
  ];
  if (lines.length > MAX_ROWS)
    blocks.push({ kind: 'context', text: `… and ${lines.length - MAX_ROWS} more runs` });
  const blendable = blendCandidates(view.runs, view.higherIsBetter);
  blocks.push({
    kind: 'context',
    text:
      `${view.runs.length} run${view.runs.length === 1 ? '' : 's'} · ranked on the held-out rows by the harness` +
      (best ? ` · best: #${best.n}` : '') +
      ' · `improve [N]` improves a run (default: the best), `blend` combines the best ' +
      `${BLEND_MAX_MEMBERS} finished runs`,
  });
  const buttons: Button[] = [];
  const improvable = bestImprovable(view.runs, view.higherIsBetter);
  if (improvable)
    buttons.push({
      action: encodeAction({ kind: 'improve', sid: view.sid, planSeq: view.planSeq, run: improvable.n }),
      label: improvable.n === best?.n ? `Improve the best (#${improvable.n})` : `Improve #${improvable.n}`,
      style: 'primary',
    });
  if (
    blendable.length >= 2 &&
    !blendExists(
      view.runs,
      blendable.map((r) => r.n),
    )
  )
    buttons.push({
      action: encodeAction({ kind: 'blend', sid: view.sid, planSeq: view.planSeq }),
      label: `Blend ${blendable.map((r) => `#${r.n}`).join(', ')}`,
      style: 'default',
    });
  if (buttons.length) blocks.push({ kind: 'buttons', buttons });
  const top =
    best && best.score !== null ? ` Best: #${best.n}, ${view.metric} ${formatScore(best.score)}.` : '';
  return { text: `Leaderboard: ${view.runs.length} run${view.runs.length === 1 ? '' : 's'}.${top}`, blocks };
}
