// The prompts carry the paper's exact wording (Figs. 4-8), the harness contract and the data profile (Fig. 9 stages).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StageContext } from '../../core/engine.ts';
import { describeContract } from '../../core/harness/index.ts';
import { parseInstruction } from '../../core/instruction-markdown.ts';
import {
  definedNames,
  fineTuneRecord,
  instructionRetrievalPrompt,
  instructorPrompt,
  integrationPrompt,
  LLAMA2_DEFAULT_SYSTEM,
  llama2ChatTemplate,
  placeOrdinal,
  placeWord,
  profileSummary,
  repairConversation,
  repairPrompt,
  researcherPrompt,
  resolverPrompt,
  stagePrompt,
  taskFacts,
  trainingMetric,
  trainingTaskFacts,
} from '../../core/prompts.ts';
import { type DataProfile, type Instruction, metricNameSchema } from '../../core/types.ts';
import { PAPER_RECORDS, PAPER_TASKS } from '../helpers/datasets.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const task = taskFixture({
  description: 'For each id in the test set, you must predict the probability of a Machine failure.',
  metric: 'roc-auc',
  targets: ['Machine failure'],
  split: { kind: 'stratified', testFraction: 0.2, seed: 42 },
});

const profile: DataProfile = {
  rows: 1200,
  columns: [
    { name: 'id', kind: 'id', missingShare: 0, unique: 1200, examples: ['1', '2'] },
    {
      name: 'Type',
      kind: 'categorical',
      missingShare: 0.05,
      unique: 3,
      examples: ['L'],
      top: [{ value: 'L', count: 700 }],
    },
    {
      name: 'Torque [Nm]',
      kind: 'numeric',
      missingShare: 0,
      unique: 800,
      examples: ['40.1'],
      min: 3.8,
      max: 76.6,
    },
    { name: 'Machine failure', kind: 'boolean', missingShare: 0, unique: 2, examples: ['0', '1'] },
  ],
  target: {
    names: ['Machine failure'],
    type: 'binary',
    classes: [
      { value: '0', count: 1180 },
      { value: '1', count: 20 },
    ],
  },
};

function instruction(rank: number, model: string): Instruction {
  return {
    rank,
    title: model,
    dataPreprocessing: ['One-hot encode `Type`.'],
    modelArchitecture: [`A ${model} classifier.`],
    modelTraining: ['5-fold stratified CV on ROC AUC.'],
    submission: ['Write `id` and the probability of `Machine failure`.'],
    recipe: null,
  };
}
const options = [
  instruction(1, 'XGBoost'),
  instruction(2, 'Random forest'),
  instruction(3, 'Logistic regression'),
];

const context: StageContext = {
  task,
  profile,
  instruction: options[0] as Instruction,
  previous: [{ stage: 'preprocessing', code: "import pandas as pd\ntrain = pd.read_csv('train.csv')" }],
};

