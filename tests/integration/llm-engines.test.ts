// The LLM engines driven through the official openai client against a real local OpenAI-format server.
import { afterEach, describe, expect, it } from 'vitest';
import type { InstructorEngine, StageContext } from '../../core/engine.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { describeContract } from '../../core/harness/index.ts';
import { LlmCoder } from '../../core/llm/llm-coder.ts';
import { LlmCritic, parseResolverAnswer } from '../../core/llm/llm-critic.ts';
import { LlmInstructor } from '../../core/llm/llm-instructor.ts';
import { createModelClient, type ModelClientConfig, type ModelRole } from '../../core/llm/model-client.ts';
import { LLAMA2_DEFAULT_SYSTEM } from '../../core/prompts.ts';
import type { AnswerNote, DataProfile, Instruction, LlmUsage } from '../../core/types.ts';
import {
  type FakeOpenAI,
  type FakeResponder,
  failFirst,
  paperPromptOf,
  promptText,
  startFakeOpenAI,
} from '../helpers/fake-openai-server.ts';
import { instructionOptions } from '../helpers/instruction-fixture.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const KEY = 'sk-live-VERYSECRET-abcdef0123456789';

const task = taskFixture({
  description: 'Predict the median house value MedHouseVal for each district.',
  metric: 'rmse',
  targets: ['MedHouseVal'],
});

const profile: DataProfile = {
  rows: 500,
  columns: [
    { name: 'id', kind: 'id', missingShare: 0, unique: 500, examples: ['0'] },
    {
      name: 'MedInc',
      kind: 'numeric',
      missingShare: 0.02,
      unique: 480,
      examples: ['3.2'],
      min: 0.5,
      max: 15,
    },
    {
      name: 'MedHouseVal',
      kind: 'numeric',
      missingShare: 0,
      unique: 450,
      examples: ['2.1'],
      min: 0.15,
      max: 5,
    },
  ],
  target: { names: ['MedHouseVal'], type: 'regression', mean: 2.07, skew: 0.9 },
};

const MODELS = ['LightGBM regressor', 'Random forest regressor', 'Ridge regression'];

function instructionAnswer(place: number): string {
  return `Sure, here is the instruction.

#### Data Preprocessing:

- Read train.csv and test.csv with pandas.
- Fill missing values of \`MedInc\` with the median.

#### Model Architecture:

- Use a ${MODELS[place - 1]}.

#### Model Training:

- Train with 5-fold cross-validation on RMSE.

#### Submission:

- Write \`id\` and \`MedHouseVal\` to submission.csv.`;
}

function placeOf(prompt: string): number {
  const m = /writing the (first|second|third) place instruction/.exec(prompt);
  return m ? ['first', 'second', 'third'].indexOf(m[1] ?? '') + 1 : 0;
}

let server: FakeOpenAI | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(responder: FakeResponder): Promise<FakeOpenAI> {
  server = await startFakeOpenAI(responder);
  return server;
}

function client(role: ModelRole, url: string, extra: Partial<ModelClientConfig> = {}) {
  return createModelClient(
    role,
    { baseURL: url, model: `fake-${role}`, apiKey: KEY, timeoutMs: 5_000, maxTokens: 512, ...extra },
    // Back-off is checked in the unit tests; here it would only slow the suite.
    { sleep: async () => {} },
  );
}

const options = instructionOptions(MODELS);

