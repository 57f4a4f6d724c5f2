// The `plan` job: intake and profile the CSV, three ranked instructions, critique and resolver; post the plan.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { BotContext } from './bot-context.ts';
import { planKey } from './delivery-keys.ts';
import { fileRefFor } from './file-refs.ts';
import { settleJobError } from './job-failure.ts';
import { type PlanJob, planJobId, planJobSchema } from './queues.ts';
import { planMarkdown, renderPlan } from './render-plan.ts';
import { planAck, text } from './render-replies.ts';
import { statedOverrides } from './task-text.ts';
import { throttledEdits } from './throttled-edits.ts';

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
    try {
      const pipeline = await ctx.pipeline();
      edits.push(planAck('profile'));
      const prepared = await pipeline.intake({
        text: session.text,
        files: session.files.map((f) => f.path),
        overrides: statedOverrides(session.text),
      });
      const plan = await pipeline.plan(prepared, {
        signal: tracker.signal,
        onProgress: (event) => {
          if (event.type === 'plan-step') edits.push(planAck(event.step));
        },
      });
      const markdown = planMarkdown(plan);
      const dir = await ctx.files.ensure(sid, 'plan');
      const mdPath = path.join(dir, `plan-${planSeq}.md`);
      await writeFile(mdPath, markdown);
      const saved = await ctx.store.update(sid, (s) =>
        s?.planSeq === planSeq ? { ...s, status: 'planned', plan, planMarkdown: mdPath, error: null } : null,
      );
      if (!saved || saved.planSeq !== planSeq) return 'stale';
      edits.push(planAck(null, true));
      await edits.flush();
      const votes = await ctx.store.votes(sid);
      const file = await fileRefFor(mdPath, 'instructions.md');
      await ctx.deliver.post(thread, renderPlan({ sid, planSeq, plan, votes, file }), planKey(data, 'plan'));
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
