// Two bot processes sharing Redis: each answers buttons pressed on the other's messages, and both show the
// same threads (real Redis, real core and sandbox, `bot/main.ts` twice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../helpers/bot-process.ts';
import {
  ANN as ann,
  BLUEBERRY,
  BLUEBERRY_TASK,
  BOB as bob,
  freePort,
  isPlan,
  isResult,
  type TestEnv,
  testEnv,
  textOf,
  votesOf,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';

describe('two bot processes on one Redis', () => {
  let t: TestEnv;
  let a: BotProcess;
  let b: BotProcess;
  let chatA: WebChatClient;
  let chatB: WebChatClient;

  beforeAll(async () => {
    t = await testEnv();
    const portA = await freePort();
    const portB = await freePort();
    a = startBotProcess({ ...t.env, PORT: String(portA) });
    b = startBotProcess({ ...t.env, PORT: String(portB) });
    await Promise.all([a.ready, b.ready]);
    chatA = new WebChatClient(`http://127.0.0.1:${portA}`);
    chatB = new WebChatClient(`http://127.0.0.1:${portB}`);
    await chatA.openEvents();
  });

  afterAll(async () => {
    chatA?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await t?.cleanup();
  });

  it('a task posted on A is voted on and run from B, and the reverse', { timeout: 120_000 }, async () => {
    const first = await chatA.post(ann, BLUEBERRY_TASK, { uploads: [await chatA.uploadFile(BLUEBERRY)] });
    const planOnB = await chatB.waitForReply(first.id, (r) => r.find(isPlan));
    await chatB.press(bob, planOnB, 'Vote 3');
    const tallyOnA = await chatA.waitForReply(first.id, (r) => {
      const p = r.find(isPlan);
      return p && votesOf(p)[2] === 'Votes: 1 vote' ? votesOf(p) : null;
    });
    expect(tallyOnA).toEqual([
      'Votes: no votes yet',
      'Votes: no votes yet',
      'Votes: 1 vote',
      'Votes: no votes yet',
    ]);
    // A's browsers see B's edit live: the SSE event may land just after the page's own fetch saw the tally, so
    // the test waits for that event itself.
    const live = await chatA.waitForEvent(
      (e) => e.type === 'edit' && e.message.id === planOnB.id && votesOf(e.message)[2] === 'Votes: 1 vote',
      "B's tally edit on A",
    );
    expect(votesOf(live.message)).toEqual(tallyOnA);

    await chatB.press(bob, planOnB, 'Run 3');
    const result = await chatA.waitForReply(first.id, (r) => r.find(isResult), 90_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
    expect(textOf(result)).toContain('option 3');

    const second = await chatB.post(bob, BLUEBERRY_TASK, { uploads: [await chatB.uploadFile(BLUEBERRY)] });
    const planOnA = await chatA.waitForReply(second.id, (r) => r.find(isPlan));
    await chatA.press(ann, planOnA, 'Vote resolver');
    await chatA.press(ann, planOnA, 'Full text');
    const tallyOnB = await chatB.waitForReply(second.id, (r) => {
      const p = r.find(isPlan);
      return p && votesOf(p)[3] === 'Votes: 1 vote' ? votesOf(p) : null;
    });
    expect(tallyOnB[3]).toBe('Votes: 1 vote');
    const full = await chatB.waitForReply(second.id, (r) =>
      r.find((m) => textOf(m).includes('Full text of the')),
    );
    expect(textOf(full)).toContain('Data Preprocessing');

    const { replies } = await chatB.thread(first.id);
    expect(replies.filter(isPlan)).toHaveLength(1);
    expect(replies.filter(isResult)).toHaveLength(1);
  });
});
