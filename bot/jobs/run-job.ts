// The `run` job: an option's (or the vanilla control's) staged code, an improvement of an earlier run, a blend of
// the best runs, or an Auto search (each finished node a run on the leaderboard, the pick's result at the end); sandbox runs with repairs, the score; one status message edited at most once a second, the result,
// and the thread's leaderboard.
import { rm } from 'node:fs/promises';
import type { Job } from 'bullmq';
import { LinguacodusError } from '../../common/errors.ts';
import type { AutoEvent, AutoNode } from '../../core/index.ts';
import type { Plan, ProgressEvent, RunKind, RunResult, StageName } from '../../core/types.ts';
import type { BotContext } from '../bot-context.ts';
import { DEFAULT_AUTO_MINUTES } from '../config.ts';
import type { Pipeline } from '../pipeline.ts';
import { runFilesOf } from '../render/file-refs.ts';
import { blendCandidates, blendExists } from '../render/render-board.ts';
import { errorReply } from '../render/render-replies.ts';
import {
  formatElapsed,
  type RunProgressView,
  renderRunProgress,
  renderRunResult,
  runAtStart,
  stageIndexOf,
  tokensOf,
} from '../render/render-result.ts';
import { type RunNaming, runWhat } from '../render/run-labels.ts';
import { refreshBoard } from '../state/board.ts';
import type { Session, StoredRun } from '../state/session-store.ts';
import { type FileStore, keep, localise } from '../store/index.ts';
import type { JobTracker } from './cancel-registry.ts';
import { runKey } from './delivery-keys.ts';
import { settleJobError } from './job-failure.ts';
import { requireFiles, taskFiles } from './job-files.ts';
import { type RunJob, runJobId, runJobSchema, runKeyOf } from './queues.ts';
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
    key === 'auto'
      ? 'auto'
      : key === 'blend'
        ? 'blend'
        : key.startsWith('improve-')
          ? 'improve'
          : data.choice === 'vanilla'
            ? 'vanilla'
            : 'option';
  const parent = kind === 'improve' ? Number(key.slice('improve-'.length)) : null;
  return { n: 0, kind, choice: data.choice, parent, members: [] };
}

/** The run queue's processor: one RunAttempt per job taken. */
export function createRunProcessor(ctx: BotContext) {
  return (job: Job<RunJob>): Promise<string> => RunAttempt.process(ctx, job);
}

/** The session of a run that can start: it has the plan the job was queued for. */
type StartedSession = Session & { plan: Plan };

/**
 * One attempt at a run job: its status message (edited at most once a second, ticking while nothing happens), the
 * pipeline call its kind needs, the result and the leaderboard; or, on an error, the ending settleJobError decides.
 */
class RunAttempt {
  private readonly key: string;
  private readonly jobId: string;
  private readonly statusKey: string;
  private readonly naming: RunNaming;
  private readonly view: RunProgressView;
  private readonly started = Date.now();
  private readonly edits: ReturnType<typeof throttledEdits>;
  private ticker: NodeJS.Timeout | undefined;
  /** The stage and attempt records, written in order off the event path (for `status` and the board). */
  private stored: Promise<void> = Promise.resolve();
  /** Auto: each finished node's run number in the thread, by node id. */
  private readonly nodeRuns = new Map<number, number>();
  /** Auto: the node being worked on and the budget left, on the status message. */
  private autoLine: string | null = null;

  /** Runs the job: 'stale' when its plan was replaced, else the result's summary or the ending's outcome. */
  static async process(ctx: BotContext, job: Job<RunJob>): Promise<string> {
    const data = runJobSchema.parse(job.data);
    const key = runKeyOf(data);
    const jobId = runJobId(data);
    const session = await ctx.store.get(data.sid);
    const runs = await ctx.store.runs(data.sid);
    if (!session?.plan || session.planSeq !== data.planSeq) {
      await ctx.store.unlockRun(data.sid, key, jobId);
      if (session) {
        await ctx.deliver.post(
          session.thread,
          errorReply('That plan was replaced by a newer task in this thread; run an option of the new plan.'),
          runKey(jobId, 'stale'),
        );
      }
      return 'stale';
    }
    const tracker = await ctx.cancels.track(jobId, ctx.config.RUN_TIMEOUT_S * 1000);
    return new RunAttempt(ctx, job, data, session as StartedSession, runs, tracker).run();
  }

