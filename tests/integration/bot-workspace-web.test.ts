// The thread as a workspace through the bot and the web chat, on real Redis, the real core and sandbox (offline
// engine): two runs, Improve on the better one, then Blend. The leaderboard message ends with four rows best first,
// each row's score the harness's score in that run's result.json and its result message; every post delivered once.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAction } from '../../bot/render/action-ids.ts';
import { formatScore } from '../../bot/render/render-result.ts';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type { PostOptions } from '../../contract/surface.ts';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  buttonsOf,
  isBoard,
  isPlan,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
  type WebChatClient,
} from '../helpers/bot-test-kit.ts';

const RUN_WAIT_MS = 240_000;

/** The heading of a message ('#3 · option 2, improved from #1', 'Leaderboard · …'). */
const headingOf = (m: MessageView) => {
  const h = m.blocks?.find((b) => b.kind === 'heading');
  return h?.kind === 'heading' ? h.text : '';
};

/** The leaderboard's rows: its text blocks that start with a rank. */
const rowsOf = (board: MessageView) =>
  (board.blocks ?? []).flatMap((b) => (b.kind === 'text' && /^\d+\. /.test(b.text) ? [b.text] : []));

/** The score a result message shows: '**Score: mae 87.96**'. */
const shownScore = (m: MessageView) => /Score: mae ([-\d.e]+)/.exec(textOf(m))?.[1] ?? null;

