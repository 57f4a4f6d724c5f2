// Auto in the thread through the bot and the web chat, on real Redis, the real core and sandbox (offline engine):
// `auto 1` on blueberry searches for a minute; each finished node joins the leaderboard live as a run with its
// move (and parent), the status names the node under way and the budget left, the pick's result arrives once,
// picked by cross-validation; every post delivered once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type { PostOptions } from '../../contract/surface.ts';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isBoard,
  isPlan,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
  type WebChatClient,
} from '../helpers/bot-test-kit.ts';

const AUTO_WAIT_MS = 600_000;

const headingOf = (m: MessageView) => {
  const h = m.blocks?.find((b) => b.kind === 'heading');
  return h?.kind === 'heading' ? h.text : '';
};

/** The leaderboard's rows: its text blocks that start with a rank. */
const rowsOf = (board: MessageView) =>
  (board.blocks ?? []).flatMap((b) => (b.kind === 'text' && /^\d+\. /.test(b.text) ? [b.text] : []));

describe('Auto in the web chat', () => {
  let bot: WebBot;
  let chat: WebChatClient;
  const posts = new Map<string, number>();

  beforeAll(async () => {
    bot = await startWebBot();
    chat = bot.chat;
    const post = bot.web.post.bind(bot.web);
    bot.web.post = (thread: ThreadRef, message: OutgoingMessage, options?: PostOptions) => {
      const key = options?.idempotencyKey ?? '(none)';
      posts.set(key, (posts.get(key) ?? 0) + 1);
      return post(thread, message, options);
    };
    await chat.openEvents();
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('`auto 1`: nodes on the live leaderboard with their moves, the node and budget on the status, the pick once', async () => {
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(plan.blocks?.some((b) => b.kind === 'buttons' && b.buttons.some((x) => x.label === 'Auto'))).toBe(
      true,
    );
    await chat.post(ann, 'auto 1', { thread: task.id });
    const result = await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isResult(m) && headingOf(m).startsWith('#1 · Auto search')),
      AUTO_WAIT_MS,
    );
    expect(textOf(result)).toMatch(/Picked by cross-validation: #\d+ of \d+ nodes/);

    const sid = sessionIdFor({ surface: 'web', space: '', channel: 'general', thread: task.id });
    const runs = await bot.app.ctx.store.runList(sid);
    const auto = runs.find((r) => r.n === 1);
    expect(auto?.kind).toBe('auto');
    expect(auto?.status).toBe('done');
    const nodes = runs.filter((r) => r.key.startsWith('auto-'));
    console.log(nodes.map((r) => `#${r.n} ${r.kind} ${r.status} ${r.note} ${r.score}`).join('\n'));
    expect(nodes.length).toBeGreaterThanOrEqual(4);
    expect(nodes.every((r) => r.note?.startsWith('Auto #1, '))).toBe(true);
    expect(nodes.some((r) => r.kind === 'improve' && r.parent !== null)).toBe(true);
    expect(nodes.some((r) => r.kind === 'blend' && r.members.length >= 2)).toBe(true);

    // The board was edited live, once per node at least, and ends with every node and the search itself.
    const board = await chat.waitForReply(task.id, (r) => {
      const b = r.find(isBoard);
      return b && rowsOf(b).length >= Math.min(nodes.length + 1, 10) ? b : null;
    });
    expect(rowsOf(board).some((row) => row.includes('Auto #1, '))).toBe(true);
    const boardEdits = chat.events.filter((e) => e.type === 'edit' && isBoard(e.message));
    expect(boardEdits.length).toBeGreaterThanOrEqual(nodes.length);
    // The status named the node under way and the budget left.
    const nodeLines = chat.events.filter(
      (e) =>
        e.type === 'edit' &&
        /node \d+, (draft|improve|blend|debug).* of the budget left/.test(textOf(e.message)),
    );
    expect(nodeLines.length).toBeGreaterThan(0);

    // Each reply reached the thread once: one result (the pick's), one board.
    const replies = (await chat.thread(task.id)).replies;
    expect([...posts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(replies.filter(isBoard)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(1);
  }, 900_000);

  it('`cancel` stops the search and keeps the best node so far: its result posted, the search done', async () => {
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    await chat.waitForReply(task.id, (r) => r.find(isPlan));
    await chat.post(ann, 'auto 5', { thread: task.id });
    // Once a node is on the board, cancel.
    await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isBoard(m) && rowsOf(m).some((row) => row.includes('Auto #1, '))),
      AUTO_WAIT_MS,
    );
    await chat.post(ann, 'cancel', { thread: task.id });
    const result = await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isResult(m) && headingOf(m).startsWith('#1 · Auto search')),
      AUTO_WAIT_MS,
    );
    expect(textOf(result)).toMatch(/the search was cancelled; the best so far/);
    const sid = sessionIdFor({ surface: 'web', space: '', channel: 'general', thread: task.id });
    const runs = await bot.app.ctx.store.runList(sid);
    expect(runs.find((r) => r.n === 1)?.status).toBe('done');
    expect(runs.filter((r) => r.status === 'running' || r.status === 'queued')).toEqual([]);
  }, 900_000);
});