  private constructor(
    private readonly ctx: BotContext,
    private readonly job: Job<RunJob>,
    private readonly data: RunJob,
    private readonly session: StartedSession,
    private readonly runs: Record<string, StoredRun>,
    private readonly tracker: JobTracker,
  ) {
    this.key = runKeyOf(data);
    this.jobId = runJobId(data);
    this.statusKey = runKey(this.jobId, 'status');
    this.naming = namingOf(data, runs[this.key], this.jobId);
    this.view = runAtStart(this.naming, runs[this.key]?.startedBy.name ?? 'someone', 'running');
    this.edits = throttledEdits((m) => ctx.deliver.edit(session.thread, this.statusKey, m));
  }

  private async run(): Promise<string> {
    this.ticker = setInterval(() => this.show(), TICK_MS);
    try {
      await this.announce();
      const result = await this.execute();
      return await this.report(result);
    } catch (error) {
      return await this.fail(error);
    } finally {
      this.stopTicking();
      this.tracker.release();
      // Retried jobs keep the lock; a final outcome (done, failed, cancelled) frees the run key for a rerun.
      const willRetry = this.ctx.shuttingDown() && this.tracker.signal.aborted;
      if (!willRetry) await releaseIfFinal(this.ctx, this.data.sid, this.key, this.jobId);
    }
  }

  private show(): void {
    const detail = [this.autoLine, this.view.detail].filter(Boolean).join(' · ') || undefined;
    this.edits.push(renderRunProgress({ ...this.view, detail, elapsedMs: Date.now() - this.started }));
  }

  private stopTicking(): void {
    clearInterval(this.ticker);
    this.edits.stop();
  }

  /** The status message (posted when Run was pressed; after a crash its key is found and nothing doubles), the board. */
  private async announce(): Promise<void> {
    const { ctx, session, data } = this;
    await ctx.deliver.post(
      session.thread,
      renderRunProgress({ ...this.view, status: 'queued' }),
      this.statusKey,
    );
    if (this.tracker.signal.aborted) throw this.tracker.signal.reason;
    await ctx.store.patchRun(data.sid, this.key, this.jobId, { status: 'running' });
    // The thread's first board goes under the first run's status message.
    await ctx.deliver.waitForMessageId(this.statusKey, LINK_WAIT_MS);
    await refreshBoard(ctx, data.sid);
    this.show();
  }

  /** Records the stage and attempt in order, off the event path. */
  private record(patch: { stage?: string; attempt?: number }): void {
    const { ctx, data } = this;
    this.stored = this.stored
      .then(() => ctx.store.patchRun(data.sid, this.key, this.jobId, patch))
      .then(() => refreshBoard(ctx, data.sid))
      .catch((err: unknown) =>
        ctx.logger.warn({ err, jobId: this.jobId }, 'could not record the run’s progress'),
      );
  }

