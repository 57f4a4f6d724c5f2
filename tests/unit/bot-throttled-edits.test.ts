// A burst of progress updates becomes one edit carrying the latest state.
import { describe, expect, it } from 'vitest';
import { throttledEdits } from '../../bot/jobs/throttled-edits.ts';
import type { OutgoingMessage } from '../../contract/messages.ts';

const msg = (text: string): OutgoingMessage => ({ text, blocks: [] });

describe('throttled edits', () => {
  it('coalesces a burst into one edit with the last message', async () => {
    const sent: string[] = [];
    const edits = throttledEdits(async (m) => {
      sent.push(m.text);
    });
    for (const n of [1, 2, 3, 4, 5]) edits.push(msg(`stage ${n}`));
    await edits.flush();
    expect(sent).toEqual(['stage 5']);
  });

  it('reports a failed edit on flush instead of losing it', async () => {
    const edits = throttledEdits(async () => {
      throw new Error('surface down');
    });
    edits.push(msg('x'));
    await expect(edits.flush()).rejects.toThrow('surface down');
  });

  it('sends nothing after stop', async () => {
    const sent: string[] = [];
    const edits = throttledEdits(async (m) => {
      sent.push(m.text);
    });
    edits.push(msg('late'));
    edits.stop();
    await edits.flush();
    expect(sent).toEqual([]);
  });
});
