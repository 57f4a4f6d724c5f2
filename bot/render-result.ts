// Renders a run's progress and its result (score beside the baseline, code, log tail, notebook, chart).
import { noteLine, usageLine } from '../core/index.ts';
import { type Choice, type RunResult, STAGES, type StageName } from '../core/types.ts';
import type { RunFiles } from './file-refs.ts';
import type { Block, OutgoingMessage } from './messages.ts';
import { choiceLabel } from './render-plan.ts';

/** Inline code up to this size; longer code goes as a file. */
const INLINE_CODE_MAX_LINES = 60;
const INLINE_CODE_MAX_CHARS = 3500;
const LOG_TAIL_LINES = 15;

export interface RunProgressView {
  choice: Choice;
  startedBy: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  stage: StageName | null;
  /** 1-based index of the stage being written, 0 before the first. */
  stageIndex: number;
  attempt: number | null;
  maxAttempts: number | null;
  elapsedMs: number;
  detail?: string;
}

/** A run with no progress yet: just queued, just picked up by a worker, or cancelled before it ran. */
export function runAtStart(
  choice: Choice,
  startedBy: string,
  status: RunProgressView['status'],
  elapsedMs = 0,
): RunProgressView {
  return {
    choice,
    startedBy,
    status,
    stage: null,
    stageIndex: 0,
    attempt: null,
    maxAttempts: null,
    elapsedMs,
  };
}

function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export function renderRunProgress(v: RunProgressView): OutgoingMessage {
  const who = `${choiceLabel(v.choice)} (started by ${v.startedBy})`;
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
    };
  }
  const stageText = v.stage ? `stage ${v.stageIndex} of 4 (${v.stage})` : 'starting';
  const attemptText = v.attempt ? `, attempt ${v.attempt}${v.maxAttempts ? ` of ${v.maxAttempts}` : ''}` : '';
  const state =
    v.status === 'running'
      ? 'running'
      : v.status === 'done'
        ? 'finished'
        : v.status === 'failed'
          ? 'failed'
          : 'cancelled';
  const detail = `${stageText}${attemptText} · ${formatElapsed(v.elapsedMs)} elapsed${v.detail ? ` · ${v.detail}` : ''}`;
  const step = v.status === 'done' ? 4 : Math.min(4, Math.max(0, v.stageIndex));
  return {
    text: `Run of ${who} ${state}: ${detail}`,
    blocks: [{ kind: 'progress', label: `Run of ${who}: ${state}`, step, total: 4, detail }],
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

/** Pure: the run's files are read beforehand (`runFilesOf`), so rendering does no I/O. */
export function renderRunResult(result: RunResult, choice: Choice, files: RunFiles): OutgoingMessage {
  const blocks: Block[] = [];
  const direction = result.higherIsBetter ? 'higher is better' : 'lower is better';
  let headline: string;
  if (result.ok && result.score !== null) {
    const baseline = result.baseline
      ? ` (baseline ${result.baseline.name}: ${formatScore(result.baseline.score)})`
      : '';
    headline = `Score of ${choiceLabel(choice)}: ${result.metric} ${formatScore(result.score)}${baseline}, ${direction}`;
    blocks.push({ kind: 'heading', text: `Score: ${result.metric} ${formatScore(result.score)}` });
    blocks.push({
      kind: 'text',
      text:
        `**${result.metric} ${formatScore(result.score)}** on the held-out rows` +
        (result.baseline
          ? ` · baseline (${result.baseline.name}): ${formatScore(result.baseline.score)}`
          : '') +
        ` · ${direction}` +
        (result.cvScore !== null ? `\nThe code's own cross-validation: ${formatScore(result.cvScore)}` : ''),
    });
  } else {
    headline = `The run of ${choiceLabel(choice)} did not produce a valid submission.`;
    blocks.push({ kind: 'heading', text: 'No score' });
    blocks.push({
      kind: 'text',
      text: `${headline}\n${result.error ? `Last error: ${result.error.slice(0, 600)}` : ''}`.trim(),
    });
  }
  const attempts = result.attempts.length;
  blocks.push({
    kind: 'context',
    text: `${choiceLabel(choice)} · ${attempts} attempt${attempts === 1 ? '' : 's'} · ${formatElapsed(result.durationMs)}`,
  });
  const handled = result.notes ?? [];
  blocks.push({
    kind: 'context',
    text:
      `Models: ${usageLine(result.usage)}` +
      (handled.length > 0 ? ` · answers handled: ${handled.map(noteLine).join('; ').slice(0, 300)}` : ''),
  });
  const lines = result.code.split('\n').length;
  if (result.code && lines <= INLINE_CODE_MAX_LINES && result.code.length <= INLINE_CODE_MAX_CHARS) {
    blocks.push({ kind: 'code', language: 'python', code: result.code, filename: 'solution.py' });
  } else {
    if (files.code) blocks.push({ kind: 'file', file: files.code });
    else if (result.code)
      blocks.push({
        kind: 'code',
        language: 'python',
        code: result.code.slice(0, INLINE_CODE_MAX_CHARS),
        filename: 'solution.py',
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
    blocks.push({ kind: 'image', file: files.chart, alt: `Chart from ${choiceLabel(choice)}` });
  for (const f of [files.notebook, files.submission, files.log])
    if (f) blocks.push({ kind: 'file', file: f });
  return { text: headline, blocks };
}
