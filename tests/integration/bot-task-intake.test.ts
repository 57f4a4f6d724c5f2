// Tasks as people write them, through the bot and the web chat on real Redis and the real core: the crab and Titanic
// conversations of issue 11 end in a plan with the metric asked for; an unclear task is asked about with buttons,
// answered by button or by a column's name alone; a correction after a plan plans again, keeping the file and the
// other fields, and says what changed; the task card heads each plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANN as ann,
  buttonsOf,
  isPlan,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
  type WebChatClient,
} from '../helpers/bot-test-kit.ts';
import { suiteFile } from '../helpers/datasets.ts';

const CRAB = suiteFile('crab_age', 'CrabAgePrediction.csv');
const TITANIC = suiteFile('titanic', 'train.csv');

const isCard = (m: MessageView) =>
  m.bot && (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text === 'The task as I understand it');
const isQuestion = (m: MessageView) =>
  m.bot && (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text === 'Which column should I predict?');
/** The plan's context line: "tabular data, 891 rows · target `Survived` · metric accuracy · engines …". */
const planFacts = (plan: MessageView) => textOf(plan);

describe('tasks in plain words through the bot', () => {
  let bot: WebBot;
  let chat: WebChatClient;

  beforeAll(async () => {
    bot = await startWebBot();
    chat = bot.chat;
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('the crab: "how old" is Age, and the plan uses the mean absolute error asked for', async () => {
    const task = await chat.post(
      ann,
      "I'd like to predict how old a crab is from its measurements (sex, length, diameter, height and weights). Lower mean absolute error is better.",
      { uploads: [await chat.uploadFile(CRAB)] },
    );
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(planFacts(plan)).toContain('target `Age`');
    expect(planFacts(plan)).toContain('metric mae');
    // The task card is the first reply, every field with its reason, and buttons to change them.
    const { replies } = await chat.thread(task.id);
    const card = replies[0] as MessageView;
    expect(isCard(card)).toBe(true);
    const cardText = textOf(card);
    expect(cardText).toContain('**Target**: `Age` — The target is `Age`: “how old” asks for an age');
    expect(cardText).toContain('**Metric**: MAE, lower is better');
    expect(cardText).toMatch(/\*\*Id column\*\*: `row_id` \(added/);
    expect(cardText).toMatch(/\*\*Holdout\*\*: random, 25% of the rows, seed 42/);
    expect(cardText).toContain('3,893 rows of CrabAgePrediction.csv');
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['Change target', 'Change metric', 'Columns']);
  });

  it('Titanic: "survival" is Survived, and the plan is judged on accuracy as asked', async () => {
    const task = await chat.post(
      ann,
      'Which Titanic passengers survived? Please predict survival for each passenger from class, sex, age and fare. We judge it on accuracy.',
      { uploads: [await chat.uploadFile(TITANIC)] },
    );
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(planFacts(plan)).toContain('target `Survived`');
    expect(planFacts(plan)).toContain('metric accuracy');
  });

  it('an unclear task is asked about with buttons; a bare column name answers it and the metric said first stays', async () => {
    const task = await chat.post(ann, 'Here is the passenger list. We judge it on accuracy.', {
      uploads: [await chat.uploadFile(TITANIC)],
    });
    const question = await chat.waitForReply(task.id, (r) => r.find(isQuestion));
    const labels = buttonsOf(question).map((b) => b.label);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels).toContain('Survived');
    expect(labels).toContain('Other column…');
    const status = await chat.post(ann, 'status', { thread: task.id });
    expect(status.id).toBeTruthy();
    await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('waiting for your answer')));

    await chat.post(ann, 'Survived', { thread: task.id });
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(planFacts(plan)).toContain('target `Survived`');
    expect(planFacts(plan)).toContain('metric accuracy');
    const change = (await chat.thread(task.id)).replies.find((m) =>
      textOf(m).includes('Changing the target'),
    );
    expect(textOf(change as MessageView)).toContain('Changing the target to `Survived`');
  });

  it('choice buttons in the web chat: a target chosen by button, "Other column…" lists the columns', async () => {
    const task = await chat.post(ann, 'Here is the passenger list.', {
      uploads: [await chat.uploadFile(TITANIC)],
    });
    const question = await chat.waitForReply(task.id, (r) => r.find(isQuestion));
    await chat.press(ann, question, 'Other column…');
    const columns = await chat.waitForReply(task.id, (r) =>
      r.find((m) => (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text === 'The columns')),
    );
    expect(textOf(columns)).toContain('`PassengerId` (id)');
    await chat.press(ann, question, 'Survived');
    const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(planFacts(plan)).toContain('target `Survived`');
    // No metric was said: the default for a two-class target, said so on the card.
    expect(planFacts(plan)).toContain('metric roc-auc');
    const card = (await chat.thread(task.id)).replies.filter(isCard).at(-1) as MessageView;
    expect(textOf(card)).toContain('your reply “target: Survived”');

    // "Change metric" on the card offers the metrics that fit; one pressed plans again with it.
    await chat.press(ann, card, 'Change metric');
    const metrics = await chat.waitForReply(task.id, (r) =>
      r.find((m) => (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text === 'Change the metric')),
    );
    expect(buttonsOf(metrics).map((b) => b.label)).toEqual(
      expect.arrayContaining(['ROC AUC', 'accuracy', 'F1', 'log loss']),
    );
    await chat.press(ann, metrics, 'F1');
    const replanned = await chat.waitForReply(task.id, (r) => {
      const plans = r.filter(isPlan);
      return plans.length === 2 ? plans[1] : null;
    });
    expect(planFacts(replanned)).toContain('metric f1');
    expect(planFacts(replanned)).toContain('target `Survived`');
  });

  it('a correction after a plan plans again in the thread, keeping the file and the other fields, and says what changed', async () => {
    const task = await chat.post(
      ann,
      'Tell me how old the crabs are, given sex and body measurements. RMSE is fine.',
      { uploads: [await chat.uploadFile(CRAB)] },
    );
    const first = await chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(planFacts(first)).toContain('metric rmse');

    await chat.post(ann, 'metric: mae', { thread: task.id });
    const second = await chat.waitForReply(task.id, (r) => {
      const plans = r.filter(isPlan);
      return plans.length === 2 ? plans[1] : null;
    });
    expect(planFacts(second)).toContain('metric mae');
    expect(planFacts(second)).toContain('target `Age`');
    const { replies } = await chat.thread(task.id);
    const said = replies.find((m) => textOf(m).includes('Changing the metric'));
    expect(textOf(said as MessageView)).toContain(
      'Changing the metric to mae. Keeping the target `Age`, the file CrabAgePrediction.csv and the rest. Planning again…',
    );
    const cards = replies.filter(isCard);
    expect(cards).toHaveLength(2);
    expect(textOf(cards[1] as MessageView)).toContain('Changed: metric: RMSE → MAE.');
    // The first plan's buttons now answer that they belong to an earlier plan.
    await chat.press(ann, first, 'Vote 1');
    await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('earlier plan')));

    // Words that name nothing change nothing; a metric the harness cannot score is refused, listing the known ones.
    await chat.post(ann, 'thanks, looks good', { thread: task.id });
    await chat.waitForReply(task.id, (r) =>
      r.find((m) => textOf(m).includes('could not tell what to change')),
    );
    await chat.post(ann, 'actually judge it by quadratic weighted kappa', { thread: task.id });
    const refused = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes("can't score")));
    expect(textOf(refused)).toContain('Known metrics: rmse');
    expect((await chat.thread(task.id)).replies.filter(isPlan)).toHaveLength(2);
  });

  it('a table with nothing to learn from gets a clear reply', async () => {
    const upload = await chat.upload(
      'only-target.csv',
      `price\n${Array.from({ length: 30 }, (_, i) => i * 3).join('\n')}\n`,
    );
    const task = await chat.post(ann, 'Predict the price. RMSE.', { uploads: [upload.id] });
    const reply = await chat.waitForReply(task.id, (r) => r.find((m) => textOf(m).includes('⚠️')));
    expect(textOf(reply)).toContain(
      'only-target.csv has nothing to learn from: besides `price` it holds nothing',
    );
  });
});
