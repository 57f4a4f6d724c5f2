// Delivery keys are deterministic: a resent event or a retried job gets the key of the first try, and replies
// that must both be seen get keys of their own.
import { describe, expect, it } from 'vitest';
import { editKey, jobEndKey, planKey, replyKey, runKey } from '../../bot/jobs/delivery-keys.ts';
import { planJobId } from '../../bot/jobs/queues.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import type { IncomingEvent } from '../../contract/surface.ts';

const thread: ThreadRef = { surface: 'slack', space: 'T1', channel: 'C1', thread: '1700000000.000100' };
const ann = { id: 'U1', name: 'Ann' };
const message = (messageId: string, on: ThreadRef = thread): IncomingEvent => ({
  type: 'message',
  thread: on,
  isRoot: false,
  messageId,
  user: ann,
  text: 'status',
  files: [],
  addressed: true,
});
const press = (action: string, pressId = 'P1', user = ann): IncomingEvent => ({
  type: 'action',
  thread,
  messageId: '1700000000.000200',
  user,
  action,
  pressId,
});

describe('delivery keys', () => {
  it('gives a resent message or press the key of the first delivery', () => {
    expect(replyKey(message('m1'), 'answer')).toBe(replyKey(message('m1'), 'answer'));
    expect(replyKey(press('lc|x|1|full'), 'answer')).toBe(replyKey(press('lc|x|1|full'), 'answer'));
  });

  it('gives two real presses of the same button by the same person keys of their own', () => {
    expect(replyKey(press('lc|x|1|full', 'P1'), 'answer')).not.toBe(
      replyKey(press('lc|x|1|full', 'P2'), 'answer'),
    );
  });

  it('keeps apart what must both be posted', () => {
    const keys = [
      replyKey(message('m1'), 'answer'),
      replyKey(message('m1'), 'failure'),
      replyKey(message('m2'), 'answer'),
      replyKey(message('m1', { ...thread, thread: 'other' }), 'answer'),
      replyKey(press('lc|x|1|full'), 'answer'),
      replyKey(press('lc|x|1|run|2', 'P2'), 'answer'),
      replyKey(press('lc|x|1|full', 'P3', { id: 'U2', name: 'Bob' }), 'answer'),
      replyKey(press('lc|x|1|run|2', 'P2'), 'answer', 'run-x-1-2-1'),
      replyKey(press('lc|x|1|run|2', 'P2'), 'answer', 'run-x-1-2-2'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('derives job posts from the job id, which a retry keeps', () => {
    const job = { sid: '0123456789abcdef', planSeq: 2 };
    expect(planKey(job, 'ack')).toBe(`${planJobId(job)}-ack`);
    expect(planKey(job, 'plan')).not.toBe(planKey({ ...job, planSeq: 3 }, 'plan'));
    expect(jobEndKey(planJobId(job), 'error')).toBe(planKey(job, 'error'));
    expect(runKey('run-a-1-2-1', 'result')).not.toBe(runKey('run-a-1-2-2', 'result'));
    expect(editKey('k', 1)).not.toBe(editKey('k', 2));
  });
});