describe('paper prompts', () => {
  it('Fig. 4: instruction retrieval from code', () => {
    expect(instructionRetrievalPrompt('print(1)')).toBe(
      'Get the main information about data preprocessing, model architecture and model training from the code. Code: print(1)',
    );
  });

  it('Fig. 5: the Llama 2 fine-tuning record with the rank, data type, metric and problem', () => {
    const record = fineTuneRecord({
      rank: 2,
      dataType: 'tabular',
      metric: 'rmse',
      description: 'Predict the house value',
      instruction: '#### Data Preprocessing:\n- Scale.',
    });
    expect(record).toBe(
      '<s>[INST] Get the main information about data preprocessing, model architecture and model training for this problem. This solution has the 2 place in rating. Data type: tabular. Metric type is: rmse. Problem: Predict the house value. [/INST] #### Data Preprocessing:\n- Scale. </s>',
    );
  });

  it('Fig. 6: the instructor prompt for each place, in words (released data) or as the paper prints it', () => {
    const facts = taskFacts(task);
    const third = instructorPrompt(facts, 3, { place: 'ordinal' });
    expect(third).toBe(
      'Imagine that you are a data analyst. Your objective is writing the 3rd place instruction for solving this machine learning task. Task: For each id in the test set, you must predict the probability of a Machine failure. The tabular data is used for the problem. The metric type is ROC AUC for the problem. Your response contains the main information about data preprocessing, model architecture and model training.',
    );
    expect(instructorPrompt(facts, 1)).toContain('Your objective is writing the first place instruction');
    expect(instructorPrompt(facts, 2)).toContain('writing the second place instruction');
    const withCard = instructorPrompt(facts, 1, { dataCard: 'train.csv: id, Type, Machine failure' });
    expect(withCard.endsWith('Data card:\ntrain.csv: id, Type, Machine failure')).toBe(true);
    expect([
      placeWord(1),
      placeWord(3),
      placeOrdinal(1),
      placeOrdinal(2),
      placeOrdinal(11),
      placeOrdinal(23),
    ]).toEqual(['first', 'third', '1st', '2nd', '11th', '23rd']);
  });

  it('Fig. 6 matches the released inference inputs (sample_inputs.csv) and training records', () => {
    const lines = readFileSync(PAPER_TASKS, 'utf8');
    expect(lines.split('\n')[0]?.trim()).toBe('title,task,data_type,metrics,data_card,submission,link');
    const prompt = instructorPrompt(
      { description: 'Predict MedHouseVal.', dataType: 'tabular', metric: 'rmse' },
      1,
    );
    expect(prompt).toContain('Task: Predict MedHouseVal. The tabular data is used for the problem.');
    expect(prompt).toContain('The metric type is rmse for the problem.');
    const records = readFileSync(PAPER_RECORDS, 'utf8');
    for (const fragment of [
      'Your objective is writing the first place instruction for solving this machine learning task. Task: ',
      'Your response contains the main information about data preprocessing, model architecture and model training. [/INST]',
    ]) {
      expect(records).toContain(fragment);
    }
    expect(llama2ChatTemplate(LLAMA2_DEFAULT_SYSTEM, prompt)).toContain(
      'Your response contains the main information about data preprocessing, model architecture and model training. [/INST]',
    );
    expect(records).toContain(`<<SYS>>\n${LLAMA2_DEFAULT_SYSTEM}\n<</SYS>>`);
  });

  it('llama2ChatTemplate wraps a system prompt and a user turn in [INST] with <<SYS>>', () => {
    expect(llama2ChatTemplate('Be brief.', 'Hello')).toBe(
      '[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHello [/INST]',
    );
    expect(llama2ChatTemplate(undefined, 'Hello')).toBe('[INST] Hello [/INST]');
  });

  it('Fig. 7: the researcher prompt lists the three options and, when present, the evidence', () => {
    const prompt = researcherPrompt({
      facts: taskFacts(task),
      instructions: options,
      evidence: [
        { rank: 2, title: 'Random forest', cvScore: 0.91234, seconds: 12.4 },
        { rank: 1, title: 'XGBoost', cvScore: 0.95, seconds: 20 },
        { rank: 3, title: 'Logistic regression', cvScore: null, seconds: 3, error: 'ValueError: bad input' },
      ],
      higherIsBetter: true,
    });
    expect(prompt).toContain(
      'You are a researcher tasked with investigating the 3 options of instruction for solving this machine learning task. Task: For each id in the test set',
    );
    expect(prompt).toContain(
      "Your response contains the main information about data preprocessing, model architecture and model training. List the flaws and faulty logic of each instruction option. Let's work this out in a step by step way to be sure we have all the errors.",
    );
    expect(prompt).toContain('Instruction option 1: ### XGBoost');
    expect(prompt).toContain('Instruction option 2: ### Random forest');
    expect(prompt).toContain('Instruction option 3: ### Logistic regression');
    expect(prompt).toContain('ROC AUC (higher is better)');
    expect(prompt).toContain('Instruction option 2: ROC AUC = 0.9123 in 12 s');
    expect(prompt).toContain('Instruction option 3: ROC AUC = no score (ValueError: bad input)');
    expect(researcherPrompt({ facts: taskFacts(task), instructions: options })).not.toContain('Evidence');
  });

  it('Fig. 8: the resolver prompt carries the critique and asks for the choice and the full instruction', () => {
    const prompt = resolverPrompt({
      facts: taskFacts(task),
      instructions: options,
      critique: 'Option 1 is best.',
    });
    expect(prompt).toContain(
      "You are resolver tasked with 1) find which of the instruction options the researcher thought was best 2) improving the instruction 3) printing the improved instruction in full. Let's work this out in a step by step way to be sure we have the right meaningful instruction.",
    );
    expect(prompt).toContain("The researcher's analysis:\nOption 1 is best.");
    expect(prompt).toContain('Chosen option: N');
    expect(prompt).toContain('#### Model Architecture:');
  });
});

