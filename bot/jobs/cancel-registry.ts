// Cancellation across processes: a flag in Redis (for jobs not started yet) and a pub/sub message that aborts
// the job's signal, and with it its sandbox, in whichever process runs it.
import type { Redis } from 'ioredis';
import type { StateKeys } from '../state/state-keys.ts';

/** One running job's cancel signal; release() when the job ends. */
export interface JobTracker {
  signal: AbortSignal;
  /** True when the signal fired because the job ran past its timeout, not because a user cancelled. */
  timedOut: () => boolean;
  release: () => void;
}

export class CancelRegistry {
  private readonly running = new Map<string, AbortController>();
  private subscribed = false;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly keys: StateKeys,
  ) {}

  async start(): Promise<void> {
    if (this.subscribed) return;
    this.subscribed = true;
    this.subscriber.on('message', (channel: string, jobId: string) => {
      if (channel === this.keys.cancelChannel)
        this.running.get(jobId)?.abort(new Error('cancelled by a user'));
    });
    await this.subscriber.subscribe(this.keys.cancelChannel);
  }

  /** A signal for a job that aborts on cancel or after the timeout; call release() when the job ends. */
  async track(jobId: string, timeoutMs: number): Promise<JobTracker> {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('job timed out'));
    }, timeoutMs);
    if (await this.redis.exists(this.keys.cancel(jobId))) controller.abort(new Error('cancelled by a user'));
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      release: () => {
        clearTimeout(timer);
        if (this.running.get(jobId) === controller) this.running.delete(jobId);
      },
    };
  }

  async requestCancel(jobId: string): Promise<void> {
    await this.redis.set(this.keys.cancel(jobId), '1', 'EX', 24 * 3600);
    await this.redis.publish(this.keys.cancelChannel, jobId);
  }

  /** Aborts every job of this process (shutdown past its grace period: they go back to the queue). */
  abortAll(reason: string): void {
    for (const c of this.running.values()) c.abort(new Error(reason));
  }
}
