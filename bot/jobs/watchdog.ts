// The watchdog: every JOB_LOCK_S (and whenever Redis comes back after a drop) it settles plans and runs whose job is
// no longer in the queue, and notices that Redis lost its data, telling the threads that had work under way.

import type { ThreadRef } from '../../contract/messages.ts';
import type { BotContext } from '../bot-context.ts';
import { errorReply } from '../render/render-replies.ts';
import type { RedisEpoch } from '../state/redis-epoch.ts';
import type { OpenWork } from '../state/session-store.ts';
import { storageLostKey } from './delivery-keys.ts';
import { planJobId } from './queues.ts';
import { type EndReason, endReasonOf, settleEndedPlan, settleEndedRun } from './settle-ended-job.ts';

/** Job states in which the job is still coming: waiting, delayed for a retry, or held by a worker. */
const ALIVE = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);

export interface WatchdogOptions {
  intervalMs: number;
  /** Work written more recently than this is left alone: its job is enqueued just after its state is written. */
  graceMs: number;
}

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  /** Threads with work under way at the last sweep: whom to tell when Redis loses its data (and them with it). */
  private underWay = new Map<string, ThreadRef>();
  private readonly onReady = () => void this.tick();

  constructor(
    private readonly ctx: BotContext,
    private readonly epoch: RedisEpoch,
    private readonly options: WatchdogOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
    // ioredis says `ready` again after every reconnect: the moment a restarted Redis may have come back empty.
    this.ctx.redis.on('ready', this.onReady);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ctx.redis.off('ready', this.onReady);
    await this.ticking;
  }

  /** One pass; a pass already running is joined rather than doubled. Never throws (Redis may be away). */
  tick(): Promise<void> {
    this.ticking ??= this.pass()
      .catch((err: unknown) => this.ctx.logger.warn({ err }, 'watchdog pass failed'))
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async pass(): Promise<void> {
    if (await this.epoch.check()) await this.dataLost();
    await this.sweep();
  }

  private async dataLost(): Promise<void> {
    const { logger, cancels, deliver } = this.ctx;
    const threads = [...this.underWay.entries()];
    this.underWay = new Map();
    logger.error(
      { threads: threads.length },
      'Redis lost its data (restarted without persistence, evicted or flushed): sessions and queued jobs are gone. Run Redis with --appendonly yes and maxmemory-policy noeviction (README, Redis).',
    );
    // The work's state and jobs are gone and its threads are told to start over: finishing it would only confuse.
    cancels.abortAll('the bot’s storage was reset');
    const epoch = this.epoch.id;
    for (const [sid, thread] of threads) {
      await deliver.post(
        thread,
        errorReply(
          'The bot’s storage (Redis) was reset, and this conversation’s task, plan, votes and the work under way were lost with it.',
          'Post the task again with its CSV to start over.',
        ),
        storageLostKey(sid, epoch),
      );
    }
  }

  /** Settles open work whose job is gone or failed for good; remembers the threads of the rest. */
  private async sweep(): Promise<void> {
    const { store } = this.ctx;
    const underWay = new Map<string, ThreadRef>();
    const settleBefore = Date.now() - this.options.graceMs;
    for (const { work, since } of await store.openWork()) {
      const thread = await this.check(work, since < settleBefore);
      if (thread) underWay.set(work.sid, thread);
    }
    this.underWay = underWay;
  }

  /** The thread when the work is still under way; null once it is settled (here or before). */
  private async check(work: OpenWork, maySettle: boolean): Promise<ThreadRef | null> {
    const { store, queues } = this.ctx;
    const session = await store.get(work.sid);
    if (work.kind === 'plan') {
      if (session?.status !== 'planning') return this.closed(work);
      const job = { sid: work.sid, planSeq: session.planSeq };
      const ended = maySettle ? await this.endedReason(queues.plan, planJobId(job)) : null;
      if (!ended) return session.thread;
      await settleEndedPlan(this.ctx, job, ended);
      return this.closed(work);
    }
    const run = (await store.runs(work.sid))[work.key];
    if (!session || !run || (run.status !== 'queued' && run.status !== 'running')) return this.closed(work);
    const ended = maySettle ? await this.endedReason(queues.run, run.jobId) : null;
    if (!ended) return session.thread;
    await settleEndedRun(
      this.ctx,
      {
        sid: work.sid,
        planSeq: run.planSeq,
        choice: run.choice,
        seq: run.seq,
        ...(run.key !== run.choice ? { key: run.key } : {}),
      },
      ended,
    );
    return this.closed(work);
  }

  private async closed(work: OpenWork): Promise<null> {
    await this.ctx.store.closeWork(work);
    return null;
  }

  /** Null while the job is still coming; else why it will not (gone from the queue, failed, or done unreported). */
  private async endedReason(
    queue: BotContext['queues']['plan'] | BotContext['queues']['run'],
    jobId: string,
  ): Promise<EndReason | null> {
    const job = await queue.getJob(jobId);
    if (!job) return 'lost';
    const state = await job.getState();
    if (ALIVE.has(state)) return null;
    if (state === 'failed') return endReasonOf(job.failedReason);
    return state === 'completed' ? 'failed' : 'lost';
  }
}
