// Renders a run's progress and its result (score beside the baseline, code, log tail, notebook, chart).

import type { Block, Button, OutgoingMessage } from '../../contract/messages.ts';
import { noteLine, usageLine } from '../../core/index.ts';
import { type RunResult, STAGES, type StageName } from '../../core/types.ts';
import { encodeAction } from './action-ids.ts';
import { type RunFiles, runFileName } from './file-refs.ts';
import { type RunNaming, runSubject, runTitle } from './run-labels.ts';

/** Code up to this size goes as a code block (surfaces show it inline or as a snippet within their limits). */
const CODE_BLOCK_MAX_CHARS = 60_000;
const LOG_TAIL_LINES = 15;
/** The script's last line on the status, cut to this. */
const SCRIPT_LINE_CHARS = 120;

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'timed-out';

export interface RunProgressView {
  run: RunNaming;
  startedBy: string;
  status: RunStatus;
  stage: StageName | null;
  /** 1-based index of the stage being written, 0 before the first. */
  stageIndex: number;
  attempt: number | null;
  maxAttempts: number | null;
  elapsedMs: number;
  detail?: string;
  /** While the script runs in the sandbox: what it last reported (its fold, its last line); null before it says. */
  sandbox?: { line: string | null; fold: { k: number; n: number } | null } | null;
  /** Timed out: the limit it ran into, in seconds. */
  limitSeconds?: number;
}

/** A run with no progress yet: just queued, just picked up by a worker, or cancelled before it ran. */
export function runAtStart(
  run: RunNaming,
  startedBy: string,
  status: RunStatus,
  elapsedMs = 0,
): RunProgressView {
  return {
    run,
    startedBy,
    status,
    stage: null,
    stageIndex: 0,
    attempt: null,
    maxAttempts: null,
    elapsedMs,
  };
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

const shorten = (line: string, max: number) => {
  const one = line.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1).trimEnd()}…`;
};

/**
 * The status message of a run. Writing code: stage k of 4 as the bar. In the sandbox: what the script reports (fold
 * k of n as the bar, its last line), not a full bar. Finished: a full bar. Failed, cancelled and timed out: each its
 * own words, the bar where the run stopped (never full).
 */
export function renderRunProgress(v: RunProgressView): OutgoingMessage {
  const number = v.run.n > 0 ? `#${v.run.n}, ` : '';
  const who = `${runSubject(v.run)} (${number}started by ${v.startedBy})`;
  const elapsed = `${formatElapsed(v.elapsedMs)} elapsed`;
  if (v.status === 'queued') {
    return {
      text: `Run of ${who} is queued.`,
      blocks: [
        {
          kind: 'progress',
          label: `Run of ${who}: queued`,
          step: 0,
          total: 4,
          detail: 'waiting for a worker',
        },
      ],
      busy: true,
    };
  }
  const stageText = v.stage ? `stage ${v.stageIndex} of 4 (${v.stage})` : 'starting';
  const attemptText = v.attempt ? `attempt ${v.attempt}${v.maxAttempts ? ` of ${v.maxAttempts}` : ''}` : '';
  const stagesDone = Math.min(3, Math.max(0, v.stageIndex - 1));
  let state: string;
  let detail: string;
  let step: number;
  let total = 4;
  switch (v.status) {
    case 'running':
      if (v.sandbox) {
        const fold = v.sandbox.fold;
        state = 'running in the sandbox';
        detail = [
          fold ? `fold ${fold.k} of ${fold.n}` : 'script started',
          attemptText,
          elapsed,
          v.sandbox.line ? `last line: ${shorten(v.sandbox.line, SCRIPT_LINE_CHARS)}` : '',
        ]
          .filter(Boolean)
          .join(' · ');
        step = fold ? Math.min(fold.k, fold.n) : 0;
        total = fold ? Math.max(1, fold.n) : 1;
      } else {
        state = 'running';
        detail = `${stageText}${attemptText ? `, ${attemptText}` : ''} · ${elapsed}${v.detail ? ` · ${v.detail}` : ''}`;
        step = Math.min(4, Math.max(0, v.stageIndex));
      }
      break;
    case 'done':
      state = 'finished';
      detail = `${v.attempt ? `${v.attempt} attempt${v.attempt === 1 ? '' : 's'}` : 'done'} · ${formatElapsed(v.elapsedMs)} in all`;
      step = 4;
      break;
    case 'failed':
      state = 'failed';
      detail = `stopped ${v.stage ? `at ${stageText}` : 'before writing code'}${attemptText ? `, ${attemptText}` : ''} after ${formatElapsed(v.elapsedMs)} · the reason is below`;
      step = stagesDone;
      break;
    case 'cancelled':
      state = 'cancelled';
      detail = `cancelled ${v.stage ? `at ${stageText}` : 'before it started'} after ${formatElapsed(v.elapsedMs)}`;
      step = stagesDone;
      break;
    case 'timed-out':
      state = 'timed out';
      detail = `stopped at the ${v.limitSeconds ? `${v.limitSeconds} s ` : ''}time limit${v.stage ? `, at ${stageText}` : ''} after ${formatElapsed(v.elapsedMs)}`;
      step = stagesDone;
      break;
  }
  return {
    text: `Run of ${who} ${state}: ${detail}`,
    blocks: [{ kind: 'progress', label: `Run of ${who}: ${state}`, step, total, detail }],
    // Still at work while it runs (Slack's assistant status line, Discord's typing); its last edit ends that.
    ...(v.status === 'running' ? { busy: true } : {}),
  };
}

export function stageIndexOf(stage: StageName): number {
  return STAGES.indexOf(stage) + 1;
}

