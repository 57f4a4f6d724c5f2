// Every delivery key, in one module and deterministic: the thread, what the post answers and what it is for. A
// platform resending an event, or BullMQ retrying a job, lands on the key of the first try, and the deliver queue
// (key → message id in Redis, plus each surface's own check) posts that reply once.
import { createHash } from 'node:crypto';
import type { IncomingEvent } from '../../contract/surface.ts';
import type { ChooseField } from '../render/action-ids.ts';
import { sessionIdFor } from '../state/session-store.ts';
import { type PlanJob, planJobId } from './queues.ts';

/** What the conversation's reply to one event is for: its answer, or the report that handling it failed. */
export type ReplyPurpose = 'answer' | 'failure';

/**
 * What a job's post is for; each job posts at most one of each (its edits are keyed by the post they change). A
 * task's `ack` is its task card; `question` asks which column to predict; `choose-*` offer a field's choices.
 */
export type PlanPurpose =
  | 'ack'
  | 'plan'
  | 'question'
  | `choose-${ChooseField}`
  | JobEndPurpose
  | RetryPurpose;
export type RunPurpose = 'status' | 'result' | 'stale' | JobEndPurpose | RetryPurpose;
/** The notice that an attempt of a job met an infrastructure fault and the job is retried. */
export type RetryPurpose = `retry-${number}`;
/** A job's final report: its processor's error or time-out, or `stopped` when it ended unreported (settle-ended-job). */
export type JobEndPurpose = 'error' | 'timeout' | 'stopped';

const digest = (parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);

/**
 * The key of the conversation's reply to an incoming event: the thread and the message's id, or for a button press
 * the platform's id of the press (a second real press of Full text gets its own reply, a resent one does not).
 * `about` sets apart answers that depend on the thread's state rather than on the event alone.
 */
export function replyKey(event: IncomingEvent, purpose: ReplyPurpose, about = ''): string {
  const origin = event.type === 'message' ? ['message', event.messageId] : ['press', event.pressId];
  return `reply-${sessionIdFor(event.thread)}-${digest([...origin, about])}-${purpose}`;
}

/**
 * Posts of a plan job and of the task it plans (the conversation posts the ack before the job exists, and the job
 * edits it): the job's id names the thread's session and the task's seq.
 */
export function planKey(job: PlanJob, purpose: PlanPurpose): string {
  return `${planJobId(job)}-${purpose}`;
}

/** Posts of one run, by its job's id (runJobId): the conversation posts the status when Run is pressed, the job edits it. */
export function runKey(jobId: string, purpose: RunPurpose): string {
  return `${jobId}-${purpose}`;
}

/** The thread's leaderboard for one plan: posted with its first run, then edited as runs change. */
export function boardKey(sid: string, planSeq: number): string {
  return `board-${sid}-${planSeq}`;
}

/** A final report of either job (settleJobError, settle-ended-job), sent knowing only the job's id. */
export function jobEndKey(jobId: string, purpose: JobEndPurpose): string {
  return `${jobId}-${purpose}`;
}

/** The notice that attempt `attempt` (from 1) of a job met an infrastructure fault; one per attempt. */
export function jobRetryKey(jobId: string, attempt: number): string {
  return `${jobId}-retry-${attempt}`;
}

/** The notice to a thread that Redis lost its state, once per loss (`epoch`: the data set that replaced it). */
export function storageLostKey(sid: string, epoch: string): string {
  return `storage-lost-${sid}-${epoch}`;
}

/** One edit of the message posted under `target`: versions grow, so each edit is a delivery of its own. */
export function editKey(target: string, version: number): string {
  return `${target}~v${version}`;
}
