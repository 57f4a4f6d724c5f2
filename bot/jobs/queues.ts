// The BullMQ queues (plan, run, and one deliver queue per chat surface): names, job payloads, ids and retry policy.
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { outgoingMessageSchema, type SurfaceName, threadRefSchema } from '../../contract/messages.ts';
import { choiceSchema } from '../../core/types.ts';

export const QUEUE_NAMES = { plan: 'plan', run: 'run', deliver: 'deliver' } as const;

export const SURFACE_NAMES: readonly SurfaceName[] = ['web', 'slack', 'discord'];

/**
 * Each surface has its own deliver queue, worked on only by processes that hold that surface: a process without the
 * web chat never takes (and fails, and retries) a web chat delivery.
 */
export const deliverQueueName = (surface: SurfaceName): string => `${QUEUE_NAMES.deliver}-${surface}`;

export const planJobSchema = z.object({ sid: z.string(), planSeq: z.number().int() });
export type PlanJob = z.infer<typeof planJobSchema>;

/**
 * A run: of an option's or the vanilla control's choice (its run key is the choice), or under another run key
 * (`improve-N`, `blend`; choice then the parent's, or null for a blend). The rest of the run is its record in the
 * session store (SessionStore.runs), written before the job is queued.
 */
export const runJobSchema = z.object({
  sid: z.string(),
  planSeq: z.number().int(),
  choice: choiceSchema.nullable(),
  seq: z.number().int().positive(),
  /** The run key when it is not the choice. */
  key: z.string().optional(),
  /** Auto: the search's time budget in seconds. */
  budgetS: z.number().int().positive().optional(),
});
export type RunJob = z.infer<typeof runJobSchema>;

export const deliverJobSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('post'),
    key: z.string(),
    thread: threadRefSchema,
    message: outgoingMessageSchema,
  }),
  z.object({
    op: z.literal('edit'),
    key: z.string(),
    thread: threadRefSchema,
    /** Idempotency key of the post to edit. */
    target: z.string(),
    /** Edits of one message carry growing versions; an older edit that arrives late is dropped. */
    version: z.number().int(),
    message: outgoingMessageSchema,
  }),
]);
export type DeliverJob = z.infer<typeof deliverJobSchema>;

/** BullMQ refuses ':' in custom ids; ours use '-'. */
export const planJobId = (j: PlanJob) => `plan-${j.sid}-${j.planSeq}`;
/** The run key of a run job: its own, or its choice's. */
export const runKeyOf = (j: RunJob): string => j.key ?? j.choice ?? 'blend';
export const runJobId = (j: RunJob) => `run-${j.sid}-${j.planSeq}-${runKeyOf(j)}-${j.seq}`;
export const deliverJobId = (key: string) => `deliver-${key.replace(/:/g, '_')}`;

/** Finished jobs are kept for a look afterwards (and a deliver job's id answers a resend), bounded by age and count. */
const keepFinished = {
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

/** Transient failures (model 5xx, network) retry with backoff; user errors throw UnrecoverableError. */
export const JOB_OPTIONS: Record<keyof typeof QUEUE_NAMES, JobsOptions> = {
  plan: { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, ...keepFinished },
  run: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...keepFinished },
  deliver: { attempts: 8, backoff: { type: 'exponential', delay: 500 }, ...keepFinished },
};

export interface Queues {
  plan: Queue<PlanJob>;
  run: Queue<RunJob>;
  /** The deliver queue of each surface (deliverQueueName). */
  deliver: Record<SurfaceName, Queue<DeliverJob>>;
  close(): Promise<void>;
}

/** The producers' side of every queue, on one connection (a producer's: it fails fast while Redis is away). */
export function createQueues(connection: Redis, prefix: string): Queues {
  const plan = new Queue<PlanJob>(QUEUE_NAMES.plan, { connection, prefix });
  const run = new Queue<RunJob>(QUEUE_NAMES.run, { connection, prefix });
  const deliver = Object.fromEntries(
    SURFACE_NAMES.map((s) => [s, new Queue<DeliverJob>(deliverQueueName(s), { connection, prefix })]),
  ) as Record<SurfaceName, Queue<DeliverJob>>;
  return {
    plan,
    run,
    deliver,
    async close() {
      await Promise.all([plan.close(), run.close(), ...Object.values(deliver).map((q) => q.close())]);
    },
  };
}