export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(4)));
}

function tail(text: string, lines: number): string {
  return text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
}

/** The buttons a result offers: Improve on a scored run, Blend once two runs left predictions. */
export interface ResultActions {
  sid: string;
  planSeq: number;
  /** Offer Blend (two or more finished runs with predictions, counting this one). */
  blend: boolean;
}

/** The tokens a run's model calls used (prompt + completion). */
export function tokensOf(result: Pick<RunResult, 'usage'>): number {
  return result.usage.reduce((sum, u) => sum + u.promptTokens + u.completionTokens, 0);
}

/** Pure: the run's files are read beforehand (`runFilesOf`), so rendering does no I/O. */
export function renderRunResult(
  result: RunResult,
  run: RunNaming,
  files: RunFiles,
  actions?: ResultActions,
): OutgoingMessage {
  const blocks: Block[] = [];
  const title = runTitle(run);
  const direction = result.higherIsBetter ? 'higher is better' : 'lower is better';
  const scored = result.ok && result.score !== null;
  let headline: string;
  blocks.push({ kind: 'heading', text: title });
  if (scored && result.score !== null) {
    const baseline = result.baseline
      ? ` (baseline ${result.baseline.name}: ${formatScore(result.baseline.score)})`
      : '';
    headline = `${title}: Score ${result.metric} ${formatScore(result.score)}${baseline}, ${direction}`;
    blocks.push({
      kind: 'text',
      text:
        `**Score: ${result.metric} ${formatScore(result.score)}** on the held-out rows` +
        (result.baseline
          ? ` · baseline (${result.baseline.name}): ${formatScore(result.baseline.score)}`
          : '') +
        ` · ${direction}` +
        (result.cvScore !== null ? `\nThe code's own cross-validation: ${formatScore(result.cvScore)}` : ''),
    });
  } else {
    headline = `${title}: No score. The run did not produce a valid submission.`;
    blocks.push({
      kind: 'text',
      text: `**No score**: the run did not produce a valid submission.${result.error ? `\nLast error: ${result.error.slice(0, 600)}` : ''}`,
    });
  }
  if (result.change) {
    blocks.push({
      kind: 'text',
      text: `${run.kind === 'blend' ? 'Blend' : run.kind === 'auto' ? 'Picked by cross-validation' : 'Change'}: ${result.change.slice(0, 600)}`,
    });
  }
  if (result.blend && result.blend.members.length > 0) {
    blocks.push({
      kind: 'context',
      text: `Weights: ${result.blend.members
        .map(
          (m) =>
            `${m.label} ${formatScore(m.weight)}${m.score !== null ? ` (alone ${formatScore(m.score)})` : ''}`,
        )
        .join(' · ')
        .slice(0, 600)}`,
    });
  }
  const attempts = result.attempts.length;
  blocks.push({
    kind: 'context',
    text: `${title} · ${attempts} attempt${attempts === 1 ? '' : 's'} · ${formatElapsed(result.durationMs)}`,
  });
  const handled = result.notes ?? [];
  blocks.push({
    kind: 'context',
    text:
      `Models: ${usageLine(result.usage)}` +
      (handled.length > 0 ? ` · answers handled: ${handled.map(noteLine).join('; ').slice(0, 300)}` : ''),
  });
  const codeName = files.code?.name ?? runFileName(run.n, 'solution.py');
  if (result.code && result.code.length <= CODE_BLOCK_MAX_CHARS) {
    blocks.push({ kind: 'code', language: 'python', code: result.code, filename: codeName });
  } else if (files.code) {
    blocks.push({ kind: 'file', file: files.code });
  } else if (result.code) {
    blocks.push({
      kind: 'code',
      language: 'python',
      code: result.code.slice(0, CODE_BLOCK_MAX_CHARS),
      filename: codeName,
    });
  }
  const last = result.attempts.at(-1);
  if (last) {
    const log = [tail(last.stdoutTail, LOG_TAIL_LINES), tail(last.stderrTail, LOG_TAIL_LINES)]
      .filter(Boolean)
      .join('\n');
    if (log)
      blocks.push({
        kind: 'code',
        language: 'text',
        code: tail(log, LOG_TAIL_LINES),
        filename: 'last log lines',
      });
  }
  if (files.chart)
    blocks.push({
      kind: 'image',
      file: files.chart,
      alt: `Held-out predictions against the truth, ${title}`,
    });
  if (files.importance)
    blocks.push({ kind: 'image', file: files.importance, alt: `Feature importance, ${title}` });
  for (const f of [files.notebook, files.submission, files.log])
    if (f) blocks.push({ kind: 'file', file: f });
  if (actions) {
    const buttons: Button[] = [];
    if (scored && run.n > 0 && run.kind !== 'blend')
      buttons.push({
        action: encodeAction({ kind: 'improve', sid: actions.sid, planSeq: actions.planSeq, run: run.n }),
        label: `Improve #${run.n}`,
        style: 'primary',
      });
    if (actions.blend)
      buttons.push({
        action: encodeAction({ kind: 'blend', sid: actions.sid, planSeq: actions.planSeq }),
        label: 'Blend the best runs',
        style: 'default',
      });
    if (buttons.length) blocks.push({ kind: 'buttons', buttons });
    if (run.n > 0) {
      const rate = (value: 'good' | 'bad') =>
        encodeAction({ kind: 'feedback', sid: actions.sid, planSeq: actions.planSeq, run: run.n, value });
      return { text: headline, blocks, feedback: { good: rate('good'), bad: rate('bad') } };
    }
  }
  return { text: headline, blocks };
}
