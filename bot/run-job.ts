// The `run` job: an option's (or the vanilla control's) staged code, an improvement of an earlier run, or a blend of
// the best runs; sandbox runs with repairs, the score; one status message edited at most once a second, the result,
// and the thread's leaderboard.
import { rm } from 'node:fs/promises';
import type { Job } from 'bullmq';
import { LinguacodusError } from '../common/errors.ts';
import type { ProgressEvent, RunKind, RunResult, StageName } from '../core/types.ts';
import { refreshBoard } from './board.ts';
import type { BotContext } from './bot-context.ts';
import { runKey } from './delivery-keys.ts';
import { runFilesOf } from './file-refs.ts';
import { settleJobError } from './job-failure.ts';
import { requireFiles, taskFiles } from './job-files.ts';
import { type RunJob, runJobId, runJobSchema, runKeyOf } from './queues.ts';
import { blendCandidates, blendExists } from './render-board.ts';
import { errorReply } from './render-replies.ts';
import {
  type RunProgressView,
  renderRunProgress,
  renderRunResult,
  runAtStart,
  stageIndexOf,
  tokensOf,
} from './render-result.ts';
import { type RunNaming, runWhat } from './run-labels.ts';
import type { StoredRun } from './session-store.ts';
import { throttledEdits } from './throttled-edits.ts';

/** How often the elapsed time on the status message moves when no progress event arrives. */
const TICK_MS = 5000;
/** How long the job waits for its result message to be delivered, for the leaderboard's link to it. */
const LINK_WAIT_MS = 10_000;

/** The run's naming from its record, or from the job alone when the record is another job's (or gone). */
function namingOf(data: RunJob, run: StoredRun | undefined, jobId: string): RunNaming {
  if (run && run.jobId === jobId) return run;
  const key = runKeyOf(data);
  const kind: RunKind =
    key === 'blend'
      ? 'blend'
      : key.startsWith('improve-')
        ? 'improve'
        : data.choice === 'vanilla'
          ? 'vanilla'
          : 'option';
  const parent = kind === 'improve' ? Number(key.slice('improve-'.length)) : null;
  return { n: 0, kind, choice: data.choice, parent, members: [] };
}

