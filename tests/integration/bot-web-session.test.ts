// A whole session through the bot and the web chat (HTTP + SSE) on real Redis, the real core and sandbox:
// task → plan → votes → run → results, with commands in the thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  BOB as bob,
  isPlan,
  isProgress,
  isResult,
  type MessageView,
  startWebBot,
  textOf,
  votesOf,
  type WebBot,
  type WebChatClient,
} from '../helpers/bot-test-kit.ts';

describe('a whole session in the web chat', () => {
  let bot: WebBot;
  let chat: WebChatClient;

  beforeAll(async () => {
    bot = await startWebBot();
    chat = bot.chat;
    await chat.openEvents();
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('plans, tallies votes, runs the resolver’s choice and posts the score, code, notebook and chart', async () => {
    const upload = await chat.uploadFile(BLUEBERRY);
    const task = await chat.post(ann, BLUEBERRY_TASK, { uploads: [upload] });
    expect(task.files[0]?.name).toBe('WildBlueberryPollinationSimulationData.csv');

    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    const planText = textOf(plan);
    for (const n of [1, 2, 3]) expect(planText).toMatch(new RegExp(`\\*\\*${n}\\. `));
    expect(planText).toContain("Researcher's critique");
    expect(planText).toMatch(/Resolver's choice: option [123], improved/);
    expect(planText).toContain('metric mae');
    const mdFile = plan.blocks?.find((b) => b.kind === 'file');
    expect(mdFile?.kind === 'file' && mdFile.file.name).toBe('instructions.md');

    // The plan goes out after its three model calls, the quick cross-validation still running; the plan message
    // is then edited with the evidence's verdict on the resolver's choice.
    const draft = await chat.waitForEvent(
      (e) => e.type === 'message' && e.message.id === plan.id,
      'the plan posted before its evidence',
    );
    expect(textOf(draft.message)).toContain('Quick cross-validation of the options: running');
    const judged = await chat.waitForEvent(
      (e) =>
        e.type === 'edit' && e.message.id === plan.id && /Quick cross-validation: \S/.test(textOf(e.message)),
      'the evidence edit',
      90_000,
    );
    expect(textOf(judged.message)).not.toContain('running…');

    // One vote per person, changeable: Ann moves her vote from 1 to 2, Bob votes 2.
    await chat.press(ann, plan, 'Vote 1');
    await chat.press(bob, plan, 'Vote 2');
    await chat.press(ann, plan, 'Vote 2');
    const tallied = await chat.waitForReply(task.id, (r) => {
      const p = r.find(isPlan);
      const votes = p ? votesOf(p) : [];
      return votes[1] === 'Votes: 2 votes' ? votes : null;
    });
    expect(tallied).toEqual([
      'Votes: no votes yet',
      'Votes: 2 votes',
      'Votes: no votes yet',
      'Votes: no votes yet',
    ]);
    // The browser sees the tally edited live (the SSE event may trail the fetch that saw it).
    await chat.waitForEvent((e) => e.type === 'edit' && e.message.id === plan.id, 'the tally edit');

    await chat.press(bob, plan, 'Run resolver');
    await chat.press(ann, plan, 'Run resolver');
    const refused = await chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('already running')),
    );
    expect(textOf(refused)).toContain('started by Bob');

    const result = await chat.waitForReply(task.id, (r) => r.find(isResult), 120_000);
    const heading = result.blocks?.find((b) => b.kind === 'heading');
    expect(heading?.kind === 'heading' && heading.text).toBe("#1 · resolver's choice");
    expect(textOf(result)).toMatch(/Score: mae \d/);
    expect(textOf(result)).toMatch(/baseline \(.+\): \d/);
    const kinds = (result.blocks ?? []).map((b) => b.kind);
    expect(kinds).toContain('image');
    const files = (result.blocks ?? []).flatMap((b) =>
      b.kind === 'file' || b.kind === 'image' ? [b.file.name] : [],
    );
    expect(files).toContain('run1-notebook.ipynb');
    expect(files).toContain('run1-chart.png');
    const hasCode =
      files.includes('run1-solution.py') ||
      (result.blocks ?? []).some((b) => b.kind === 'code' && b.language === 'python');
    expect(hasCode).toBe(true);
    expect((result.blocks ?? []).some((b) => b.kind === 'code' && b.filename === 'last log lines')).toBe(
      true,
    );

    // The chart is served inline as a PNG.
    const image = result.blocks?.find((b) => b.kind === 'image');
    if (image?.kind !== 'image') throw new Error('no image block');
    const png = await fetch(new URL(image.file.url, bot.web.url()));
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // One status message, edited live over SSE up to "finished"; each reply exactly once.
    const { replies } = await chat.thread(task.id);
    const progress = replies.filter(isProgress);
    expect(progress).toHaveLength(1);
    expect(textOf(progress[0] as MessageView)).toContain('finished');
    expect(replies.filter(isResult)).toHaveLength(1);
    expect(replies.filter(isPlan)).toHaveLength(1);
    await chat.waitForEvent(
      (e) => e.type === 'edit' && e.message.id === progress[0]?.id && textOf(e.message).includes('running'),
      'a live status edit while running',
    );
  });

  it('answers help, status and rerun in the thread', async () => {
    const upload = await chat.uploadFile(BLUEBERRY);
    const task = await chat.post(bob, BLUEBERRY_TASK, { uploads: [upload] });
    await chat.waitForReply(task.id, (r) => r.find(isPlan));
    await chat.post(bob, 'help', { thread: task.id });
    const help = await chat.waitForReply(task.id, (r) =>
      r.find((m) => m.bot && textOf(m).includes('How to use')),
    );
    expect(textOf(help)).toContain('`cancel`');
    await chat.post(bob, 'status', { thread: task.id });
    const status = await chat.waitForReply(task.id, (r) =>
      r.find((m) => m.bot && textOf(m).includes('**Status**')),
    );
    expect(textOf(status)).toContain('plan ready');
    expect(textOf(status)).toContain('No runs yet.');
    await chat.post(bob, 'rerun', { thread: task.id });
    const queued = await chat.waitForReply(task.id, (r) => r.find(isProgress));
    expect(textOf(queued)).toContain("the resolver's choice");
    await chat.post(bob, 'cancel', { thread: task.id });
    const cancelled = await chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('Cancelling')),
    );
    expect(textOf(cancelled)).toContain("the run of the resolver's choice");
    await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes('cancelled')));
  });
});