describe('LlmInstructor', () => {
  it('asks for the first, second and third place at once and parses each instruction', async () => {
    // Each request is held until all three have arrived: a sequential instructor would never get an answer.
    let release: () => void = () => {};
    const allArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = 0;
    const fake = await start(async (req) => {
      arrived++;
      if (arrived === 3) release();
      await allArrived;
      const prompt = paperPromptOf(req);
      return instructionAnswer(prompt.kind === 'instruction' ? prompt.rank : 0);
    });
    const usage: LlmUsage[] = [];
    const instructions = await new LlmInstructor(client('instructor', fake.url)).instructions(task, profile, {
      usage,
    });
    expect(fake.maxInFlight).toBe(3);
    expect(instructions.map((i) => i.rank)).toEqual([1, 2, 3]);
    expect(instructions.map((i) => i.modelArchitecture[0])).toEqual(MODELS.map((m) => `Use a ${m}.`));
    expect(instructions[0]?.title).toBe('LightGBM');
    expect(instructions[0]?.submission).toEqual(['Write `id` and `MedHouseVal` to submission.csv.']);
    expect(usage.map((u) => u.purpose).sort()).toEqual(['instruction 1', 'instruction 2', 'instruction 3']);
    expect(usage.every((u) => u.role === 'instructor' && u.promptTokens > 0 && u.completionTokens > 0)).toBe(
      true,
    );
    const prompt = promptText(fake.requests[0] as never);
    expect(prompt).toContain('Imagine that you are a data analyst. Your objective is writing the');
    expect(prompt).toContain(
      'The tabular data is used for the problem. The metric type is RMSE for the problem.',
    );
    expect(prompt).toContain('`MedInc`: numeric');
  });

  it('uses the Llama 2 template on a plain completions endpoint and survives a 503 and a 429', async () => {
    let calls = 0;
    const fake = await start(
      failFirst(1, { status: 503 }, (req) => {
        calls++;
        if (calls === 1) return { status: 429, headers: { 'retry-after': '0' } };
        return instructionAnswer(placeOf(promptText(req)));
      }),
    );
    const usage: LlmUsage[] = [];
    const instructor = new LlmInstructor(client('instructor', fake.url, { api: 'completions' }), {
      dataCard: false,
    });
    const instructions = await instructor.instructions(task, profile, { usage });
    expect(instructions).toHaveLength(3);
    expect(fake.requests).toHaveLength(5);
    expect(fake.requests.every((r) => r.path === '/v1/completions')).toBe(true);
    const prompt = String(fake.requests[0]?.body.prompt);
    expect(prompt.startsWith('[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.')).toBe(
      true,
    );
    expect(prompt.endsWith('model architecture and model training. [/INST]')).toBe(true);
    expect(usage.map((u) => u.attempts).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('asks once more when an answer holds no instruction, then gives up with llm_bad_output (no fallback)', async () => {
    const fake = await start(() => '   ...   ');
    const error = await new LlmInstructor(client('instructor', fake.url))
      .instructions(task, profile)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinguacodusError);
    expect((error as LinguacodusError).code).toBe('llm_bad_output');
    // The three places were asked, and at least the failing one a second time before the others were stopped.
    expect(fake.requests.length).toBeGreaterThanOrEqual(4);
    expect(
      fake.requests.some((r) =>
        JSON.stringify(r.body).includes(
          'An earlier answer to this was not usable: it holds no instruction steps',
        ),
      ),
    ).toBe(true);
    expect((error as LinguacodusError).message).toContain(
      'no usable answer in two tries (it holds no instruction steps)',
    );
  });
});

describe('LlmInstructor answer checks', () => {
  it('asks a cut or looping place again, and notes why', async () => {
    const asked: number[] = [];
    const fake = await start((req) => {
      const prompt = paperPromptOf(req);
      const rank = prompt.kind === 'instruction' ? prompt.rank : 0;
      asked.push(rank);
      if (rank === 2 && asked.filter((r) => r === 2).length === 1) {
        return { content: instructionAnswer(2).slice(0, 120), finishReason: 'length' };
      }
      return instructionAnswer(rank);
    });
    const notes: AnswerNote[] = [];
    const instructions = await new LlmInstructor(client('instructor', fake.url)).instructions(task, profile, {
      notes,
    });
    expect(instructions.map((i) => i.modelArchitecture[0])).toEqual(MODELS.map((m) => `Use a ${m}.`));
    expect(notes).toEqual([
      {
        role: 'instructor',
        purpose: 'instruction 2',
        action: 're-asked',
        reason: 'the first answer was not usable: it was cut off at the token limit (finish_reason "length")',
      },
    ]);
    // A general model is told what was wrong; the data card still goes with it.
    const again = promptText(fake.requests.at(-1) as never);
    expect(again).toContain('(An earlier answer to this was not usable: it was cut off at the token limit');
    expect(again).toContain('`MedInc`: numeric');
  });

  it("puts the fallback engine's option in for a place refused twice, and says so", async () => {
    const fake = await start((req) => {
      const prompt = paperPromptOf(req);
      return prompt.kind === 'instruction' && prompt.rank === 3
        ? "I'm sorry, but I cannot provide a third place instruction without the competition's leaderboard."
        : instructionAnswer(prompt.kind === 'instruction' ? prompt.rank : 0);
    });
    const notes: AnswerNote[] = [];
    const fallback: InstructorEngine = {
      kind: 'offline',
      instructions: async () => options.map((o) => ({ ...o, title: `offline ${o.rank}` })),
    };
    const instructions = await new LlmInstructor(client('instructor', fake.url), { fallback }).instructions(
      task,
      profile,
      { notes },
    );
    expect(instructions.map((i) => i.title)).toEqual(['LightGBM', 'Random forest', 'offline 3']);
    expect(instructions[2]?.rank).toBe(3);
    expect(notes.map((n) => `${n.purpose} ${n.action}: ${n.reason}`)).toEqual([
      'instruction 3 re-asked: the first answer was not usable: the model refused: "I\'m sorry, but I cannot provide a third place instruction without the…"',
      'instruction 3 dropped: no usable answer in two tries (the model refused: "I\'m sorry, but I cannot provide a third place instruction without the…")',
      "instruction 3 replaced: the offline engine's option 3 (offline 3) stands in for the model's answer",
    ]);
  });

  it('asks a refusal that parses into steps again once, then leaves that place out with the reason', async () => {
    const refusals = [
      'I apologize, but I cannot provide a first place instruction as it is not appropriate to rank solutions.\nAdditionally, I would need more information about the dataset and the evaluation criteria.\nIs there anything else I can help you with?',
      "### First place instruction\n\n**I'm sorry**, but without more information about the data I cannot rank approaches.\n- Train a model.\n- Tune it.\n- Submit the predictions.",
    ];
    const fake = await start((req) => {
      const prompt = paperPromptOf(req);
      if (prompt.kind === 'instruction' && prompt.rank === 1) return refusals.shift() ?? instructionAnswer(1);
      return instructionAnswer(prompt.kind === 'instruction' ? prompt.rank : 0);
    });
    const notes: AnswerNote[] = [];
    const fallback: InstructorEngine = {
      kind: 'offline',
      instructions: async () => options.map((o) => ({ ...o, title: `offline ${o.rank}` })),
    };
    const instructions = await new LlmInstructor(client('instructor', fake.url), { fallback }).instructions(
      task,
      profile,
      { notes },
    );
    expect(instructions.map((i) => i.title)).toEqual(['offline 1', 'Random forest', 'Ridge regression']);
    expect(notes.map((n) => `${n.purpose} ${n.action}: ${n.reason}`).slice(0, 2)).toEqual([
      'instruction 1 re-asked: the first answer was not usable: the model refused: "I apologize, but I cannot provide a first place instruction as it is not…"',
      'instruction 1 dropped: no usable answer in two tries (the model refused: "I\'m sorry, but without more information about the data I cannot rank approaches.")',
    ]);
  });

  it('sends exactly the Fig. 6 prompt in the training vocabulary in paper mode, and the same prompt again', async () => {
    let calls = 0;
    const fake = await start((req) => {
      calls++;
      const prompt = paperPromptOf(req);
      const rank = prompt.kind === 'instruction' ? prompt.rank : 0;
      return rank === 1 && calls <= 3 ? 'Sure! Here is the instruction:' : instructionAnswer(rank);
    });
    const notes: AnswerNote[] = [];
    const instructor = new LlmInstructor(client('instructor', fake.url, { api: 'completions' }), {
      prompt: 'paper',
    });
    await instructor.instructions(task, profile, { notes });
    const prompts = fake.requests.map((r) => String(r.body.prompt));
    const first = prompts.find((p) => p.includes('writing the first place'));
    expect(first).toBe(
      `[INST] <<SYS>>\n${LLAMA2_DEFAULT_SYSTEM}\n<</SYS>>\n\nImagine that you are a data analyst. Your objective is writing the first place instruction for solving this machine learning task. Task: Predict the median house value MedHouseVal for each district. The tabular data data is used for the problem. The metric type is mse for the problem. Your response contains the main information about data preprocessing, model architecture and model training. [/INST]`,
    );
    // Asked again with the very same prompt: the fine-tuned model knows no other.
    expect(prompts.filter((p) => p === first)).toHaveLength(2);
    expect(notes[0]?.reason).toBe(
      'the first answer was not usable: it is chatter with no instruction: "Sure! Here is the instruction:"',
    );
  });
});

describe('LlmCritic', () => {
  it('sends the Fig. 7 prompt with the evidence and returns the critique', async () => {
    const fake = await start((req) => {
      expect(paperPromptOf(req).kind).toBe('critique');
      return 'Option 1 ignores skew. Option 3 underfits.';
    });
    const critic = new LlmCritic(client('critic', fake.url));
    const critique = await critic.critique({
      task,
      profile,
      instructions: options,
      evidence: [
        { rank: 1, title: 'a', cvScore: 0.51, seconds: 4 },
        { rank: 2, title: 'b', cvScore: 0.49, seconds: 6 },
        { rank: 3, title: 'c', cvScore: 0.7, seconds: 1 },
      ],
    });
    expect(critique).toBe('Option 1 ignores skew. Option 3 underfits.');
    const prompt = promptText(fake.requests[0] as never);
    expect(prompt).toContain('List the flaws and faulty logic of each instruction option.');
    expect(prompt).toContain('RMSE (lower is better)');
    expect(prompt).toContain('Instruction option 2: RMSE = 0.49 in 6 s');
  });

  it('reads the resolver choice and the improved instruction in full (rank 0)', async () => {
    const answer = `Step 1: the researcher thought Instruction option 2 was best because the forest handles skew.

Step 2: improvements: tune the number of trees and add a log transform.

**Improved instruction:**

### Random forest with log target

#### Data Preprocessing:
- Read train.csv and test.csv.
- Log-transform \`MedHouseVal\`.

#### Model Architecture:
- RandomForestRegressor with 400 trees.

#### Model Training:
- 5-fold CV on RMSE; tune max_depth.

#### Submission:
- Invert the log and write submission.csv.`;
    const fake = await start((req) => {
      expect(paperPromptOf(req).kind).toBe('resolve');
      return answer;
    });
    const usage: LlmUsage[] = [];
    const decision = await new LlmCritic(client('critic', fake.url)).resolve(
      { task, profile, instructions: options, evidence: [], critique: 'Option 2 is the strongest.' },
      { usage },
    );
    expect(decision.chose).toBe(2);
    expect(decision.instruction.rank).toBe(0);
    expect(decision.instruction.title).toBe('Random forest with log target');
    expect(decision.instruction.dataPreprocessing).toEqual([
      'Read train.csv and test.csv.',
      'Log-transform `MedHouseVal`.',
    ]);
    expect(decision.instruction.submission).toEqual(['Invert the log and write submission.csv.']);
    expect(decision.rationale).toContain('Instruction option 2 was best');
    expect(usage[0]?.purpose).toBe('resolve');
    const prompt = promptText(fake.requests[0] as never);
    expect(prompt).toContain('You are resolver tasked with 1) find which of the instruction options');
    expect(prompt).toContain("The researcher's analysis:\nOption 2 is the strongest.");
  });
});

describe('parseResolverAnswer', () => {
  it('reads "Chosen option: N" and the last full instruction after a recap of the options', () => {
    const answer = `Chosen option: 3

Recap of option 3:
#### Data Preprocessing:
- Old step.
#### Model Architecture:
- Ridge.

Now the improved one in full:

### Ridge with splines
#### Data Preprocessing:
- Spline features of \`MedInc\`.
#### Model Architecture:
- Ridge with alpha 1.0.
#### Model Training:
- 5-fold CV.`;
    const decision = parseResolverAnswer(answer, options);
    expect(decision.chose).toBe(3);
    expect(decision.instruction.title).toBe('Ridge with splines');
    expect(decision.instruction.dataPreprocessing).toEqual(['Spline features of `MedInc`.']);
  });

  it('understands "the first option" and "Instruction 2" wordings', () => {
    const body = '\n\n#### Model Architecture:\n- A model.';
    expect(parseResolverAnswer(`I would choose the first option.${body}`, options).chose).toBe(1);
    expect(parseResolverAnswer(`Instruction 2 is the most comprehensive.${body}`, options).chose).toBe(2);
    expect(parseResolverAnswer(`Option 1 is not good; the best is option 3.${body}`, options).chose).toBe(3);
    expect(parseResolverAnswer(`**Chosen option:** Instruction option 2${body}`, options).chose).toBe(2);
    expect(parseResolverAnswer(`The best option is: Option 3.${body}`, options).chose).toBe(3);
  });

  it('falls back to the chosen option as it stands when no instruction is printed, and says so', () => {
    const decision = parseResolverAnswer('The best option is option 2.', options);
    expect(decision.chose).toBe(2);
    expect(decision.instruction).toEqual({ ...options[1], rank: 0 });
    expect(decision.rationale).toContain(
      'The resolver printed no real improved instruction (no instruction sections could be found); option 2 is used as it stands.',
    );
  });
});

describe('LlmCoder', () => {
  const context: StageContext = { task, profile, instruction: options[0] as Instruction, previous: [] };

  it('writes each stage, integrates and repairs with the error fed back', async () => {
    const seen: string[] = [];
    const fake = await start((req) => {
      const prompt = paperPromptOf(req);
      seen.push(prompt.kind === 'stage' ? prompt.stage : prompt.kind);
      if (prompt.kind === 'integrate') {
        return "```python\nimport pandas as pd\ntrain = pd.read_csv('train.csv')\nprint(undefined_name)\n```";
      }
      if (prompt.kind === 'repair') {
        expect(prompt.error).toBe("NameError: name 'undefined_name' is not defined");
        expect(prompt.code).toContain('print(undefined_name)');
        return "The variable was never defined. Fixed:\n```python\nimport pandas as pd\ntrain = pd.read_csv('train.csv')\nprint(len(train))\n```";
      }
      const stage = /Write the Python code for the (.+?) stage only/.exec(promptText(req))?.[1] ?? 'unknown';
      return `\`\`\`python\n# ${stage}\nstage = ${JSON.stringify(stage)}\n\`\`\``;
    });
    const coder = new LlmCoder(client('coder', fake.url));
    const usage: LlmUsage[] = [];
    const previous: StageContext['previous'] = [];
    for (const stage of ['preprocessing', 'architecture', 'training', 'submission'] as const) {
      const code = await coder.writeStage(stage, { ...context, previous: [...previous] }, { usage });
      previous.push({ stage, code });
    }
    expect(previous.map((p) => p.code)).toEqual([
      '# Data Preprocessing\nstage = "Data Preprocessing"\n',
      '# Model Architecture\nstage = "Model Architecture"\n',
      '# Model Training\nstage = "Model Training"\n',
      '# Submission\nstage = "Submission"\n',
    ]);
    // Each stage saw the code before it and the harness contract.
    const trainingPrompt = promptText(fake.requests[2] as never);
    expect(trainingPrompt).toContain('stage = "Model Architecture"');
    expect(trainingPrompt).toContain(describeContract(task, profile));

    const script = await coder.integrate({ ...context, previous }, { usage });
    expect(script).toContain('print(undefined_name)');
    const fixed = await coder.repair(script, "NameError: name 'undefined_name' is not defined", context, {
      usage,
    });
    expect(fixed).toBe("import pandas as pd\ntrain = pd.read_csv('train.csv')\nprint(len(train))\n");
    const repairPrompt = promptText(fake.requests.at(-1) as never);
    expect(repairPrompt).toContain("NameError: name 'undefined_name' is not defined");
    expect(repairPrompt).toContain('print(undefined_name)');
    expect(seen).toEqual(['preprocessing', 'architecture', 'training', 'submission', 'integrate', 'repair']);
    expect(usage.map((u) => u.purpose)).toEqual([
      'stage preprocessing',
      'stage architecture',
      'stage training',
      'stage submission',
      'integrate',
      'repair',
    ]);
  });

  it('asks again, telling the model why, when an answer has no code', async () => {
    const fake = await start(failFirst(1, 'I think you should use pandas.', () => '```python\nx = 1\n```'));
    const usage: LlmUsage[] = [];
    expect(
      await new LlmCoder(client('coder', fake.url)).writeStage('preprocessing', context, { usage }),
    ).toBe('x = 1\n');
    const retry = fake.requests[1]?.body.messages as { role: string; content: string }[];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'I think you should use pandas.' });
    expect(retry.at(-1)?.content).toContain("The coder's answer held no Python code.");
    expect(usage.map((u) => u.purpose)).toEqual(['stage preprocessing', 'stage preprocessing (retry)']);
  });

  it('continues an answer cut at max_tokens and joins the parts; never returns the cut code', async () => {
    const head =
      "```python\nimport pandas as pd\ntrain = pd.read_csv('train.csv')\nmodel = Model(\n    n_estimators=100,";
    const fake = await start((req) => {
      const messages = req.body.messages as { role: string; content: string }[];
      const last = messages.at(-1)?.content ?? '';
      if (last.includes('Continue exactly where it stopped'))
        return '\n    max_depth=3,\n)\nmodel.fit(train)\n```';
      return { content: head, finishReason: 'length' };
    });
    const usage: LlmUsage[] = [];
    const notes: AnswerNote[] = [];
    const code = await new LlmCoder(client('coder', fake.url)).writeStage('training', context, {
      usage,
      notes,
    });
    expect(code).toBe(
      "import pandas as pd\ntrain = pd.read_csv('train.csv')\nmodel = Model(\n    n_estimators=100,\n    max_depth=3,\n)\nmodel.fit(train)\n",
    );
    const cont = fake.requests[1]?.body.messages as { role: string; content: string }[];
    expect(cont.at(-2)).toEqual({ role: 'assistant', content: head });
    expect(cont.at(-1)?.content).toContain(
      'Your answer was cut off (finish_reason "length" at max_tokens 512)',
    );
    expect(usage.map((u) => u.purpose)).toEqual(['stage training', 'stage training (continue)']);
    expect(notes[0]).toMatchObject({ role: 'coder', purpose: 'stage training', action: 'continued' });
  });

  it('asks again whole with twice the max_tokens when the continuation is cut too, then gives up unrun', async () => {
    const fake = await start(() => ({
      content: '```python\nfor col in cols:\n    x = (',
      finishReason: 'length',
    }));
    const usage: LlmUsage[] = [];
    const error = (await new LlmCoder(client('coder', fake.url))
      .integrate({ ...context, previous: [] }, { usage })
      .catch((e: unknown) => e)) as LinguacodusError;
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(error.code).toBe('llm_bad_output');
    expect(error.message).toBe(
      'The coder\'s answer for integrate was cut off even with more room (finish_reason "length" at max_tokens 1024), so it was not run.',
    );
    expect(fake.requests.map((r) => r.body.max_tokens)).toEqual([512, 512, 1024]);
    expect(usage.map((u) => u.purpose)).toEqual([
      'integrate',
      'integrate (continue)',
      'integrate (re-asked, larger limit)',
    ]);
    expect(promptText(fake.requests[2] as never)).toContain('(Your earlier answer to this was cut off');
  });

  it('repairs as a conversation: earlier scripts as its own answers, each followed by its error', async () => {
    const fake = await start(() => '```python\nprint("fixed")\n```');
    const repairs = [
      { code: 'print(a)', error: "NameError: name 'a' is not defined" },
      { code: 'a = 1\nprint(a + "x")', error: 'TypeError: unsupported operand' },
    ];
    await new LlmCoder(client('coder', fake.url)).repair(
      'a = 1\nprint(str(a) + y)',
      "NameError: name 'y' is not defined",
      {
        ...context,
        repairs,
      },
    );
    const messages = fake.requests[0]?.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages[1]?.content).toContain(
      "Script:\n```python\nprint(a)\n```\n\nError:\n```\nNameError: name 'a' is not defined",
    );
    expect(messages[2]?.content).toBe('```python\na = 1\nprint(a + "x")\n```');
    expect(messages[3]?.content).toContain('Attempt 2 (your fix above) failed too.');
    expect(messages[3]?.content).toContain('TypeError: unsupported operand');
    expect(messages[4]?.content).toBe('```python\na = 1\nprint(str(a) + y)\n```');
    expect(messages[5]?.content).toContain("NameError: name 'y' is not defined");
    expect(messages[5]?.content).toContain('Do not repeat a fix that already failed.');
  });

  it('times out a slow coder with an error that names the role and hides the key', async () => {
    const fake = await start(() => ({ content: '```python\nx = 1\n```', delayMs: 3_000 }));
    const coder = new LlmCoder(client('coder', fake.url, { timeoutMs: 150, maxAttempts: 2 }));
    const error = (await coder.writeStage('training', context).catch((e: unknown) => e)) as LinguacodusError;
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(error.code).toBe('llm_error');
    expect(error.message).toMatch(
      /^The coder model \(fake-coder at 127\.0\.0\.1:\d+\) failed after 2 attempts: the request timed out\.$/,
    );
    expect(fake.requests).toHaveLength(2);
  });
});

