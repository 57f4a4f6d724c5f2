// Checks on model answers before they count: instructions (refusal, chatter, cut-off, loop, size) and code
// completeness, on the paper's released Llama 2 answers and on the ways real models go wrong.
import { describe, expect, it } from 'vitest';
import {
  boundInstruction,
  checkInstructionAnswer,
  findLoop,
  INSTRUCTION_BOUNDS,
  incompletePython,
  quote,
  refusalOf,
} from '../../core/llm/answer-checks.ts';
import { readCode } from '../../core/llm/llm-coder.ts';
import { paperRecords } from '../helpers/paper-records.ts';

const GOOD = `Data Preprocessing:
- Read train.csv and test.csv with pandas.
- Fill missing numeric values with the median.

Model Architecture:
- A LightGBM regressor with 500 trees.

Model Training:
- 5-fold cross-validation on RMSE with early stopping.

Submission:
- Write id and the prediction to submission.csv.`;

describe('checkInstructionAnswer', () => {
  it('accepts 1,296 of the 1,330 released instructions; the rest describe inference-only code or a label lookup', async () => {
    const records = await paperRecords();
    const verdicts = records.map((r) => checkInstructionAnswer(r.instruction, 'stop', 1));
    expect(records).toHaveLength(1330);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(1296);
    const rejected = verdicts.filter((v) => !v.ok).map((v) => (v.ok ? '' : v.reason));
    expect(new Set(rejected.map((r) => r.split(':')[0]))).toEqual(
      new Set(['it is incomplete', 'it is not an instruction']),
    );
    // The two that name no model or technique copy a leaked labelled test file's 'survived' by passenger name.
    expect(rejected.filter((r) => r.startsWith('it is not an instruction'))).toEqual([
      'it is not an instruction: it names no model or technique',
      'it is not an instruction: it names no model or technique',
    ]);
    // The longest released instruction (8,895 characters) is kept, cut to the size bound.
    const longest = records.reduce((a, b) => (b.instruction.length > a.instruction.length ? b : a));
    const v = checkInstructionAnswer(longest.instruction, 'stop', 1);
    expect(v.ok && v.trimmed).toBe('33 steps past the 15th of a section, 1 step shortened to 400 characters');
  });

  it('rejects a refusal, naming it', () => {
    const v = checkInstructionAnswer(
      "I apologize, but I cannot provide a ranking of solutions for a competition I have no data about. If you share more details I'd be happy to help.",
      'stop',
      2,
    );
    expect(v).toEqual({
      ok: false,
      reason:
        'the model refused: "I apologize, but I cannot provide a ranking of solutions for a competition I…"',
      salvage: null,
    });
  });

  it('rejects chatter with nothing after it', () => {
    const v = checkInstructionAnswer(
      'Sure! Here is the third place instruction for solving this task:',
      'stop',
      3,
    );
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toBe(
      'it is chatter with no instruction: "Sure! Here is the third place instruction for solving this task:"',
    );
  });

  it('keeps an instruction that opens with chatter, without the chatter', () => {
    const v = checkInstructionAnswer(`Sure! Here is the first place instruction:\n\n${GOOD}`, 'stop', 1);
    expect(v.ok).toBe(true);
    expect(v.ok && v.instruction.dataPreprocessing[0]).toBe('Read train.csv and test.csv with pandas.');
  });

  it('rejects a cut answer and salvages its complete sections', () => {
    const cut = `${GOOD.slice(0, GOOD.indexOf('Submission:'))}Submission:\n- Write id and the predic`;
    const v = checkInstructionAnswer(cut, 'length', 1);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toBe('it was cut off at the token limit (finish_reason "length")');
    expect(!v.ok && v.salvage?.submission).toEqual([]);
    expect(!v.ok && v.salvage?.modelTraining).toEqual([
      '5-fold cross-validation on RMSE with early stopping.',
    ]);
    // Cut inside Model Training, only preprocessing and architecture are whole: still two sections and a model.
    const early = GOOD.slice(0, GOOD.indexOf('early stopping'));
    const w = checkInstructionAnswer(early, 'length', 1);
    expect(!w.ok && w.salvage?.modelTraining).toEqual([]);
    expect(!w.ok && w.salvage?.modelArchitecture).toEqual(['A LightGBM regressor with 500 trees.']);
    // Cut in the first section: nothing worth keeping.
    expect(checkInstructionAnswer('Data Preprocessing:\n- Read the da', 'length', 1)).toMatchObject({
      ok: false,
      salvage: null,
    });
  });

  it('finds a loop like the released models produce (one line copied until max tokens) and keeps what came before', () => {
    const loop = `${GOOD.replace('\n\nSubmission:\n- Write id and the prediction to submission.csv.', '')}\n${'- The model is trained for 10 epochs with a batch size of 32.\n'.repeat(130)}`;
    expect(loop.length).toBeGreaterThan(8000);
    const v = checkInstructionAnswer(loop, 'length', 2);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toBe(
      'it repeats one line over and over (130 times: "- The model is trained for 10 epochs with a batch size of 32.") until the token limit',
    );
    expect(!v.ok && v.salvage?.modelTraining).toEqual([
      '5-fold cross-validation on RMSE with early stopping.',
      'The model is trained for 10 epochs with a batch size of 32.',
    ]);
  });

  it('reads a loop inside one long paragraph, and not the legitimate repeats of the released records', async () => {
    const paragraph = `${'The model uses dropout. '.repeat(3)}${'Then it is trained again on the data. '.repeat(40)}`;
    expect(findLoop(paragraph)?.unit).toBe('Then it is trained again on the data.');
    const records = await paperRecords();
    expect(records.filter((r) => findLoop(r.instruction))).toEqual([]);
  });
});