describe('Fig. 9 code prompts', () => {
  it('each stage prompt holds the contract, the profile, the instruction, its steps and the code before it', () => {
    const contract = describeContract(task, profile);
    for (const stage of ['preprocessing', 'architecture', 'training', 'submission'] as const) {
      const prompt = stagePrompt(stage, context);
      expect(prompt).toContain(contract);
      expect(prompt).toContain('1200 labelled rows, 4 columns.');
      expect(prompt).toContain('#### Data Preprocessing:');
      expect(prompt).toContain("train = pd.read_csv('train.csv')");
    }
    expect(stagePrompt('preprocessing', context)).toContain(
      'Write the Python code for the Data Preprocessing stage only.',
    );
    expect(stagePrompt('architecture', context)).toContain(
      'Steps of the instruction for this stage:\n- A XGBoost classifier.',
    );
    expect(stagePrompt('submission', { ...context, previous: [] })).toContain('No code has been written yet');
  });

  it('the integration prompt asks for one script with every stage', () => {
    const prompt = integrationPrompt({
      ...context,
      previous: [
        { stage: 'preprocessing', code: 'a = 1' },
        { stage: 'training', code: 'b = 2' },
      ],
    });
    expect(prompt).toContain('# --- Data Preprocessing ---\na = 1');
    expect(prompt).toContain('# --- Model Training ---\nb = 2');
    expect(prompt).toContain('Integrate all the code parts above into one complete Python script');
    expect(prompt).toContain(describeContract(task, profile));
  });

  it('the repair prompt feeds the script and its error back as they are', () => {
    const prompt = repairPrompt('x = 1 / 0', 'ZeroDivisionError: division by zero', context);
    expect(prompt).toContain('```python\nx = 1 / 0\n```');
    expect(prompt).toContain('Error:\n```\nZeroDivisionError: division by zero\n```');
    expect(prompt).toContain(describeContract(task, profile));
  });

  it('the repair prompt keeps the tail of a very long error, where the exception is', () => {
    const error = `${'noise line\n'.repeat(2000)}ValueError: could not convert string to float: 'L'`;
    const prompt = repairPrompt('x = 1', error, context);
    expect(prompt).toContain("ValueError: could not convert string to float: 'L'\n```");
    expect(prompt.length).toBeLessThan(error.length);
    expect(prompt).toContain('Error:\n```\n...\n');
  });

  it('the profile summary names columns, kinds, missing shares and the class balance', () => {
    const summary = profileSummary(profile);
    expect(summary).toContain('Target `Machine failure`: binary; classes 0 98%, 1 2%.');
    expect(summary).toContain('- `Type`: categorical, 5% missing, 3 unique, top L');
    expect(summary).toContain('- `Torque [Nm]`: numeric, 800 unique, range 3.8..76.6');
    expect(profileSummary(profile, 2)).toContain('... and 2 more columns');
  });

  it('the resolver answer format parses back into an instruction', () => {
    const answer = `Chosen option: 1\n\n### XGBoost tuned\n\n#### Data Preprocessing:\n\n- Encode Type.\n\n#### Model Architecture:\n\n- XGBoost.\n\n#### Model Training:\n\n- 5-fold CV.\n\n#### Submission:\n\n- Write submission.csv.`;
    const parsed = parseInstruction(answer.slice(answer.indexOf('###')), 0);
    expect(parsed.title).toBe('XGBoost tuned');
    expect(parsed.submission).toEqual(['Write submission.csv.']);
  });
});

