// Starts a run (Run or Vanilla pressed, `rerun`, Improve, Blend): who may, one open run per run key, the thread's
// next run number, the leaderboard, then the run job. Every kind goes through the same run queue and worker.

import type { ThreadRef } from '../../contract/messages.ts';
import { METRICS } from '../../core/harness/index.ts';
import type { Choice, RunKind } from '../../core/types.ts';
import { runKey } from '../jobs/delivery-keys.ts';
import { JOB_OPTIONS, type RunJob, runJobId } from '../jobs/queues.ts';
import { BLEND_MAX_MEMBERS, bestImprovable, blendCandidates, blendExists } from '../render/render-board.ts';
import { capitalise, errorReply, text } from '../render/render-replies.ts';
import { renderRunProgress, runAtStart } from '../render/render-result.ts';
import { type RunNaming, runSubject } from '../render/run-labels.ts';
import { refreshBoard } from '../state/board.ts';
import type { Session, StoredRun } from '../state/session-store.ts';
import type { EventContext } from './event-context.ts';

/** What to run: an option (or the vanilla control), an improvement of run #parent, or a blend of the best runs. */
export type RunRequest =
  | { kind: 'choice'; choice: Choice }
  | { kind: 'improve'; parent: number | null }
  | { kind: 'blend' }
  | { kind: 'auto'; budgetS: number };

/** A run about to start: its key (one open run per key), its naming and, for improve and blend, the runs it reads. */
interface Planned {
  key: string;
  naming: Omit<RunNaming, 'n'>;
}

export async function startRun(
  cx: EventContext,
  session: Session,
  request: RunRequest | Choice,
  thread: ThreadRef,
): Promise<void> {
  const { store, deliver, config, queues } = cx.bot;
  const user = cx.event.user;
  const req: RunRequest = typeof request === 'string' ? { kind: 'choice', choice: request } : request;
  if (!session.plan) {
    await cx.reply(errorReply('The plan is not ready yet; I will post it in this thread.'), { thread });
    return;
  }
  if (config.RUN_PERMISSION === 'author' && user.id !== session.author.id) {
    await cx.reply(
      errorReply(
        `Sorry ${user.name}, only ${session.author.name}, who posted the task, can start runs here.`,
      ),
      { thread },
    );
    return;
  }
  const list = (await store.runList(session.id)).filter((r) => r.planSeq === session.planSeq);
  const planned = planRun(req, list, METRICS[session.plan.task.metric].higherIsBetter);
  if ('refusal' in planned) {
    await cx.reply(errorReply(planned.refusal), { thread });
    return;
  }
  const { key, naming } = planned;
  const runs = await store.runs(session.id);
  const previous = runs[key];
  const seq = (previous?.seq ?? 0) + 1;
  const job: RunJob = {
    sid: session.id,
    planSeq: session.planSeq,
    choice: naming.choice,
    seq,
    ...(key !== naming.choice ? { key } : {}),
    ...(req.kind === 'auto' ? { budgetS: req.budgetS } : {}),
  };
  const jobId = runJobId(job);
  if (!(await store.lockRun(session.id, key, jobId, config.RUN_TIMEOUT_S + 900))) {
    const who = previous?.startedBy.name ? ` (started by ${previous.startedBy.name})` : '';
    const what = previous ? runSubject(previous) : runSubject({ ...naming, n: 0 });
    await cx.reply(
      text(
        `${capitalise(what)} is already running${who}. \`status\` shows its progress, \`cancel\` stops it.`,
      ),
      // Answered again when a later press finds a later run of this key running.
      { thread, about: previous?.jobId },
    );
    return;
  }
  const n = await store.nextRunNumber(session.id);
  await store.setRun(session.id, key, {
    n,
    ...naming,
    members: [...naming.members],
    seq,
    planSeq: session.planSeq,
    jobId,
    status: 'queued',
    startedBy: user,
    startedAt: new Date().toISOString(),
    stage: null,
    attempt: null,
    score: null,
    metric: null,
    cvScore: null,
    attempts: null,
    durationMs: null,
    tokens: null,
    engine: null,
    change: null,
    resultKey: null,
    dir: null,
    predictions: false,
    note: null,
  });
  const choice = naming.choice;
  if (naming.kind === 'option' || naming.kind === 'vanilla') {
    if (choice) await store.update(session.id, (s) => (s ? { ...s, lastRun: { choice, seq } } : null));
  }
  await deliver.post(
    thread,
    renderRunProgress(runAtStart({ ...naming, n }, user.name, 'queued')),
    runKey(jobId, 'status'),
  );
  await refreshBoard(cx.bot, session.id, { mayPost: false });
  await queues.run.add('run', job, { ...JOB_OPTIONS.run, jobId });
}

/** The run key and naming of a request, or why it cannot start (no such run, nothing to blend yet). */
export function planRun(
  req: RunRequest,
  runs: StoredRun[],
  higherIsBetter: boolean,
): Planned | { refusal: string } {
  if (req.kind === 'choice') {
    const kind: RunKind = req.choice === 'vanilla' ? 'vanilla' : 'option';
    return { key: req.choice, naming: { kind, choice: req.choice, parent: null, members: [] } };
  }
  if (req.kind === 'auto') {
    return { key: 'auto', naming: { kind: 'auto', choice: null, parent: null, members: [] } };
  }
  if (req.kind === 'improve') {
    const target =
      req.parent === null
        ? bestImprovable(
            runs.filter((r) => r.score !== null && r.n > 0),
            higherIsBetter,
          )
        : runs.find((r) => r.n === req.parent);
    if (!target) {
      return {
        refusal:
          req.parent === null
            ? 'There is no finished run with a score to improve yet. Run an option first.'
            : `There is no run #${req.parent} in this thread.`,
      };
    }
    if (target.kind === 'blend') {
      return {
        refusal: `Run #${target.n} is a blend; improve one of the runs it combines (${target.members.map((m) => `#${m}`).join(', ')}).`,
      };
    }
    if (target.status !== 'done' || target.score === null || !target.dir) {
      return {
        refusal: `Run #${target.n} has no score to improve on (${target.status === 'done' ? 'it produced no valid submission' : `it is ${target.status}`}).`,
      };
    }
    return {
      key: `improve-${target.n}`,
      naming: { kind: 'improve', choice: target.choice, parent: target.n, members: [] },
    };
  }
  const members = blendCandidates(runs, higherIsBetter);
  if (members.length < 2) {
    return {
      refusal: `A blend needs two finished runs with a score and predictions; this thread has ${members.length}. Run another option first.`,
    };
  }
  const chosen = members
    .map((r) => r.n)
    .slice(0, BLEND_MAX_MEMBERS)
    .sort((a, b) => a - b);
  if (blendExists(runs, chosen)) {
    return {
      refusal: `A blend of ${chosen.map((n) => `#${n}`).join(', ')} is already on the leaderboard; run or improve another option first.`,
    };
  }
  return { key: 'blend', naming: { kind: 'blend', choice: null, parent: null, members: chosen } };
}
