// No one acts as someone else, and no button acts outside its message (real Redis, core and web chat): a user id in
// the request body, an altered identity cookie, another thread's action id pressed through your own plan, or a
// plan's action sent through another message change nothing; with WEB_USERS each person is their token's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../bot/state/session-store.ts';
import type { ThreadRef } from '../../contract/messages.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  BOB,
  buttonsOf,
  isPlan,
  isProgress,
  type MessageView,
  startWebBot,
  textOf,
  votesOf,
  type WebBot,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';

const threadOf = (root: MessageView): ThreadRef => ({
  surface: 'web',
  space: '',
  channel: root.channel,
  thread: root.id,
});
const actionOf = (plan: MessageView, label: string) => {
  const button = buttonsOf(plan).find((b) => b.label === label);
  if (!button) throw new Error(`no ${label} button`);
  return button.action;
};

describe('forged identity and forged actions in the web chat (RUN_PERMISSION=author)', () => {
  let bot: WebBot;
  let task: MessageView;
  let plan: MessageView;

  beforeAll(async () => {
    bot = await startWebBot({ RUN_PERMISSION: 'author', WEB_CHANNELS: 'general,experiments' });
    task = await bot.chat.post(ANN, BLUEBERRY_TASK, { uploads: [await bot.chat.uploadFile(BLUEBERRY)] });
    plan = await bot.chat.waitForReply(task.id, (r) => r.find(isPlan));
  });

  afterAll(async () => {
    await bot?.stop();
  });

  const runsOf = async (root: MessageView) => bot.app.ctx.store.runs(sessionIdFor(threadOf(root)));

  it('shows each person as the server knows them: Ann’s id is the author’s, not one she could claim', async () => {
    const ann = await bot.chat.me(ANN);
    expect(ann).toEqual({ user: { id: expect.stringMatching(/^guest-/), name: 'Ann' }, nameFixed: false });
    expect(task.user).toEqual(ann.user);
    const session = await bot.app.ctx.store.get(sessionIdFor(threadOf(task)));
    expect(session?.author).toEqual(ann.user);
  });

  it('a Run sent by Bob with Ann’s id in the body is Bob’s, and refused; nothing starts', async () => {
    const ann = await bot.chat.me(ANN);
    const res = await bot.chat.pressAction(BOB, plan.id, actionOf(plan, 'Run 1'), { user: ann.user });
    expect(res.status).toBe(200);
    const refused = await bot.chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('only Ann')),
    );
    expect(textOf(refused)).toContain('Sorry Bob, only Ann, who posted the task, can start runs here.');
    expect(await runsOf(task)).toEqual({});
  });

  it('an identity cookie altered to carry Ann’s id names no one: the server issues a new guest', async () => {
    const ann = await bot.chat.me(ANN);
    const bobCookie = await bot.chat.cookieOf(BOB);
    const [, mac] = bobCookie.slice('lc_id='.length).split('.');
    const payload = Buffer.from(JSON.stringify(ann.user)).toString('base64url');
    const res = await fetch(new URL('/api/actions', bot.web.url()), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `lc_id=${payload}.${mac}` },
      body: JSON.stringify({ messageId: plan.id, action: actionOf(plan, 'Run 2') }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join(';')).toMatch(/lc_id=/);
    await bot.chat.waitForReply(task.id, (r) =>
      r.find((m) => /Sorry guest-[0-9a-f]{4}, only Ann/.test(textOf(m))),
    );
    expect(await runsOf(task)).toEqual({});
  });

  it('votes cannot be stuffed: three presses by Bob, each claiming another id, are one vote', async () => {
    for (const id of ['ann', 'carol', 'dave']) {
      await bot.chat.pressAction(BOB, plan.id, actionOf(plan, 'Vote 3'), { user: { id, name: id } });
    }
    const tally = await bot.chat.waitForReply(task.id, (r) => {
      const p = r.find(isPlan);
      return p && votesOf(p)[2] !== 'Votes: no votes yet' ? votesOf(p) : null;
    });
    expect(tally[2]).toBe('Votes: 1 vote');
    expect(Object.keys(await bot.app.ctx.store.votes(sessionIdFor(threadOf(task))))).toEqual([
      (await bot.chat.me(BOB)).user.id,
    ]);
  });

  it('another thread’s action pressed through your own plan changes nothing there, and says nothing', async () => {
    // Bob's task in #experiments: its plan and buttons are his thread's.
    const other = await bot.chat.post(BOB, BLUEBERRY_TASK, {
      channel: 'experiments',
      uploads: [await bot.chat.uploadFile(BLUEBERRY)],
    });
    const otherPlan = await bot.chat.waitForReply(other.id, (r) => r.find(isPlan));
    const repliesBefore = (await bot.chat.thread(task.id)).replies.length;
    const otherBefore = (await bot.chat.thread(other.id)).replies.length;
    const voteThere = actionOf(otherPlan, 'Vote 2');
    const runThere = actionOf(otherPlan, 'Run 2');

    // Through the web chat: the pressed message must carry the button.
    expect((await bot.chat.pressAction(ANN, plan.id, voteThere)).status).toBe(400);
    expect((await bot.chat.pressAction(BOB, plan.id, runThere)).status).toBe(400);
    // Straight to the bot, as a surface would hand it over: the session must be the pressed message's thread's.
    const annUser = (await bot.chat.me(ANN)).user;
    await bot.app.handler({
      type: 'action',
      thread: threadOf(task),
      messageId: plan.id,
      user: annUser,
      action: runThere,
      pressId: 'forged-1',
    });
    // And this thread's own plan action pressed through another message of the thread: the task message.
    await bot.app.handler({
      type: 'action',
      thread: threadOf(task),
      messageId: task.id,
      user: annUser,
      action: actionOf(plan, 'Run 1'),
      pressId: 'forged-2',
    });

    // A real press afterwards is answered, so everything before it has been handled.
    await bot.chat.press(BOB, otherPlan, 'Full text');
    await bot.chat.waitForReply(other.id, (r) => r.find((m) => textOf(m).includes('Full text of the')));
    expect(votesOf((await bot.chat.thread(other.id)).replies.find(isPlan) as MessageView)[1]).toBe(
      'Votes: no votes yet',
    );
    expect(await runsOf(other)).toEqual({});
    expect(await runsOf(task)).toEqual({});
    expect((await bot.chat.thread(other.id)).replies).toHaveLength(otherBefore + 1);
    expect((await bot.chat.thread(task.id)).replies).toHaveLength(repliesBefore);
  });

  it('two real presses of Full text by one person get two answers', async () => {
    const before = (await bot.chat.thread(task.id)).replies.filter((m) =>
      textOf(m).includes('Full text of the'),
    );
    await bot.chat.press(ANN, plan, 'Full text');
    await bot.chat.press(ANN, plan, 'Full text');
    const after = await bot.chat.waitForReply(task.id, (r) => {
      const full = r.filter((m) => textOf(m).includes('Full text of the'));
      return full.length >= before.length + 2 ? full : null;
    });
    expect(after).toHaveLength(before.length + 2);
  });

  it('Ann’s own Run is hers, and starts', async () => {
    await bot.chat.press(ANN, plan, 'Run 1');
    const status = await bot.chat.waitForReply(task.id, (r) => r.find(isProgress));
    expect(textOf(status)).toContain('started by Ann');
    await bot.chat.post(ANN, 'cancel', { thread: task.id });
    await bot.chat.waitForReply(task.id, (r) =>
      r.find((m) => isProgress(m) && textOf(m).includes('cancelled')),
    );
  });
});