describe('errors never carry the API key', () => {
  it('holds for auth failures that echo the key, server errors, timeouts and refused connections', async () => {
    const fake = await start((req) => {
      const prompt = promptText(req);
      if (prompt.includes('auth'))
        return {
          status: 401,
          message: `Incorrect API key provided: ${KEY.slice(0, 12)}...${KEY.slice(-4)} (${KEY})`,
        };
      if (prompt.includes('slow')) return { content: 'late', delayMs: 2_000 };
      return { status: 502, message: `upstream said key=${KEY}` };
    });
    const errors: unknown[] = [];
    for (const prompt of ['auth', 'slow', 'boom']) {
      errors.push(
        await client('critic', fake.url, { timeoutMs: 150, maxAttempts: 2 })
          .complete(prompt, { purpose: 'p' })
          .catch((e: unknown) => e),
      );
    }
    await fake.close();
    errors.push(
      await client('critic', fake.url, { maxAttempts: 1 })
        .complete('x', { purpose: 'p' })
        .catch((e: unknown) => e),
    );
    expect(errors).toHaveLength(4);
    for (const error of errors) {
      expect(error).toBeInstanceOf(LinguacodusError);
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('VERYSECRET');
      expect((error as Error).message).toContain('critic (researcher/resolver) model');
    }
  });
});
