// The plan job's first step: intake of the thread's task (its text, files and the replies that correct it), kept in
// the session as what was understood. Either the task goes on to be planned, with its card, or the thread is asked
// which column to predict, with choices, and the plan waits for the answer.

import type { PreparedTask } from '../../core/index.ts';
import { TargetQuestion } from '../../core/intake/index.ts';
import type { BotContext } from '../bot-context.ts';
import type { Pipeline } from '../pipeline.ts';
import { renderChoices, type TaskCardView } from '../render/render-task.ts';
import type { Session } from '../state/session-store.ts';
import { specChanges, type Understood } from '../state/task-understood.ts';
import { keep as keepFile, keyOf, localise } from '../store/index.ts';
import { planKey } from './delivery-keys.ts';
import { requireFiles } from './job-files.ts';
import type { PlanJob } from './queues.ts';

export type Understanding =
  | { kind: 'understood'; prepared: PreparedTask; card: TaskCardView }
  | { kind: 'asked' }
  /** A newer task in the thread took over meanwhile. */
  | { kind: 'stale' };

export async function understandTask(
  ctx: BotContext,
  session: Session,
  job: PlanJob,
  pipeline: Pipeline,
): Promise<Understanding> {
  const { sid, planSeq } = job;
  const keep = (understood: Understood, status?: Session['status']) =>
    ctx.store.update(sid, (s) =>
      s?.planSeq === planSeq ? { ...s, understood, ...(status ? { status, error: null } : {}) } : null,
    );
  // Outside the try below: a missing upload is the bot's fault, retried, never "your file could not be opened".
  // The uploads from the file store: a worker on another machine than the front reads its own copies.
  const uploads = await Promise.all(
    session.files.map(async (f) => ({ name: f.name, path: await localise(ctx.fileStore, f.path) })),
  );
  await requireFiles(
    uploads.map((f) => ({ ...f, kind: 'uploaded file' as const })),
    ctx.fileStore.where,
  );
  try {
    const outcome = await pipeline.intake({
      text: session.text,
      files: uploads.map((f) => f.path),
      notes: session.notes,
    });
    // Files intake made in the session's folder (the tables and pictures of a zip) go to the store for the runs.
    const made = [outcome.task.trainFile, outcome.task.testFile, ...outcome.task.extraFiles].filter(
      (p): p is string =>
        typeof p === 'string' && !uploads.some((u) => u.path === p) && keyOf(ctx.fileStore.root, p) !== null,
    );
    for (const p of made) await keepFile(ctx.fileStore, p);
    const changes = specChanges(session.understood?.spec ?? null, outcome.task);
    const understood: Understood = {
      facts: outcome.facts,
      choices: outcome.choices,
      spec: outcome.task,
      rows: outcome.profile.rows,
      metrics: [],
      changes,
    };
    const saved = await keep(understood);
    if (saved?.planSeq !== planSeq) return { kind: 'stale' };
    const prepared: PreparedTask = { task: outcome.task, profile: outcome.profile };
    return {
      kind: 'understood',
      prepared,
      card: { sid, planSeq, spec: outcome.task, rows: outcome.profile.rows, changes },
    };
  } catch (error) {
    if (!(error instanceof TargetQuestion)) throw error;
    const understood: Understood = {
      facts: error.facts,
      choices: error.choices,
      spec: null,
      rows: null,
      metrics: error.metrics,
      changes: [],
    };
    const saved = await keep(understood, 'awaiting-input');
    if (saved?.planSeq !== planSeq) return { kind: 'stale' };
    await ctx.deliver.post(
      session.thread,
      renderChoices({ sid, planSeq, field: 'target', asking: true, understood }),
      planKey(job, 'question'),
    );
    return { kind: 'asked' };
  }
}