describe('the training vocabulary (INSTRUCTOR_PROMPT=paper)', () => {
  it('names every metric as the released records do, and each such name occurs in them', () => {
    const records = readFileSync(PAPER_RECORDS, 'utf8');
    const names = metricNameSchema.options.map((m) => trainingMetric(m, 'binary'));
    expect(names).toEqual([
      'mse',
      'mse',
      'mae',
      'percentage_errors',
      'r2_score',
      'percentage_errors',
      'auc',
      'log_loss',
      'categorization_accuracy',
      'f_score',
      'f_score_multiclass',
      'f_score_multiclass',
      'mse',
    ]);
    expect(trainingMetric('roc-auc', 'multiclass')).toBe('auc_multiclass');
    expect(trainingMetric('log-loss', 'multiclass')).toBe('multiclass_log_loss');
    for (const name of new Set([...names, 'auc_multiclass', 'multiclass_log_loss'])) {
      expect(records).toContain(`The metric type is ${name} for the problem.`);
    }
    const facts = trainingTaskFacts(task, profile);
    expect(instructorPrompt(facts, 2)).toContain(
      'The tabular data data is used for the problem. The metric type is auc for the problem.',
    );
    expect(records).toContain('The tabular data data is used for the problem.');
  });
});

describe('repairs as a conversation', () => {
  const attempt = (n: number, lines: number) => ({
    code: Array.from({ length: lines }, (_, i) => `x_${n}_${i} = ${i}`).join('\n'),
    error: `Traceback ...\nValueError: attempt ${n} failed`,
  });

  it('shows every earlier script and error within the bound, leaving out the oldest scripts first', () => {
    const repairs = [attempt(1, 1200), attempt(2, 1200), attempt(3, 1200)];
    const turns = repairConversation('latest = 1', 'NameError: y', { ...context, repairs }, 30_000);
    expect(turns.map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(turns.reduce((n, t) => n + t.content.length, 0)).toBeLessThanOrEqual(30_000);
    expect(turns[0]?.content).toContain('# (the script of attempt 1, 1200 lines, left out for length)');
    expect(turns[1]?.content).toContain('# (the script of attempt 2, 1200 lines, left out for length)');
    expect(turns[3]?.content).toContain('x_3_1199 = 1199');
    expect(turns[0]?.content).toContain('ValueError: attempt 1 failed');
    expect(turns.at(-2)?.content).toBe('```python\nlatest = 1\n```');
    expect(turns.at(-1)?.content).toContain('Attempt 4 (your fix above) failed too.');
    expect(turns.at(-1)?.content).toContain('NameError: y');
    // Without earlier attempts it is the single Fig. 9 repair prompt.
    expect(repairConversation('a = 1', 'boom', context)).toEqual([
      { role: 'user', content: repairPrompt('a = 1', 'boom', context) },
    ]);
  });

  it('a compact stage prompt names the earlier code instead of repeating it', () => {
    const compact = stagePrompt('architecture', context, { compact: true });
    expect(compact).toContain('Code written so far (left out for length) defines: pd, train.');
    expect(compact).not.toContain("pd.read_csv('train.csv')");
    expect(
      definedNames('import numpy as np\nfrom x import a as b, c\nX, y = f()\ndef fit(m):\n    z = 1'),
    ).toEqual(['np', 'b', 'c', 'X', 'y', 'fit']);
  });
});
