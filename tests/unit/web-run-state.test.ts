// The web chat's run badges: where a run stands, read from its progress block, and a thread's status from its runs
// (any under way, else the latest run's end).
import { describe, expect, it } from 'vitest';
import type { WebMessage } from '../../adapters/web/web-store.ts';
import { runStateOf, summarizeThread } from '../../adapters/web/web-views.ts';

function progress(label: string, step: number, ts: number): WebMessage {
  return {
    id: `m${ts}`,
    channel: 'general',
    thread: 'root',
    user: { id: 'linguacodus', name: 'Linguacodus' },
    bot: true,
    text: label,
    blocks: [{ kind: 'progress', label, step, total: 4 }],
    files: [],
    ts,
    editedTs: null,
  };
}

const root: WebMessage = { ...progress('task', 0, 1), id: 'root', thread: null, bot: false, blocks: null };

describe('run states in the web chat', () => {
  it('reads the state a progress label ends in', () => {
    expect(runStateOf(progress("Run of the resolver's choice (#1, started by Ann): queued", 0, 2))).toBe(
      'running',
    );
    expect(
      runStateOf(progress("Run of the resolver's choice (#1, started by Ann): running in the sandbox", 2, 2)),
    ).toBe('running');
    expect(runStateOf(progress('Run of option 2 (#2, started by Bob): finished', 4, 2))).toBe('done');
    expect(runStateOf(progress('Run of option 2 (#2, started by Bob): failed', 3, 2))).toBe('failed');
    expect(runStateOf(progress('Run of option 2 (#2, started by Bob): cancelled', 1, 2))).toBe('failed');
    expect(runStateOf(progress('Run of option 2 (#2, started by Bob): timed out', 1, 2))).toBe('failed');
    // No state named: running until the bar is full.
    expect(runStateOf(progress('Improve #3', 2, 2))).toBe('running');
    expect(runStateOf(progress('Improve #3', 4, 2))).toBe('done');
    expect(runStateOf(root)).toBeUndefined();
  });

  it("gives a thread's status: any run under way, else the latest run's end, else none", () => {
    const finished = progress('Run of option 1 (#1, started by Ann): finished', 4, 2);
    const failed = progress('Run of option 2 (#2, started by Ann): failed', 2, 3);
    const running = progress('Run of option 3 (#3, started by Ann): running', 1, 4);
    expect(summarizeThread(root, [])).toEqual({ replyCount: 0, threadStatus: null, lastTs: 1 });
    expect(summarizeThread(root, [finished, failed]).threadStatus).toBe('failed');
    expect(summarizeThread(root, [failed, finished]).threadStatus).toBe('failed');
    expect(summarizeThread(root, [running, finished, failed]).threadStatus).toBe('running');
    expect(summarizeThread(root, [finished, { ...failed, editedTs: 9 }])).toEqual({
      replyCount: 2,
      threadStatus: 'failed',
      lastTs: 9,
    });
  });
});
