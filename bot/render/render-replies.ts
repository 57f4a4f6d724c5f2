// Short replies of the conversation: acknowledgements, status, refusals and errors (help: render-help.ts).

import type { Block, OutgoingMessage } from '../../contract/messages.ts';
import { METRICS } from '../../core/harness/index.ts';
import type { Plan } from '../../core/types.ts';
import type { Session, StoredRun } from '../state/session-store.ts';
import { boardRows } from './render-board.ts';
import { CHOICES } from './render-plan.ts';
import { type TaskCardView, taskCardBlocks } from './render-task.ts';
import { runSubject } from './run-labels.ts';

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const text = (t: string, kind: 'text' | 'context' = 'text'): OutgoingMessage => ({
  text: t.replace(/\*\*|`/g, ''),
  blocks: [{ kind, text: t }],
});

const PLAN_STEPS: Record<string, string> = {
  profile: 'reading and profiling the data',
  instructions: 'asking the instructor for three ranked instructions',
  critique: 'the researcher is critiquing the options',
  resolver: 'the resolver is choosing and improving one',
  evidence: 'quick cross-validation of each option',
};

/**
 * The acknowledgement of a task, edited as the plan is made; once the task is understood it is the task card (what
 * was understood, and how to change it) with the plan's progress under it.
 */
export function planAck(step: string | null, done = false, card?: TaskCardView): OutgoingMessage {
  const detail = done ? 'the plan is ready: see below.' : step ? (PLAN_STEPS[step] ?? step) : 'queued';
  if (card) {
    return {
      text: `Task: predict ${card.spec.targets.join(', ')}, metric ${card.spec.metric}. ${done ? 'Plan ready.' : `Working on it: ${detail}`}`,
      blocks: [...taskCardBlocks(card), { kind: 'context', text: `Now: ${detail}` }],
      ...(done ? {} : { busy: true }),
    };
  }
  if (done) return text('Plan ready: see below.', 'context');
  const blocks: Block[] = [
    { kind: 'text', text: 'Got it. Working on three ranked instructions and the resolver’s choice…' },
    { kind: 'context', text: `Now: ${detail}` },
  ];
  return { text: `Working on it: ${detail}`, blocks, busy: true };
}

export function errorReply(message: string, hint?: string): OutgoingMessage {
  return text(`⚠️ ${message}${hint ? `\n${hint}` : ''}`);
}

/**
 * `status`: what the thread is doing (a run under way names itself and its stage, not "plan ready"), the votes, and
 * the runs in the leaderboard's order, the best marked.
 */
export function statusReply(
  session: Session,
  votes: Record<string, string>,
  runs: StoredRun[],
): OutgoingMessage {
  const current = runs.filter((r) => r.planSeq === session.planSeq);
  const open = current.filter((r) => r.status === 'queued' || r.status === 'running');
  const lines: string[] = [`**Status**: ${open.length ? describeRuns(open) : describeStatus(session)}`];
  if (session.plan) lines.push(voteSummary(session.plan, votes));
  if (current.length && session.plan) {
    const metric = session.plan.task.metric;
    const rows = boardRows({
      metric,
      higherIsBetter: METRICS[metric].higherIsBetter,
      runs: current,
      links: {},
    }).map(({ run, line }) => `${line} — started by ${run.startedBy.name}`);
    lines.push(`**Runs** (best first)\n${rows.join('\n')}`);
  } else lines.push('No runs yet.');
  return text(lines.join('\n'));
}

/** 'running #4 (option 1), stage training'; several: each, joined. */
function describeRuns(open: StoredRun[]): string {
  return open
    .sort((a, b) => a.n - b.n)
    .map((r) => {
      const what = `#${r.n} (${runSubject(r)})`;
      if (r.status === 'queued') return `queued ${what}`;
      return `running ${what}${r.stage ? `, stage ${r.stage}` : ', starting'}${r.attempt ? `, attempt ${r.attempt}` : ''}`;
    })
    .join('; ');
}

function describeStatus(session: Session): string {
  switch (session.status) {
    case 'awaiting-input':
      return session.understood && !session.understood.spec
        ? 'waiting for your answer: which column to predict (see the question above)'
        : 'waiting for a task with a CSV file';
    case 'planning':
      return 'working on the plan';
    case 'planned':
      return 'plan ready';
    case 'failed':
      return `the last task failed${session.error ? `: ${session.error}` : ''}`;
  }
}

function voteSummary(plan: Plan, votes: Record<string, string>): string {
  const parts = CHOICES.map((c) => {
    const n = Object.values(votes).filter((v) => v === c).length;
    const name =
      c === 'resolver'
        ? `resolver (${plan.resolver.instruction.title})`
        : `${c}. ${plan.instructions[Number(c) - 1]?.title}`;
    return `- ${name}: ${n} vote${n === 1 ? '' : 's'}`;
  });
  return `**Votes**\n${parts.join('\n')}`;
}
