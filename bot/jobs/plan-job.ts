// The `plan` job: the task understood (understand-task.ts: intake, the task card, or a question), three ranked
// instructions, critique and resolver; post the plan.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { OutgoingMessage } from '../../contract/messages.ts';
import type { Plan } from '../../core/types.ts';
import type { BotContext } from '../bot-context.ts';
import { fileRefFor } from '../render/file-refs.ts';
import { planMarkdown, renderPlan } from '../render/render-plan.ts';
import { planAck, text } from '../render/render-replies.ts';
import { keep } from '../store/index.ts';
import { planKey } from './delivery-keys.ts';
import { settleJobError } from './job-failure.ts';
import { type PlanJob, planJobId, planJobSchema } from './queues.ts';
import { throttledEdits } from './throttled-edits.ts';
import { understandTask } from './understand-task.ts';

export function createPlanProcessor(ctx: BotContext) {
  return async (job: Job<PlanJob>): Promise<string> => {
    const data = planJobSchema.parse(job.data);
    const { sid, planSeq } = data;
    const session = await ctx.store.get(sid);
    // A newer task in the same thread, or an expired session: this job has nothing left to do.
    if (!session || session.planSeq !== planSeq) return 'stale';
    const thread = session.thread;
    const jobId = planJobId(data);
    const ackKey = planKey(data, 'ack');
    const tracker = await ctx.cancels.track(jobId, ctx.config.PLAN_TIMEOUT_S * 1000);
    const edits = throttledEdits((m) => ctx.deliver.edit(thread, ackKey, m));
    /** Writes the plan's markdown and stores it on the session; false when a newer task took the thread. */
    const savePlan = async (plan: Plan): Promise<boolean> => {
      const dir = await ctx.files.ensure(sid, 'plan');
      const mdPath = path.join(dir, `plan-${planSeq}.md`);
      await writeFile(mdPath, planMarkdown(plan));
      // The front attaches it (from the store when this worker is another machine).
      await keep(ctx.fileStore, mdPath);
      const saved = await ctx.store.update(sid, (s) =>
        s?.planSeq === planSeq ? { ...s, status: 'planned', plan, planMarkdown: mdPath, error: null } : null,
      );
      return Boolean(saved && saved.planSeq === planSeq);
    };
    const postPlan = async (plan: Plan, send: (message: OutgoingMessage) => Promise<unknown>) => {
      const dir = await ctx.files.ensure(sid, 'plan');
      const votes = await ctx.store.votes(sid);
      const file = await fileRefFor(path.join(dir, `plan-${planSeq}.md`), 'instructions.md');
      await send(renderPlan({ sid, planSeq, plan, votes, file }));
    };
    try {
      const pipeline = await ctx.pipeline();
      edits.push(planAck('profile'));
      const understood = await understandTask(ctx, session, data, pipeline);
      if (understood.kind === 'stale') return 'stale';
      if (understood.kind === 'asked') {
        edits.push(
          text('I need one answer before planning: which column to predict (see below).', 'context'),
        );
        await edits.flush();
        return 'asked';
      }
      const { prepared, card } = understood;
      // The plan goes out after its three model calls; the quick cross-validation edits it when it lands.
      const draft = await pipeline.draftPlan(prepared, {
        signal: tracker.signal,
        onProgress: (event) => {
          if (event.type === 'plan-step') edits.push(planAck(event.step, false, card));
        },
      });
      const planKeyed = planKey(data, 'plan');
      if (!(await savePlan(draft))) return 'stale';
      edits.push(planAck(null, true, card));
      await edits.flush();
      await postPlan(draft, (message) => ctx.deliver.post(thread, message, planKeyed));
      const plan = await pipeline.addEvidence(draft, { signal: tracker.signal }).then(
        (outcome) => outcome.plan,
        (error: unknown) => {
          if (tracker.signal.aborted) throw error;
          // The posted plan stands without evidence; the reason is in the log and on the message.
          ctx.logger.warn(
            { err: error, sid, planSeq },
            'quick cross-validation failed; the plan stands without it',
          );
          const summary = `could not run (${error instanceof Error ? error.message : String(error)}); the resolver's choice stands.`;
          const firstChoice = draft.resolver.chose;
          return {
            ...draft,
            resolver: {
              ...draft.resolver,
              verdict: { firstChoice, evidenceBest: null, agrees: null, summary },
            },
          };
        },
      );
      if (!(await savePlan(plan))) return 'stale';
      await postPlan(plan, (message) => ctx.deliver.edit(thread, planKeyed, message));
      return plan.id;
    } catch (error) {
      edits.stop();
      const outcome = await settleJobError(error, {
        ctx,
        job,
        jobId,
        thread,
        tracker,
        what: 'planning',
        timeoutSeconds: ctx.config.PLAN_TIMEOUT_S,
        onFinal: async (outcome, message) => {
          await ctx.store.update(sid, (s) =>
            s?.planSeq === planSeq ? { ...s, status: 'failed', error: message } : null,
          );
          // Here, not after settleJobError: it throws for a failure or a timeout, and the acknowledgement
          // must not keep saying "working on it" under the error reply.
          await ctx.deliver.edit(
            thread,
            ackKey,
            text(
              outcome === 'cancelled' ? 'Planning cancelled.' : 'Planning stopped: the reason is below.',
              'context',
            ),
          );
        },
      });
      return outcome;
    } finally {
      edits.stop();
      tracker.release();
    }
  };
}