describe('the thread as a workspace in the web chat', () => {
  let bot: WebBot;
  let chat: WebChatClient;
  /** Posts the surface made, by delivery key. */
  const posts = new Map<string, number>();

  beforeAll(async () => {
    bot = await startWebBot({ RUN_CONCURRENCY: '2' });
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

  it('two runs, Improve on the better, then Blend: four rows best first, each score the harness’s, each post once', async () => {
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    const runButton = (choice: string) =>
      buttonsOf(plan).find((b) => {
        const a = decodeAction(b.action);
        return a?.kind === 'run' && a.choice === choice;
      });
    for (const choice of ['1', '3']) {
      const button = runButton(choice);
      if (!button) throw new Error(`no Run button for option ${choice}`);
      expect((await chat.pressAction(ann, plan.id, button.action)).ok).toBe(true);
    }
    // The board is posted with the first run.
    const firstBoard = await chat.waitForReply(task.id, (r) => r.find(isBoard));
    expect(headingOf(firstBoard)).toBe('Leaderboard · mae, lower is better');

    const results = await chat.waitForReply(
      task.id,
      (r) => {
        const found = r.filter(isResult);
        return found.length === 2 ? found : null;
      },
      RUN_WAIT_MS,
    );
    const scored = results
      .map((m) => ({ m, score: Number(shownScore(m)) }))
      .sort((a, b) => a.score - b.score);
    const better = scored[0]?.m as MessageView;
    const betterN = Number(/^#(\d+)/.exec(headingOf(better))?.[1]);
    await chat.press(ann, better, `Improve #${betterN}`);
    const improved = await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isResult(m) && headingOf(m).includes(`improved from #${betterN}`)),
      RUN_WAIT_MS,
    );
    expect(headingOf(improved)).toMatch(new RegExp(`^#3 · option [13], improved from #${betterN}$`));
    expect(textOf(improved)).toMatch(/Change: \S/);

    // Blend from the leaderboard once it shows the improvement (it is edited after the result is posted): the runs
    // it combines are named on the button.
    const board = await chat.waitForReply(task.id, (r) => {
      const b = r.find(isBoard);
      return b && buttonsOf(b).some((x) => /^Blend #\d, #\d, #\d$/.test(x.label)) ? b : null;
    });
    const blendButton = buttonsOf(board).find((b) => b.label.startsWith('Blend'));
    await chat.press(ann, board, blendButton?.label as string);
    const blended = await chat.waitForReply(
      task.id,
      (r) => r.find((m) => isResult(m) && headingOf(m).startsWith('#4 · blend of #1, #2, #3')),
      RUN_WAIT_MS,
    );
    expect(textOf(blended)).toMatch(/Weights: #\d [\d.]+/);

    // The board ends with four finished rows, best first by MAE (lower is better), the best marked once.
    const sid = sessionIdFor({ surface: 'web', space: '', channel: 'general', thread: task.id });
    const finalBoard = await chat.waitForReply(task.id, (r) => {
      const b = r.find(isBoard);
      const rows = b ? rowsOf(b) : [];
      return rows.length === 4 && rows.every((row) => /· done ·/.test(row) && row.includes('[result]('))
        ? b
        : null;
    });
    const rows = rowsOf(finalBoard);
    const runs = await bot.app.ctx.store.runList(sid);
    expect(runs.map((r) => [r.n, r.kind, r.status])).toEqual([
      [1, 'option', 'done'],
      [2, 'option', 'done'],
      [3, 'improve', 'done'],
      [4, 'blend', 'done'],
    ]);
    const resultMessages = (await chat.thread(task.id)).replies.filter(isResult);
    const ranked = [...runs].sort((a, b) => (a.score as number) - (b.score as number) || a.n - b.n);
    expect(rows.map((row) => Number(/\*\*#(\d+) /.exec(row)?.[1]))).toEqual(ranked.map((r) => r.n));
    expect(rows.filter((row) => row.includes('★ best'))).toHaveLength(1);
    expect(rows[0]).toContain('★ best');
    for (const r of runs) {
      const json = JSON.parse(await readFile(path.join(r.dir as string, 'result.json'), 'utf8')) as {
        score: number;
      };
      expect(r.score).toBe(json.score);
      const row = rows.find((x) => x.includes(`**#${r.n} `)) as string;
      expect(row).toContain(`mae **${formatScore(json.score)}**`);
      const message = resultMessages.find((m) => headingOf(m).startsWith(`#${r.n} · `)) as MessageView;
      expect(shownScore(message)).toBe(formatScore(json.score));
      // The row links to its result message.
      expect(row).toContain(`[result](/?channel=general&thread=${task.id}&message=${message.id})`);
    }
    console.log(`leaderboard:\n${rows.join('\n')}`);

    // Each reply reached the thread once: one post per delivery key, one board, one status per run, four results.
    const replies = (await chat.thread(task.id)).replies;
    expect([...posts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(replies.filter(isBoard)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(4);
    const statuses = replies.filter((m) => (m.blocks ?? []).some((b) => b.kind === 'progress'));
    expect(statuses).toHaveLength(4);
    for (const s of statuses) expect(textOf(s)).toContain(': finished');
    // While a script ran in the sandbox, its status showed the fold it reported as the bar and its last line.
    const inSandbox = chat.events.filter(
      (e) => e.type === 'edit' && /running in the sandbox: fold \d of 5 · /.test(textOf(e.message)),
    );
    expect(inSandbox.length).toBeGreaterThan(0);
    for (const e of inSandbox) {
      const bar = e.message.blocks?.find((b) => b.kind === 'progress');
      expect(bar?.kind === 'progress' && bar.total).toBe(5);
    }
    // Files carry the run number.
    const files = resultMessages.flatMap((m) =>
      (m.blocks ?? []).flatMap((b) => (b.kind === 'file' || b.kind === 'image' ? [b.file.name] : [])),
    );
    expect(files).toContain('run1-submission.csv');
    expect(files).toContain('run3-notebook.ipynb');
    expect(files.filter((f) => !/^run\d-/.test(f))).toEqual([]);

    // status: the same order, the best marked.
    await chat.post(ann, 'status', { thread: task.id });
    const status = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('**Status**')));
    const statusOrder = [...textOf(status).matchAll(/\d+\. \*\*#(\d+) /g)].map((m) => Number(m[1]));
    expect(statusOrder.slice(0, 4)).toEqual(ranked.map((r) => r.n));
  }, 900_000);
});
