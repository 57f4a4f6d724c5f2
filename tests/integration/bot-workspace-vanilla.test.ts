// The plan's Vanilla button runs the paper's control like any option (numbered, on the leaderboard), and a run
// cancelled while its script runs in the sandbox ends with its own look: no full bar, not "running in the sandbox"
// (real Redis, the real core and sandbox, offline engine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAction } from '../../bot/render/action-ids.ts';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  buttonsOf,
  isBoard,
  isPlan,
  isProgress,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';

const headingOf = (m: MessageView) => {
  const h = m.blocks?.find((b) => b.kind === 'heading');
  return h?.kind === 'heading' ? h.text : '';
};

describe('the vanilla control and a cancelled run on the workspace', () => {
  let bot: WebBot;

  beforeAll(async () => {
    bot = await startWebBot();
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('runs Vanilla as #1, then cancels #2 in the sandbox: each shows as it is', {
    timeout: 600_000,
  }, async () => {
    const { chat } = bot;
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    const runOf = (choice: string) =>
      buttonsOf(plan).find((b) => {
        const a = decodeAction(b.action);
        return a?.kind === 'run' && a.choice === choice;
      })?.action as string;
    expect(runOf('vanilla')).toEqual(expect.any(String));
    expect((await chat.pressAction(ann, plan.id, runOf('vanilla'))).ok).toBe(true);
    const vanilla = await chat.waitForReply(task.id, (r) => r.find(isResult), 240_000);
    expect(headingOf(vanilla)).toBe('#1 · vanilla control');
    expect(textOf(vanilla)).toMatch(/Score: mae \d/);
    const board = await chat.waitForReply(task.id, (r) => {
      const b = r.find(isBoard);
      return b && textOf(b).includes('#1 · vanilla control** · ★ best') ? b : null;
    });
    expect(textOf(board)).toContain('· done ·');

    // Option 2, cancelled once its script is running in the sandbox.
    expect((await chat.pressAction(ann, plan.id, runOf('2'))).ok).toBe(true);
    await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isProgress(m) && textOf(m).includes('running in the sandbox')),
      240_000,
    );
    await chat.post(ann, 'status', { thread: task.id });
    const status = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('**Status**')));
    expect(textOf(status)).toMatch(/\*\*Status\*\*: running #2 \(option 2\), stage \w+/);
    await chat.post(ann, 'cancel', { thread: task.id });
    const cancelled = await chat.waitForReply(task.id, (r) =>
      r.find((m) => isProgress(m) && textOf(m).includes('#2, started by Ann): cancelled')),
    );
    expect(textOf(cancelled)).toMatch(/cancelled at stage 4 of 4 \(submission\) after \d+s/);
    expect(textOf(cancelled)).not.toContain('running in the sandbox');
    const bar = cancelled.blocks?.find((b) => b.kind === 'progress');
    expect(bar?.kind === 'progress' && [bar.step, bar.total]).toEqual([3, 4]);
    const after = await chat.waitForReply(task.id, (r) => {
      const b = r.find(isBoard);
      return b && textOf(b).includes('#2 · option 2** · cancelled') ? b : null;
    });
    expect(textOf(after)).toContain('#1 · vanilla control** · ★ best');
    const { replies } = await chat.thread(task.id);
    expect(replies.filter(isBoard)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(1);
  });
});