export function createRunProcessor(ctx: BotContext) {
  return async (job: Job<RunJob>): Promise<string> => {
    const data = runJobSchema.parse(job.data);
    const { sid } = data;
    const key = runKeyOf(data);
    const jobId = runJobId(data);
    const session = await ctx.store.get(sid);
    const runs = await ctx.store.runs(sid);
    const runState = runs[key];
    if (!session?.plan || session.planSeq !== data.planSeq) {
      await ctx.store.unlockRun(sid, key, jobId);
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
    const naming = namingOf(data, runState, jobId);
    const statusKey = runKey(jobId, 'status');
    const view: RunProgressView = runAtStart(naming, runState?.startedBy.name ?? 'someone', 'running');
    const started = Date.now();
    const tracker = await ctx.cancels.track(jobId, ctx.config.RUN_TIMEOUT_S * 1000);
    const edits = throttledEdits((m) => ctx.deliver.edit(thread, statusKey, m));
    const show = () => edits.push(renderRunProgress({ ...view, elapsedMs: Date.now() - started }));
    const ticker = setInterval(show, TICK_MS);
    let stored: Promise<void> = Promise.resolve();
    try {
      // The conversation posted this when Run was pressed; after a crash the key is found and nothing doubles.
      await ctx.deliver.post(thread, renderRunProgress({ ...view, status: 'queued' }), statusKey);
      if (tracker.signal.aborted) throw tracker.signal.reason;
      await ctx.store.patchRun(sid, key, jobId, { status: 'running' });
      // The thread's first board goes under the first run's status message.
      await ctx.deliver.waitForMessageId(statusKey, LINK_WAIT_MS);
      await refreshBoard(ctx, sid);
      show();
      const runFolder = ['runs', `${data.planSeq}-${key}-${data.seq}`];
      // A retried job starts from a clean folder, not from the half-written files of the crashed attempt.
      await rm(await ctx.files.ensure(sid, ...runFolder), { recursive: true, force: true });
      const outPath = await ctx.files.ensure(sid, ...runFolder);
      const pipeline = await ctx.pipeline();
      // The stage and attempt go into the run's record (for `status` and the board) in order, off the event path.
      const record = (patch: { stage?: string; attempt?: number }) => {
        stored = stored
          .then(() => ctx.store.patchRun(sid, key, jobId, patch))
          .then(() => refreshBoard(ctx, sid))
          .catch((err: unknown) => ctx.logger.warn({ err, jobId }, 'could not record the run’s progress'));
      };
      const options = {
        outDir: outPath,
        signal: tracker.signal,
        onProgress: (event: ProgressEvent) => {
          if (event.type === 'stage') {
            view.stage = event.stage as StageName;
            view.stageIndex = stageIndexOf(event.stage);
            view.sandbox = null;
            if (event.status === 'started') record({ stage: event.stage });
          } else if (event.type === 'attempt') {
            if (event.status === 'running') record({ attempt: event.n });
            view.attempt = event.n;
            view.maxAttempts = event.max;
            view.sandbox = event.status === 'running' ? { line: null, fold: null } : null;
            view.detail =
              event.status === 'running'
                ? undefined
                : event.status === 'failed'
                  ? 'repairing after an error'
                  : 'checking the submission';
          } else if (event.type === 'script') {
            view.sandbox = { line: event.line, fold: event.fold ?? view.sandbox?.fold ?? null };
          } else if (event.type === 'score') {
            view.sandbox = null;
            view.detail = 'scoring';
          } else return;
          show();
        },
      };
      // A file missing from the store is the bot's fault: retried and told as such, never "could not be opened".
      await requireFiles(taskFiles(plan.task));
      let result: RunResult;
      if (naming.kind === 'improve') {
        const parent = Object.values(runs).find((r) => r.n === naming.parent);
        if (!parent?.dir)
          throw new LinguacodusError(
            'bad_input',
            `Run #${naming.parent} left no run folder to improve from.`,
          );
        await requireFiles([{ name: `#${naming.parent}`, path: parent.dir, kind: 'run folder' }]);
        result = await pipeline.improve(plan, { dir: parent.dir }, options);
      } else if (naming.kind === 'blend') {
        const members = naming.members.flatMap((n) => {
          const r = Object.values(runs).find((m) => m.n === n);
          return r?.dir ? [{ label: `#${n}`, dir: r.dir }] : [];
        });
        if (members.length < 2)
          throw new LinguacodusError('bad_input', 'A blend needs two finished runs with predictions.');
        await requireFiles(members.map((m) => ({ name: m.label, path: m.dir, kind: 'run folder' as const })));
        result = await pipeline.blend(plan, members, options);
      } else {
        result = await pipeline.run(plan, data.choice ?? 'resolver', options);
      }
      clearInterval(ticker);
      await stored;
      view.status = result.ok ? 'done' : 'failed';
      view.detail = undefined;
      view.sandbox = null;
      view.attempt = result.attempts.length || view.attempt;
      if (result.ok) view.stageIndex = 4;
      edits.push(renderRunProgress({ ...view, elapsedMs: Date.now() - started }));
      await edits.flush();
      const resultKey = runKey(jobId, 'result');
      await ctx.store.patchRun(sid, key, jobId, {
        status: result.ok ? 'done' : 'failed',
        score: result.ok ? result.score : null,
        metric: result.metric,
        cvScore: result.cvScore,
        stage: view.stage,
        attempt: view.attempt,
        attempts: result.attempts.length,
        durationMs: result.durationMs,
        tokens: tokensOf(result),
        engine: naming.kind === 'blend' ? 'no model' : plan.engines.coder,
        change: result.change,
        resultKey,
        dir: outPath,
        predictions: Boolean(result.artifacts.oofPredictions && result.artifacts.testPredictions),
      });
      const after = (await ctx.store.runList(sid)).filter((r) => r.planSeq === data.planSeq);
      const candidates = blendCandidates(after, result.higherIsBetter).map((r) => r.n);
      const blendReady = candidates.length >= 2 && !blendExists(after, candidates);
      await ctx.deliver.post(
        thread,
        renderRunResult(result, naming, await runFilesOf(result, naming.n), {
          sid,
          planSeq: data.planSeq,
          blend: blendReady,
        }),
        resultKey,
      );
      // The board links the result: wait (briefly) for its message id.
      await ctx.deliver.waitForMessageId(resultKey, LINK_WAIT_MS);
      await refreshBoard(ctx, sid);
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
        what: runWhat(naming),
        timeoutSeconds: ctx.config.RUN_TIMEOUT_S,
        onFinal: async (outcome) => {
          await stored;
          const status = tracker.timedOut() ? 'timed-out' : outcome;
          await ctx.store.patchRun(sid, key, jobId, {
            status,
            durationMs: Date.now() - started,
            stage: view.stage,
            attempt: view.attempt,
          });
          await ctx.deliver.edit(
            thread,
            statusKey,
            renderRunProgress({
              ...view,
              sandbox: null,
              detail: undefined,
              status,
              limitSeconds: ctx.config.RUN_TIMEOUT_S,
              elapsedMs: Date.now() - started,
            }),
          );
          await refreshBoard(ctx, sid);
        },
      });
      return outcome;
    } finally {
      clearInterval(ticker);
      edits.stop();
      tracker.release();
      // Retried jobs keep the lock; a final outcome (done, failed, cancelled) frees the run key for a rerun.
      const willRetry = ctx.shuttingDown() && tracker.signal.aborted;
      if (!willRetry) await releaseIfFinal(ctx, sid, key, jobId);
    }
  };
}

async function releaseIfFinal(ctx: BotContext, sid: string, key: string, jobId: string): Promise<void> {
  const run = (await ctx.store.runs(sid))[key];
  if (!run || run.jobId !== jobId || run.status !== 'running') await ctx.store.unlockRun(sid, key, jobId);
}