/** Refusals as instructor models write them: one to five sentences, plain or in markdown. */
const REFUSALS: { text: string; opening: string }[] = [
  {
    // The answer from issue 21 that used to pass as an instruction (its three sentences read as steps).
    text: `I apologize, but I cannot provide a first place instruction as it is not appropriate to rank solutions or to imply
that one approach is inferior to another. Additionally, I would need more information about the dataset and the
evaluation criteria to give an accurate answer. Is there anything else I can help you with?`,
    opening:
      'I apologize, but I cannot provide a first place instruction as it is not appropriate to rank solutions or to imply that one approach is inferior to another.',
  },
  { text: "I'm sorry, I can't help with that.", opening: "I'm sorry, I can't help with that." },
  {
    text: 'Unfortunately, without access to the data I cannot say which model would win. Please share the columns.',
    opening: 'Unfortunately, without access to the data I cannot say which model would win.',
  },
  {
    text: `**I'm sorry**, but as an AI language model I do not have access to Kaggle competitions.
Data preprocessing is specific to each dataset. Model architecture depends on the data.
Model training should use cross-validation. You could try a random forest on the features.`,
    opening: `I'm sorry, but as an AI language model I do not have access to Kaggle competitions.`,
  },
  {
    text: `### First place instruction

> Could you please provide more details about the dataset, such as its columns and the target?

Once I know them, I can:
- Preprocess the data (fill missing values, encode categorical features).
- Train a LightGBM model with 5-fold cross-validation.
- Write the predictions to submission.csv.`,
    opening: 'Could you please provide more details about the dataset, such as its columns and the target?',
  },
  {
    text: `## Instruction 2

I would need more information about the task to write a good instruction. It is hard to rank approaches blind. Each dataset is different. Features matter. Tell me the target.`,
    opening: 'I would need more information about the task to write a good instruction.',
  },
  {
    text: `#### Data Preprocessing:
- Unfortunately, I am unable to write steps for data I have not seen.
- Please provide the column names.

#### Model Architecture:
- A gradient boosting model could work, but I cannot tell without the data.`,
    opening: 'Unfortunately, I am unable to write steps for data I have not seen.',
  },
  {
    text: 'It is not possible to give a ranked instruction without seeing the data. *Regrettably*, I must decline. Try a baseline model first. Then tune it. Good luck with the competition!',
    opening: 'It is not possible to give a ranked instruction without seeing the data.',
  },
];

describe('refusals', () => {
  it('are never an instruction, however their sentences parse, with or without markdown', () => {
    for (const { text, opening } of REFUSALS) {
      const v = checkInstructionAnswer(text, 'stop', 1);
      expect(v, text).toEqual({ ok: false, reason: `the model refused: ${quote(opening)}`, salvage: null });
    }
  });

  it('an opening that neither refuses nor apologises is not taken for one', () => {
    expect(checkInstructionAnswer(`### LightGBM on the tabular features\n\n${GOOD}`, 'stop', 1).ok).toBe(
      true,
    );
    expect(
      checkInstructionAnswer(`Sorting the rows by date first matters here.\n\n${GOOD}`, 'stop', 1).ok,
    ).toBe(true);
    // "cannot", "language model", "not possible", "specify" that are not the model declining.
    const text = GOOD.replace('Fill missing numeric values', 'Missing values cannot be dropped; fill them');
    expect(checkInstructionAnswer(text, 'stop', 1).ok).toBe(true);
    for (const opening of [
      'We cannot use the id column as a feature, so it is dropped first.',
      'Fine-tune a pretrained language model (DeBERTa) on the summaries.',
      'It is not possible to use the raw date as it is; extract the year and month.',
      'Specify the target column as `SalePrice` and log-transform it.',
      'Unlike the other options, this one uses no ensembling.',
    ]) {
      expect(checkInstructionAnswer(`${opening}\n\n${GOOD}`, 'stop', 1).ok, opening).toBe(true);
    }
  });

  it('an answer must name a model or technique and something of the data', () => {
    const talk = `Data Preprocessing:
- Think about the problem first.
- Be careful.

Model Architecture:
- Choose wisely.

Model Training:
- Do your best and iterate.`;
    expect(checkInstructionAnswer(talk, 'stop', 1)).toMatchObject({
      ok: false,
      reason: 'it is not an instruction: it names neither a model or technique nor anything of the data',
    });
    const noData = talk.replace('Choose wisely.', 'A LightGBM regressor.');
    expect(checkInstructionAnswer(noData, 'stop', 1)).toMatchObject({
      ok: false,
      reason: 'it is not an instruction: it names nothing of the data',
    });
  });
});

