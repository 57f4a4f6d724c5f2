// The process's Prometheus metrics (prom-client): plans, runs, acknowledgements, the sandbox, model tokens, deliveries,
// the queues' job counts (read at scrape time) and Node's process defaults. Each process keeps its own counters and
// serves them at its own /metrics: Prometheus scrapes every process and sums (README, Operating it).
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LlmUsage, RunResult } from '../../core/types.ts';
import type { Queues } from '../jobs/queues.ts';

/** How a plan job ended: a plan, a question back to the user, replaced, cancelled, failed for good, or retried. */
export type PlanOutcome = 'planned' | 'asked' | 'stale' | 'cancelled' | 'failed' | 'retried';
/** How a run job ended: `ok` a scored submission; `failed` none (a script that never worked, or an error). */
export type RunOutcome = 'ok' | 'failed' | 'stale' | 'cancelled' | 'retried';

/** Seconds buckets from a tenth of a second to an hour: acknowledgements are fast, runs are minutes. */
const SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export class BotMetrics {
  readonly registry = new Registry();
  readonly plans = new Counter({
    name: 'linguacodus_plans_total',
    help: 'Plan jobs by how they ended (planned, asked, stale, cancelled, failed, retried).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly runs = new Counter({
    name: 'linguacodus_runs_total',
    help: 'Run jobs by the coder engine and how they ended (ok, failed, stale, cancelled, retried).',
    labelNames: ['engine', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'linguacodus_ack_seconds',
    help: 'From a chat event reaching the bot to its handling done (the job queued, the first reply queued).',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly planSeconds = new Histogram({
    name: 'linguacodus_plan_seconds',
    help: 'Duration of a plan job (one attempt).',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly runSeconds = new Histogram({
    name: 'linguacodus_run_seconds',
    help: 'Duration of a run job (one attempt).',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly sandboxSeconds = new Histogram({
    name: 'linguacodus_sandbox_seconds',
    help: 'Duration of one script execution in the sandbox (each repair attempt of a run).',
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly modelTokens = new Counter({
    name: 'linguacodus_model_tokens_total',
    help: 'Model tokens (prompt and completion) by role and model.',
    labelNames: ['role', 'model'] as const,
    registers: [this.registry],
  });
  readonly deliveriesRetried = new Counter({
    name: 'linguacodus_deliveries_retried_total',
    help: 'Delivery attempts (posts and edits on a chat surface) that failed and will be tried again.',
    labelNames: ['surface'] as const,
    registers: [this.registry],
  });
  readonly deliveriesFailed = new Counter({
    name: 'linguacodus_deliveries_failed_total',
    help: 'Deliveries that failed for good (every attempt used).',
    labelNames: ['surface'] as const,
    registers: [this.registry],
  });
  readonly feedback = new Counter({
    name: 'linguacodus_feedback_total',
    help: 'Feedback buttons pressed on results (Slack), by value (good, bad).',
    labelNames: ['value'] as const,
    registers: [this.registry],
  });
  private queues: Queue[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const owner = this;
    new Gauge({
      name: 'linguacodus_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time (the same from every process: use max).',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          owner.queues.map(async (queue) => {
            // Redis away: no numbers rather than a failed scrape (the Redis check in /readyz says why).
            const counts = await queue
              .getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'paused')
              .catch(() => null);
            for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: queue.name, state }, n);
          }),
        );
      },
    });
  }

  /** The queues whose job counts a scrape reads. */
  watchQueues(queues: Queues): void {
    this.queues = [queues.plan, queues.run, ...Object.values(queues.deliver)];
  }

  countTokens(usage: readonly LlmUsage[]): void {
    for (const u of usage) {
      this.modelTokens.inc({ role: u.role, model: u.model }, u.promptTokens + u.completionTokens);
    }
  }

  /** A run's result: each sandbox execution and its model tokens. */
  recordRunResult(result: RunResult): void {
    for (const attempt of result.attempts) this.sandboxSeconds.observe(attempt.durationMs / 1000);
    this.countTokens(result.usage);
  }

  /** The text format Prometheus scrapes. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
