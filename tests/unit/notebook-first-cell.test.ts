import { describe, expect, it } from 'vitest';
import { TEST_FILE, TRAIN_FILE } from '../../core/harness/harness-contract.ts';
import { buildNotebook, dataFilesMarkdown } from '../../core/pipeline/notebook.ts';
import type { Instruction } from '../../core/types.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const instruction: Instruction = {
  rank: 1,
  title: 'Trees',
  dataPreprocessing: [],
  modelArchitecture: [],
  modelTraining: [],
  submission: [],
  recipe: null,
};

describe("the notebook's first cell says which data files it expects", () => {
  it('names train.csv and test.csv, where they come from, and what the notebook writes', () => {
    const task = taskFixture({
      description: 'Predict the price.',
      metric: 'rmse',
      targets: ['price'],
      trainFile: '/srv/sessions/abc/houses.csv',
      split: { kind: 'random', testFraction: 0.25, seed: 7 },
    });
    const nb = buildNotebook({
      task,
      instruction,
      stages: [],
      code: 'print(1)',
      summary: 'Holdout rmse: **1.5**.',
    });
    const first = nb.cells[0]!;
    expect(first.cell_type).toBe('markdown');
    const text = first.source.join('');
    expect(text).toContain('Holdout rmse: **1.5**.');
    expect(text).toContain(
      `- \`${TRAIN_FILE}\`: the labelled rows the run trained on: your training file \`houses.csv\` minus a random 25% of its rows (seed 7), which the harness held out for scoring.`,
    );
    expect(text).toContain(
      `- \`${TEST_FILE}\`: those held-out rows without their labels (\`price\`): the rows the holdout score was computed on.`,
    );
    for (const written of [
      'submission.csv',
      'cv_score.json',
      'chart.png',
      'oof_predictions.csv',
      'test_predictions.csv',
    ]) {
      expect(text).toContain(`\`${written}\``);
    }
    expect(text).not.toContain('your own test file');
  });

  it('covers a user test file, a time split, an added id column, extra files and dropped columns', () => {
    const text = dataFilesMarkdown(
      taskFixture({
        description: 'Forecast sales.',
        metric: 'mae',
        targets: ['sales'],
        idColumn: 'row_id',
        idAdded: true,
        trainFile: '/data/sales.csv',
        testFile: '/data/next_month.csv',
        extraFiles: ['/data/stores.csv'],
        drop: ['sales_lag0'],
        split: { kind: 'time', testFraction: 0.2, seed: 42, column: 'date' },
      }),
    );
    expect(text).toContain(
      'minus the last 20% of its rows by `date`, which the harness held out for scoring',
    );
    expect(text).toContain('with the `row_id` column the harness added');
    expect(text).toContain(
      'For predictions on your own test file, use all of `sales.csv` as `train.csv` and `next_month.csv` as `test.csv`.',
    );
    expect(text).toContain('`stores.csv`: as you gave them.');
    expect(text).toContain('Left out of both: `sales_lag0`');
  });

  it('describes a group split by its column', () => {
    const text = dataFilesMarkdown(
      taskFixture({
        description: 'Score essays.',
        metric: 'rmse',
        targets: ['score'],
        split: { kind: 'group', testFraction: 0.2, seed: 42, column: 'prompt_id' },
      }),
    );
    expect(text).toContain('minus 20% of its `prompt_id` groups (seed 42)');
  });
});
