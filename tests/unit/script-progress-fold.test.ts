import { describe, expect, it } from 'vitest';
import {
  MAX_SCRIPT_EVENTS_PER_SECOND,
  parseFoldLine,
  scriptProgressListener,
} from '../../core/pipeline/repair-loop.ts';
import type { ProgressEvent } from '../../core/types.ts';

describe('parseFoldLine', () => {
  it.each([
    ['fold 2 of 5', 2, 5],
    ['Fold 2/5', 2, 5],
    ['fold=2/5', 2, 5],
    ['[fold 2 of 5]', 2, 5],
    ['FOLD 3 OF 10 rmse=0.412', 3, 10],
    ['Fold 1/5 - val_auc: 0.8731', 1, 5],
    ['fold: 4 / 5', 4, 5],
    ['Fold #2 of 5', 2, 5],
    ['Training fold 5 of 5 (xgboost)', 5, 5],
    ['cv fold 0/5', 0, 5],
    ['Fold 2/5: 100%|##########| 300/300', 2, 5],
    ['[CV 2/5] END ....max_depth=3;, score=0.812 total time=   0.1s', 2, 5],
    ['[CV 3/5; 1/4] START max_depth=3', 3, 5],
  ])('reads %j as fold %i of %i', (line, k, n) => {
    expect(parseFoldLine(line)).toEqual({ k, n });
  });

  it.each([
    '5 of 10 rows dropped',
    'dropped 2/5 of the columns',
    'folder 2 of 5',
    'scaffold 2 of 5',
    'kfold 2/5',
    '5-fold cross-validation',
    'n_folds = 5',
    'fold 3: rmse 0.41',
    'fold 6 of 5',
    'fold 1 of 0',
    'Fold 2 scored 0.81 over 5 repeats',
    'fold 2 of 5.5',
    'epoch 2/5',
    '',
  ])('finds no fold in %j', (line) => {
    expect(parseFoldLine(line)).toBeNull();
  });
});

describe('script lines as progress events', () => {
  function collect(now: () => number) {
    const events: ProgressEvent[] = [];
    const listener = scriptProgressListener((event) => events.push(event), { now });
    return { events, listener };
  }

  it('emits a script event per line with its fold, skipping blank lines and trailing spaces', () => {
    const { events, listener } = collect(() => 0);
    listener('loading data', 'stdout');
    listener('   ', 'stdout');
    listener('', 'stderr');
    listener('fold 1 of 3  ', 'stdout');
    listener('UserWarning: something', 'stderr');
    expect(events).toEqual([
      { type: 'script', line: 'loading data', fold: null },
      { type: 'script', line: 'fold 1 of 3', fold: { k: 1, n: 3 } },
      { type: 'script', line: 'UserWarning: something', fold: null },
    ]);
  });

  it(`keeps at most ${MAX_SCRIPT_EVENTS_PER_SECOND} lines a second, but every line that reports a fold`, () => {
    let clock = 0;
    const { events, listener } = collect(() => clock);
    for (let i = 0; i < 100; i++) listener(`iteration ${i}`, 'stdout');
    listener('fold 2 of 5', 'stdout');
    listener('iteration 100', 'stdout');
    expect(events).toHaveLength(MAX_SCRIPT_EVENTS_PER_SECOND + 1);
    expect(events.at(-1)).toEqual({ type: 'script', line: 'fold 2 of 5', fold: { k: 2, n: 5 } });
    // A second later the window is open again.
    clock = 1000;
    listener('iteration 101', 'stdout');
    expect(events.at(-1)).toEqual({ type: 'script', line: 'iteration 101', fold: null });
  });
});