describe('boundInstruction', () => {
  it('cuts steps past the per-section bound and over-long steps, and says what', () => {
    const many = Array.from({ length: 20 }, (_, i) => `Step ${i + 1}.`);
    const { instruction, trimmed } = boundInstruction({
      rank: 1,
      title: 't',
      dataPreprocessing: many,
      modelArchitecture: ['x'.repeat(1000)],
      modelTraining: [],
      submission: [],
      recipe: null,
    });
    expect(instruction.dataPreprocessing).toHaveLength(INSTRUCTION_BOUNDS.maxStepsPerSection);
    expect(instruction.modelArchitecture[0]?.length).toBeLessThanOrEqual(INSTRUCTION_BOUNDS.maxStepChars);
    expect(trimmed).toBe('5 steps past the 15th of a section, 1 step shortened to 400 characters');
  });
});

describe('refusalOf', () => {
  it('quotes the refusal sentence and ignores apologies that go on to answer', () => {
    expect(refusalOf("As an AI language model, I cannot browse Kaggle. But here's a general plan.")).toBe(
      '"As an AI language model, I cannot browse Kaggle."',
    );
    expect(refusalOf(GOOD)).toBeNull();
  });
});

describe('incompletePython and readCode', () => {
  it('finds what ast.parse would: open strings and brackets, a block with no body, a dangling operator', () => {
    expect(incompletePython('import pandas as pd\nx = pd.read_csv("train.csv")\n')).toBeNull();
    expect(incompletePython('model = Model(\n    n_estimators=100,\n')).toBe(
      "a '(' opened on line 1 is never closed",
    );
    expect(incompletePython('doc = """a\nlong text')).toBe('a string opened on line 1 is never closed');
    expect(incompletePython('for col in cols:\n')).toBe(
      'the last line opens a block with no body ("for col in cols:")',
    );
    expect(incompletePython('total = a +\n')).toBe('the last line stops mid-statement ("total = a +")');
    // Brackets and quotes inside strings and comments do not count.
    expect(incompletePython('s = "(["  # ) ]\nt = \'{\'\n')).toBeNull();
    expect(incompletePython('d = {"a": [1, 2]}\nprint(d["a"])')).toBeNull();
  });

  it('calls an answer cut when it stops at max_tokens, inside its fence, or mid-statement; never runs it', () => {
    const full = '```python\nimport pandas as pd\nx = 1\n```';
    expect(readCode(full, { finishReason: 'stop', maxTokens: 512 })).toEqual({
      kind: 'code',
      code: 'import pandas as pd\nx = 1\n',
    });
    // Prose cut after a closed block is harmless.
    expect(readCode(`${full}\n\nThis code reads the`, { finishReason: 'length', maxTokens: 512 }).kind).toBe(
      'code',
    );
    expect(
      readCode('```python\nimport pandas as pd\nx = 1\n', { finishReason: 'length', maxTokens: 512 }),
    ).toEqual({
      kind: 'cut',
      reason: 'finish_reason "length" at max_tokens 512',
    });
    expect(
      readCode('```python\nimport pandas as pd\nx = 1\n', { finishReason: 'stop', maxTokens: 512 }),
    ).toEqual({
      kind: 'cut',
      reason: 'its code block is never closed',
    });
    expect(readCode('```python\nmodel = fit(\n  X,\n```', { finishReason: 'stop', maxTokens: 512 })).toEqual({
      kind: 'cut',
      reason: "a '(' opened on line 1 is never closed",
    });
    expect(readCode('import pandas as pd\nx = 1', { finishReason: 'length', maxTokens: 64 }).kind).toBe(
      'cut',
    );
    expect(readCode('I would use pandas.', { finishReason: 'stop', maxTokens: 64 }).kind).toBe('none');
  });
});
