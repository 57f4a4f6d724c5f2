import { describe, expect, it } from 'vitest';
import { buildNotebook, splitByStage } from '../../core/pipeline/notebook.ts';
import type { Instruction } from '../../core/types.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const task = taskFixture({
  description: 'Predict house prices.',
  metric: 'rmse',
  targets: ['price'],
  split: { kind: 'random', testFraction: 0.25, seed: 42 },
});

const instruction: Instruction = {
  rank: 1,
  title: 'Gradient-boosted trees',
  dataPreprocessing: ['Impute missing numbers with the median', 'One-hot encode `city`'],
  modelArchitecture: ['XGBoost regressor'],
  modelTraining: ['5-fold CV with early stopping'],
  submission: ['Write `id`, `price` to submission.csv'],
  recipe: null,
};

const stages = [
  { stage: 'preprocessing' as const, code: 'import pandas as pd\ntrain = pd.read_csv("train.csv")' },
  { stage: 'architecture' as const, code: 'from xgboost import XGBRegressor\nmodel = XGBRegressor()' },
  { stage: 'training' as const, code: 'model.fit(train[["a"]], train["price"])' },
  { stage: 'submission' as const, code: 'pd.DataFrame({"id": [1]}).to_csv("submission.csv")' },
];

describe('notebook from the staged script', () => {
  it('gives one code cell per stage under a markdown cell with that stage steps', () => {
    const code = stages.map((s) => s.code).join('\n\n');
    const nb = buildNotebook({ task, instruction, stages, code, summary: 'Holdout rmse: 1.5' });
    expect(nb.nbformat).toBe(4);
    const kinds = nb.cells.map((c) => c.cell_type);
    expect(kinds).toEqual([
      'markdown',
      'markdown',
      'code',
      'markdown',
      'code',
      'markdown',
      'code',
      'markdown',
      'code',
    ]);
    const text = (i: number) => nb.cells[i]?.source.join('') ?? '';
    expect(text(0)).toContain('Holdout rmse: 1.5');
    expect(text(1)).toContain('Data Preprocessing');
    expect(text(1)).toContain('1. Impute missing numbers with the median');
    expect(text(2)).toBe(stages[0]?.code);
    expect(text(4)).toContain('XGBRegressor()');
    expect(text(7)).toContain('Submission');
    expect(text(8)).toContain('submission.csv');
    // The notebook is valid JSON an .ipynb reader accepts: lines end with newlines except the last.
    const parsed = JSON.parse(JSON.stringify(nb));
    expect(parsed.cells[2].source).toEqual(['import pandas as pd\n', 'train = pd.read_csv("train.csv")']);
  });

  it('splits a script at stage marker comments even when the code was changed by a repair', () => {
    const code = [
      'import numpy as np',
      '# Stage 1: Data Preprocessing',
      'x = 1',
      '# Stage 2: Model Architecture',
      'm = 2',
      '# Stage 3: Model Training',
      'm = m + x  # repaired',
      '# Stage 4: Submission',
      'print(m)',
    ].join('\n');
    const parts = splitByStage(code, stages);
    expect(parts).toHaveLength(4);
    expect(parts?.[0]).toContain('import numpy as np');
    expect(parts?.[2]).toContain('# repaired');
    expect(parts?.[3]).toContain('print(m)');
  });

  it('keeps the whole script in one cell when it no longer follows the stages', () => {
    const code = 'print("rewritten from scratch")';
    const nb = buildNotebook({ task, instruction, stages, code });
    const codeCells = nb.cells.filter((c) => c.cell_type === 'code');
    expect(codeCells).toHaveLength(1);
    expect(codeCells[0]?.source.join('')).toBe(code);
    expect(nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => c.source[0])).toContain(
      '## 3. Model Training\n',
    );
  });
});