  /** The status message follows the pipeline's progress events. */
  private onProgress(event: ProgressEvent): void {
    const view = this.view;
    if (event.type === 'stage') {
      view.stage = event.stage as StageName;
      view.stageIndex = stageIndexOf(event.stage);
      view.sandbox = null;
      if (event.status === 'started') this.record({ stage: event.stage });
    } else if (event.type === 'attempt') {
      if (event.status === 'running') this.record({ attempt: event.n });
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
    this.show();
  }

  /** The run folder, clean; then the pipeline call of the run's kind, its files checked first. */
  private async execute(): Promise<{ result: RunResult; outPath: string }> {
    const { ctx, data, naming, runs } = this;
    const runFolder = ['runs', `${data.planSeq}-${this.key}-${data.seq}`];
    // A retried job starts from a clean folder, not from the half-written files of the crashed attempt.
    await rm(await ctx.files.ensure(data.sid, ...runFolder), { recursive: true, force: true });
    const outPath = await ctx.files.ensure(data.sid, ...runFolder);
    const pipeline = await ctx.pipeline();
    // The task's files from the file store: the plan names them where the plan worker read them.
    const plan = await localPlan(ctx.fileStore, this.session.plan);
    const options = {
      outDir: outPath,
      signal: this.tracker.signal,
      onProgress: (event: ProgressEvent) => this.onProgress(event),
    };
    // A file missing from the store is the bot's fault: retried and told as such, never "could not be opened".
    await requireFiles(taskFiles(plan.task), ctx.fileStore.where);
    if (naming.kind === 'auto') return { result: await this.auto(pipeline, plan, outPath), outPath };
    if (naming.kind === 'improve') {
      const parent = Object.values(runs).find((r) => r.n === naming.parent);
      if (!parent?.dir)
        throw new LinguacodusError('bad_input', `Run #${naming.parent} left no run folder to improve from.`);
      const dir = await localise(ctx.fileStore, parent.dir);
      await requireFiles([{ name: `#${naming.parent}`, path: dir, kind: 'run folder' }], ctx.fileStore.where);
      return { result: await pipeline.improve(plan, { dir }, options), outPath };
    }
    if (naming.kind === 'blend') {
      const stored = naming.members.flatMap((n) => {
        const r = Object.values(runs).find((m) => m.n === n);
        return r?.dir ? [{ label: `#${n}`, dir: r.dir }] : [];
      });
      const members = await Promise.all(
        stored.map(async (m) => ({ ...m, dir: await localise(ctx.fileStore, m.dir) })),
      );
      if (members.length < 2)
        throw new LinguacodusError('bad_input', 'A blend needs two finished runs with predictions.');
      await requireFiles(
        members.map((m) => ({ name: m.label, path: m.dir, kind: 'run folder' as const })),
        ctx.fileStore.where,
      );
      return { result: await pipeline.blend(plan, members, options), outPath };
    }
    return { result: await pipeline.run(plan, data.choice ?? 'resolver', options), outPath };
  }

  /**
   * Auto: the search within the job's budget. Each finished node becomes a run of the thread (under `auto-N`, with
   * its parent and move as the board's note); a cancel ends the search and keeps the best node so far. The pick's
   * result, its reason as its change, is the run's result.
   */
  private async auto(pipeline: Pipeline, plan: Plan, outDir: string): Promise<RunResult> {
    const outcome = await pipeline.auto(plan, {
      budgetS: this.data.budgetS ?? DEFAULT_AUTO_MINUTES * 60,
      outDir,
      signal: this.tracker.signal,
      onEvent: (event) => this.onAutoEvent(event),
      onProgress: (event) => this.onProgress(event),
    });
    await this.stored;
    this.autoLine = null;
    const { tree, pick } = outcome;
    if (!pick || tree.pick === null) {
      if (this.tracker.signal.aborted) throw this.tracker.signal.reason;
      throw new LinguacodusError('run_failed', 'The Auto search ended without a node that finished.');
    }
    const node = this.nodeRuns.get(tree.pick);
    const stopped = tree.stopped === 'cancelled' ? ' (the search was cancelled; the best so far)' : '';
    return {
      ...pick,
      change: `${node ? `#${node}` : `node ${tree.pick}`} of ${tree.nodes.length} nodes${stopped}. ${tree.pickReason}`,
    };
  }

  /** Auto: the status names the node under way and the budget left; a finished node is recorded, the board follows. */
  private onAutoEvent(event: AutoEvent): void {
    const left = `${formatElapsed(Math.max(0, event.budgetLeftS) * 1000)} of the budget left`;
    if (event.type === 'node-start') {
      const { node } = event;
      const from = node.parent !== null ? ` from #${this.nodeRuns.get(node.parent) ?? '?'}` : '';
      this.autoLine = `node ${node.id}, ${node.move}${from}: ${node.what.slice(0, 100)} · ${left}`;
      this.show();
      return;
    }
    const { ctx, data } = this;
    this.stored = this.stored
      .then(() => this.recordNode(event.node, event.tree.metric))
      .then(() => refreshBoard(ctx, data.sid))
      .catch((err: unknown) => ctx.logger.warn({ err, jobId: this.jobId }, 'could not record an Auto node'));
  }

  /** A finished node as a run of the thread, numbered in turn, with its parent (or members) as run numbers. */
  private async recordNode(node: AutoNode, metric: string): Promise<void> {
    const { ctx, data } = this;
    const n = await ctx.store.nextRunNumber(data.sid);
    this.nodeRuns.set(node.id, n);
    const kind: RunKind =
      node.move === 'blend'
        ? 'blend'
        : node.move === 'draft'
          ? node.choice === 'vanilla'
            ? 'vanilla'
            : 'option'
          : 'improve';
    const runOf = (id: number | null) => (id === null ? null : (this.nodeRuns.get(id) ?? null));
    const from = runOf(node.parent);
    const auto = this.runs[this.key];
    await ctx.store.setRun(data.sid, `auto-${n}`, {
      n,
      kind,
      choice: node.choice,
      parent: from,
      members: node.members.flatMap((m) => runOf(m) ?? []),
      seq: 1,
      planSeq: data.planSeq,
      jobId: this.jobId,
      status: node.ok ? 'done' : 'failed',
      startedBy: auto?.startedBy ?? { id: '', name: 'someone' },
      startedAt: new Date(Date.now() - node.durationMs).toISOString(),
      stage: null,
      attempt: null,
      score: node.ok ? node.holdout : null,
      metric,
      cvScore: node.cvScore,
      attempts: null,
      durationMs: node.durationMs,
      tokens: null,
      engine: null,
      change: node.what,
      resultKey: null,
      dir: node.dir,
      predictions: false,
      note: `Auto #${auto?.n ?? '?'}, ${from !== null ? `from #${from}, ` : ''}${node.move}`,
    });
  }

  /** The status's last look, the run's record, the result message and the board that links it. */
  private async report({ result, outPath }: { result: RunResult; outPath: string }): Promise<string> {
    const { ctx, data, naming, view } = this;
    const { thread, plan } = this.session;
    // The run folder into the file store before anything points at it: Improve, Blend and the result's files read
    // it from there on other machines. A store that is away fails the attempt here, and the job is retried.
    await keep(ctx.fileStore, outPath);
    clearInterval(this.ticker);
    await this.stored;
    ctx.metrics?.recordRunResult(result);
    view.status = result.ok ? 'done' : 'failed';
    view.detail = undefined;
    view.sandbox = null;
    view.attempt = result.attempts.length || view.attempt;
    if (result.ok) view.stageIndex = 4;
    this.show();
    await this.edits.flush();
    const resultKey = runKey(this.jobId, 'result');
    await ctx.store.patchRun(data.sid, this.key, this.jobId, {
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
    const after = (await ctx.store.runList(data.sid)).filter((r) => r.planSeq === data.planSeq);
    const candidates = blendCandidates(after, result.higherIsBetter).map((r) => r.n);
    const blendReady = candidates.length >= 2 && !blendExists(after, candidates);
    await ctx.deliver.post(
      thread,
      renderRunResult(result, naming, await runFilesOf(result, naming.n), {
        sid: data.sid,
        planSeq: data.planSeq,
        blend: blendReady,
      }),
      resultKey,
    );
    // The board links the result: wait (briefly) for its message id.
    await ctx.deliver.waitForMessageId(resultKey, LINK_WAIT_MS);
    await refreshBoard(ctx, data.sid);
    return result.ok ? `score ${result.score}` : 'no valid submission';
  }

  /** An error: retried, cancelled or failed for good (settleJobError); a final one gets the status's own look. */
  private async fail(error: unknown): Promise<string> {
    const { ctx, data, view, tracker } = this;
    this.stopTicking();
    return settleJobError(error, {
      ctx,
      job: this.job,
      jobId: this.jobId,
      thread: this.session.thread,
      tracker,
      what: runWhat(this.naming),
      timeoutSeconds: ctx.config.RUN_TIMEOUT_S,
      onFinal: async (outcome) => {
        await this.stored;
        const status = tracker.timedOut() ? 'timed-out' : outcome;
        await ctx.store.patchRun(data.sid, this.key, this.jobId, {
          status,
          durationMs: Date.now() - this.started,
          stage: view.stage,
          attempt: view.attempt,
        });
        await ctx.deliver.edit(
          this.session.thread,
          this.statusKey,
          renderRunProgress({
            ...view,
            sandbox: null,
            detail: undefined,
            status,
            limitSeconds: ctx.config.RUN_TIMEOUT_S,
            elapsedMs: Date.now() - this.started,
          }),
        );
        await refreshBoard(ctx, data.sid);
      },
    });
  }
}

/** The plan with its task's files at local paths, fetched from the file store when this machine lacks them. */
async function localPlan(store: FileStore, plan: Plan): Promise<Plan> {
  const { task } = plan;
  const [trainFile, testFile, ...extraFiles] = await Promise.all(
    [task.trainFile, task.testFile, ...task.extraFiles].map((p) => (p ? localise(store, p) : null)),
  );
  return {
    ...plan,
    task: {
      ...task,
      trainFile: trainFile ?? task.trainFile,
      testFile: testFile ?? null,
      extraFiles: extraFiles.filter((p): p is string => p !== null),
    },
  };
}

async function releaseIfFinal(ctx: BotContext, sid: string, key: string, jobId: string): Promise<void> {
  const run = (await ctx.store.runs(sid))[key];
  if (!run || run.jobId !== jobId || run.status !== 'running') await ctx.store.unlockRun(sid, key, jobId);
}