describe('WEB_USERS: each person comes in under their own token’s name', () => {
  const ANN_TOKEN = 'ann-own-token-0123456789';
  const BOB_TOKEN = 'bob-own-token-0123456789';
  let bot: WebBot;
  let ann: WebChatClient;
  let bob: WebChatClient;

  beforeAll(async () => {
    bot = await startWebBot(
      { RUN_PERMISSION: 'author', WEB_USERS: `Ann=${ANN_TOKEN},Bob=${BOB_TOKEN}` },
      { workers: ['plan', 'deliver'] },
    );
    ann = new WebChatClient(bot.web.url(), { 'X-Access-Token': ANN_TOKEN });
    bob = new WebChatClient(bot.web.url(), { 'X-Access-Token': BOB_TOKEN });
  });

  afterAll(async () => {
    ann?.close();
    bob?.close();
    await bot?.stop();
  });

  it('refuses anyone without a token, names each member by theirs, and keeps the name theirs', async () => {
    expect((await fetch(new URL('/api/me', bot.web.url()))).status).toBe(401);
    const me = await ann.me(ANN);
    expect(me).toEqual({ user: { id: expect.stringMatching(/^member-/), name: 'Ann' }, nameFixed: true });
    const rename = await fetch(new URL('/api/me', bot.web.url()), {
      method: 'POST',
      headers: { 'X-Access-Token': BOB_TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Ann' }),
    });
    expect(rename.status).toBe(403);
    expect((await bob.me(BOB)).user.name).toBe('Bob');
  });

  it('Bob cannot run Ann’s task by claiming her id; Ann can', async () => {
    const task = await ann.post(ANN, BLUEBERRY_TASK, { uploads: [await ann.uploadFile(BLUEBERRY)] });
    expect(task.user.name).toBe('Ann');
    const plan = await ann.waitForReply(task.id, (r) => r.find(isPlan));
    const annUser = (await ann.me(ANN)).user;
    await bob.pressAction(BOB, plan.id, actionOf(plan, 'Run 1'), { user: annUser });
    const refused = await ann.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('only Ann')));
    expect(textOf(refused)).toContain('Sorry Bob');
    await ann.press(ANN, plan, 'Run 2');
    const status = await ann.waitForReply(task.id, (r) => r.find(isProgress));
    expect(textOf(status)).toContain('started by Ann');
  });
});
