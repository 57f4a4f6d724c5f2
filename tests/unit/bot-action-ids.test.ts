// Button action ids survive the round trip through a platform and stay within Discord's 100 characters.
import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../bot/render/action-ids.ts';
import { CHOICES } from '../../bot/render/render-plan.ts';

const sid = '0123456789abcdef';

describe('button action ids', () => {
  it('round-trips votes, runs and full text for every choice', () => {
    for (const choice of CHOICES) {
      for (const kind of ['vote', 'run'] as const) {
        const id = encodeAction({ kind, sid, planSeq: 12, choice });
        expect(id.length).toBeLessThanOrEqual(100);
        expect(decodeAction(id)).toEqual({ kind, sid, planSeq: 12, choice });
      }
    }
    expect(decodeAction(encodeAction({ kind: 'auto', sid, planSeq: 2 }))).toEqual({
      kind: 'auto',
      sid,
      planSeq: 2,
    });
    expect(decodeAction(encodeAction({ kind: 'full', sid, planSeq: 1 }))).toEqual({
      kind: 'full',
      sid,
      planSeq: 1,
    });
  });

  it('round-trips the task’s buttons: a field’s choices, a target by its place, a metric', () => {
    for (const action of [
      { kind: 'choose', sid, planSeq: 3, field: 'target' },
      { kind: 'choose', sid, planSeq: 3, field: 'columns' },
      { kind: 'target', sid, planSeq: 3, index: 4 },
      { kind: 'metric', sid, planSeq: 3, metric: 'roc-auc' },
    ] as const) {
      const id = encodeAction(action);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeAction(id)).toEqual(action);
    }
    expect(decodeAction(`lc|${sid}|3|metric|kappa`)).toBeNull();
    expect(decodeAction(`lc|${sid}|3|target|-1`)).toBeNull();
    expect(decodeAction(`lc|${sid}|3|choose|id`)).toBeNull();
  });

  it('ignores ids that are not ours or are malformed', () => {
    expect(decodeAction('approve_button')).toBeNull();
    expect(decodeAction(`lc|${sid}|1|vote|7`)).toBeNull();
    expect(decodeAction(`lc|${sid}|x|run|1`)).toBeNull();
    expect(decodeAction('lc|not-a-session|1|run|1')).toBeNull();
    expect(decodeAction(`lc|${sid}|1|delete|1`)).toBeNull();
  });
});
