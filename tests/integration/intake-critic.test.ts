// Critic-assisted intake against the local OpenAI-format server: an unsure task (the question intake would ask) is
// settled by the critic's JSON choice, shown as the target's and metric's reason; a critic that answers garbage,
// chooses a column it was not offered, or fails leaves the offline question in place.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INTAKE_LIMITS, intakeTask, TargetQuestion } from '../../core/intake/index.ts';
import { createModelClient } from '../../core/llm/model-client.ts';
import { suiteFile } from '../helpers/datasets.ts';
import { type FakeOpenAI, type FakeResponder, startFakeOpenAI } from '../helpers/fake-openai-server.ts';

const TITANIC = suiteFile('titanic', 'train.csv');
/** Says nothing of what to predict: offline, intake asks. */
const UNSURE = 'Here is the passenger list.';

let server: FakeOpenAI | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function critic(responder: FakeResponder) {
  server = await startFakeOpenAI(responder);
  return createModelClient(
    'critic',
    {
      baseURL: server.url,
      model: 'fake-critic',
      apiKey: 'k',
      timeoutMs: 5_000,
      maxTokens: 256,
      maxAttempts: 2,
    },
    { sleep: async () => {} },
  );
}

async function question(promise: Promise<unknown>): Promise<TargetQuestion> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TargetQuestion);
  return error as TargetQuestion;
}

describe('critic-assisted intake', () => {
  it('offline, the unsure task gets the question', async () => {
    const q = await question(intakeTask({ text: UNSURE, files: [TITANIC] }, DEFAULT_INTAKE_LIMITS));
    expect(q.choices.map((c) => c.column)).toContain('Survived');
  });

  it('the critic chooses among the ranked columns and the fitting metrics; its reason is on the task card', async () => {
    const advisor = await critic(() =>
      JSON.stringify({
        target: 'Survived',
        metric: 'accuracy',
        reason: 'A passenger list is the Titanic survival task.',
      }),
    );
    const { spec } = await intakeTask({ text: UNSURE, files: [TITANIC] }, DEFAULT_INTAKE_LIMITS, { advisor });
    expect(spec.targets).toEqual(['Survived']);
    expect(spec.metric).toBe('accuracy');
    expect(spec.reasons.target).toMatch(
      /^The target is `Survived`: the critic chose it among the likely columns \(.*`Survived`.*\): “A passenger list is the Titanic survival task\.”\.$/,
    );
    expect(spec.reasons.metric).toBe(
      'chosen by the critic: “A passenger list is the Titanic survival task.”',
    );
    // It was asked with the candidates, the columns and the metrics that fit, for JSON.
    const prompt = JSON.stringify(server?.requests[0]?.body);
    expect(prompt).toContain('Likely target columns, ranked');
    expect(prompt).toContain('PassengerId');
    expect(prompt).toContain('\\"target\\"');
  });

  it('a metric the task names is kept; a fenced JSON answer is read', async () => {
    const advisor = await critic(
      () =>
        '```json\n{"target": "Survived", "metric": null, "reason": "Survival is what such lists are for."}\n```',
    );
    const { spec } = await intakeTask(
      { text: `${UNSURE} Metric: F1.`, files: [TITANIC] },
      DEFAULT_INTAKE_LIMITS,
      { advisor },
    );
    expect(spec.targets).toEqual(['Survived']);
    expect(spec.metric).toBe('f1');
  });

  it('garbage, a column not offered, a metric that does not fit or a failed call: the question as offline', async () => {
    const answers: FakeResponder[] = [
      () => 'I think it is probably the survival column.',
      () => '{"target": "Survived"}',
      () => JSON.stringify({ target: 'Ticket', metric: 'accuracy', reason: 'Tickets.' }),
      () => JSON.stringify({ target: 'Survived', metric: 'rmse', reason: 'Numbers.' }),
      () => ({ status: 500, message: 'upstream exploded' }),
    ];
    for (const answer of answers) {
      const refused: string[] = [];
      const advisor = await critic(answer);
      const q = await question(
        intakeTask({ text: UNSURE, files: [TITANIC] }, DEFAULT_INTAKE_LIMITS, {
          advisor,
          onAdviceRefused: (why) => refused.push(why),
        }),
      );
      expect(q.choices.map((c) => c.column)).toContain('Survived');
      expect(refused).toHaveLength(1);
      await server?.close();
      server = null;
    }
  });

  it('a task intake is sure of never calls the critic', async () => {
    const advisor = await critic(() => JSON.stringify({ target: 'Age', metric: 'mae', reason: 'x' }));
    const { spec } = await intakeTask(
      { text: 'Predict which passengers survived. Accuracy.', files: [TITANIC] },
      DEFAULT_INTAKE_LIMITS,
      { advisor },
    );
    expect(spec.targets).toEqual(['Survived']);
    expect(server?.requests).toHaveLength(0);
  });
});
