// The coder model's vanilla and improvement prompts: the vanilla control sees the task, profile and contract but no
// instruction; the improvement prompt carries the scored script, both scores and the log tail, and asks for ONE change
// in a "Change:" line, which is read back from the answer.
import { describe, expect, it } from 'vitest';
import { vanillaInstruction } from '../../core/offline/vanilla-template.ts';
import { improvementChange, improvePrompt, vanillaPrompt } from '../../core/prompts.ts';
import { dataProfileSchema } from '../../core/types.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const task = taskFixture({
  description: 'Predict the blueberry yield. Metric: MAE',
  metric: 'mae',
  targets: ['yield'],
});
const profile = dataProfileSchema.parse({
  rows: 700,
  columns: [
    { name: 'id', kind: 'id', missingShare: 0, unique: 700, examples: ['1'] },
    { name: 'bees', kind: 'numeric', missingShare: 0, unique: 40, examples: ['0.25'], min: 0, max: 1 },
    {
      name: 'yield',
      kind: 'numeric',
      missingShare: 0,
      unique: 600,
      examples: ['6000'],
      min: 1600,
      max: 9000,
    },
  ],
  target: { names: ['yield'], type: 'regression', mean: 6000 },
});
const context = { task, profile, instruction: vanillaInstruction(task, profile), previous: [] };

describe('vanilla and improvement prompts', () => {
  it('the vanilla prompt has the task and the contract with its prediction files, and no instruction', () => {
    const prompt = vanillaPrompt(context);
    expect(prompt).toContain(task.description);
    expect(prompt).toContain('oof_predictions.csv');
    expect(prompt).toContain('test_predictions.csv');
    expect(prompt).toContain('fold k of n');
    expect(prompt).not.toContain('Instruction:');
    expect(prompt).not.toContain('Vanilla control');
  });

  it('the improvement prompt carries the script, both scores, the log tail and the earlier changes', () => {
    const prompt = improvePrompt({
      context,
      code: 'print("the parent script")',
      score: 88.5,
      cvScore: 90.1,
      logTail: 'attempt 1: passed in 12.0 s',
      history: ['model: blend the forest with boosting'],
    });
    expect(prompt).toContain('print("the parent script")');
    expect(prompt).toContain('88.5');
    expect(prompt).toContain('90.1');
    expect(prompt).toContain('attempt 1: passed');
    expect(prompt).toContain('- model: blend the forest with boosting');
    expect(prompt).toMatch(/Propose ONE concrete change .*"Change:"/);
  });

  it('reads the change line from an answer', () => {
    expect(improvementChange('Change: add log1p of the target\n```python\nprint(1)\n```')).toBe(
      'add log1p of the target',
    );
    expect(improvementChange('**Change:** tune max_depth\n\n```python\nx = 1\n```')).toBe('tune max_depth');
    expect(improvementChange('I will add interaction features.\n```python\nx = 1\n```')).toBe(
      'I will add interaction features.',
    );
  });
});
