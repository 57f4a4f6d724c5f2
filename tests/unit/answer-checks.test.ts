// Checks on model answers before they count: instructions (refusal, chatter, cut-off, loop, size) and code
// completeness, on the paper's released Llama 2 answers and on the ways real models go wrong.
import { describe, expect, it } from 'vitest';
import {
  boundInstruction,
  checkInstructionAnswer,
  findLoop,
  INSTRUCTION_BOUNDS,
  incompletePython,
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
  it('accepts 1,298 of the 1,330 released instructions; the rest describe inference-only code', async () => {
    const records = await paperRecords();
    const verdicts = records.map((r) => checkInstructionAnswer(r.instruction, 'stop', 1));
    expect(records).toHaveLength(1330);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(1298);
    const rejected = verdicts.filter((v) => !v.ok).map((v) => (v.ok ? '' : v.reason));
    expect(new Set(rejected.map((r) => r.split(':')[0]))).toEqual(new Set(['it is incomplete']));
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
