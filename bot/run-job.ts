// The `run` job: staged code, sandbox runs with repairs, the score; one status message edited at most once a second.
import { rm } from 'node:fs/promises';
import type { Job } from 'bullmq';
import type { StageName } from '../core/types.ts';
import type { BotContext } from './bot-context.ts';
import { runKey } from './delivery-keys.ts';
import { runFilesOf } from './file-refs.ts';
import { settleJobError } from './job-failure.ts';
import { type RunJob, runJobId, runJobSchema } from './queues.ts';
import { choiceLabel } from './render-plan.ts';
import { errorReply } from './render-replies.ts';
import { renderRunProgress, renderRunResult, runAtStart, stageIndexOf } from './render-result.ts';
import { throttledEdits } from './throttled-edits.ts';

/** How often the elapsed time on the status message moves when no progress event arrives. */
const TICK_MS = 5000;

export function createRunProcessor(ctx: BotContext) {
  return async (job: Job<RunJob>): Promise<string> => {
    const data = runJobSchema.parse(job.data);
    const { sid, choice } = data;
    const jobId = runJobId(data);
    const session = await ctx.store.get(sid);
    const runState = (await ctx.store.runs(sid))[choice];
    if (!session?.plan || session.planSeq !== data.planSeq) {
      await ctx.store.unlockRun(sid, choice, jobId);
      if (session) {
        await ctx.deliver.post(
          session.thread,
          errorReply('That plan was replaced by a newer task in this thread; run an option of the new plan.'),
          runKey(jobId, 'stale'),
        );
      }
      return 'stale';
    }
    const { thread, plan } = session;
    const statusKey = runKey(jobId, 'status');
    const view = runAtStart(choice, runState?.startedBy.name ?? 'someone', 'running');
    const started = Date.now();
    const tracker = await ctx.cancels.track(jobId, ctx.config.RUN_TIMEOUT_S * 1000);
    const edits = throttledEdits((m) => ctx.deliver.edit(thread, statusKey, m));
    const show = () => edits.push(renderRunProgress({ ...view, elapsedMs: Date.now() - started }));
    const ticker = setInterval(show, TICK_MS);
    try {
      // The conversation posted this when Run was pressed; after a crash the key is found and nothing doubles.
      await ctx.deliver.post(thread, renderRunProgress({ ...view, status: 'queued' }), statusKey);
      if (tracker.signal.aborted) throw tracker.signal.reason;
      await ctx.store.patchRun(sid, choice, jobId, { status: 'running' });
      show();
      const runFolder = ['runs', `${data.planSeq}-${choice}-${data.seq}`];
      // A retried job starts from a clean folder, not from the half-written files of the crashed attempt.
      await rm(await ctx.files.ensure(sid, ...runFolder), { recursive: true, force: true });
      const outPath = await ctx.files.ensure(sid, ...runFolder);
      const pipeline = await ctx.pipeline();
      const result = await pipeline.run(plan, choice, {
        outDir: outPath,
        signal: tracker.signal,
        onProgress: (event) => {
          if (event.type === 'stage') {
            view.stage = event.stage as StageName;
            view.stageIndex = stageIndexOf(event.stage);
          } else if (event.type === 'attempt') {
            view.attempt = event.n;
            view.maxAttempts = event.max;
            view.detail =
              event.status === 'running'
                ? 'running in the sandbox'
                : event.status === 'failed'
                  ? 'repairing after an error'
                  : 'checking the submission';
          } else if (event.type === 'score') {
            view.detail = 'scoring';
          } else return;
          show();
        },
      });
      clearInterval(ticker);
      view.status = result.ok ? 'done' : 'failed';
      view.detail = undefined;
      if (result.ok) view.stageIndex = 4;
      edits.push(renderRunProgress({ ...view, elapsedMs: Date.now() - started }));
      await edits.flush();
      await ctx.deliver.post(
        thread,
        renderRunResult(result, choice, await runFilesOf(result)),
        runKey(jobId, 'result'),
      );
      await ctx.store.patchRun(sid, choice, jobId, {
        status: result.ok ? 'done' : 'failed',
        score: result.score,
        metric: result.metric,
        stage: view.stage,
        attempt: view.attempt,
      });
      return result.ok ? `score ${result.score}` : 'no valid submission';
    } catch (error) {
      clearInterval(ticker);
      edits.stop();
      const outcome = await settleJobError(error, {
        ctx,
        job,
        jobId,
        thread,
        tracker,
        what: `the run of ${choiceLabel(choice)}`,
        timeoutSeconds: ctx.config.RUN_TIMEOUT_S,
        onFinal: async (outcome) => {
          await ctx.store.patchRun(sid, choice, jobId, {
            status: outcome === 'cancelled' ? 'cancelled' : 'failed',
          });
          await ctx.deliver.edit(
            thread,
            statusKey,
            renderRunProgress({ ...view, status: outcome, elapsedMs: Date.now() - started }),
          );
        },
      });
      return outcome;
    } finally {
      clearInterval(ticker);
      edits.stop();
      tracker.release();
      // Retried jobs keep the lock; a final outcome (done, failed, cancelled) frees the choice for a rerun.
      const willRetry = ctx.shuttingDown() && tracker.signal.aborted;
      if (!willRetry) await releaseIfFinal(ctx, sid, choice, jobId);
    }
  };
}

async function releaseIfFinal(ctx: BotContext, sid: string, choice: string, jobId: string): Promise<void> {
  const run = (await ctx.store.runs(sid))[choice];
  if (!run || run.jobId !== jobId || run.status !== 'running') await ctx.store.unlockRun(sid, choice, jobId);
}
