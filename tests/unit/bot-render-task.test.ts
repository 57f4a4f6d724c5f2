// The task card and the choices, as neutral messages: every field with its reason and a way to change it, what
// changed, the question's ranked columns and fitting metrics as buttons, and the change between two specs in words.
import { describe, expect, it } from 'vitest';
import { decodeAction } from '../../bot/render/action-ids.ts';
import { renderChoices, taskCardBlocks } from '../../bot/render/render-task.ts';
import { specChanges, type Understood } from '../../bot/state/task-understood.ts';
import type { Block } from '../../contract/messages.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const sid = '0123456789abcdef';
const spec = taskFixture({
  description: 'How old is each crab? Lower mean absolute error is better.',
  metric: 'mae',
  targets: ['Age'],
  idColumn: 'row_id',
  idAdded: true,
  trainFile: '/data/uploads/1/CrabAgePrediction.csv',
  reasons: {
    target: 'The target is `Age`: “how old” asks for an age.',
    metric: 'The metric is MAE, as named in the task.',
    features: '3,893 rows and 8 input columns are used.',
  },
});
const understood = (withSpec: boolean): Understood => ({
  facts: [
    { name: 'Sex', kind: 'categorical', distinct: 3, values: ['F', 'M', 'I'], integer: false },
    { name: 'Length', kind: 'numeric', distinct: 134, values: [], integer: false },
    { name: 'Age', kind: 'numeric', distinct: 28, values: [], integer: true },
  ],
  choices: [
    { column: 'Age', reason: '“how old” asks for an age' },
    { column: 'Length', reason: null },
  ],
  spec: withSpec ? spec : null,
  rows: withSpec ? 3893 : null,
  metrics: withSpec ? [] : ['rmse', 'mae', 'r2'],
  changes: [],
});
const texts = (blocks: Block[]) => blocks.flatMap((b) => ('text' in b ? [b.text] : [])).join('\n');
const buttons = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));

describe('the task card', () => {
  it('shows every field with its reason, what changed, and the ways to change them', () => {
    const blocks = taskCardBlocks({ sid, planSeq: 2, spec, rows: 3893, changes: ['metric: RMSE → MAE'] });
    const text = texts(blocks);
    expect(text).toContain('**Target**: `Age` — The target is `Age`: “how old” asks for an age.');
    expect(text).toContain('**Metric**: MAE, lower is better — The metric is MAE, as named in the task.');
    expect(text).toContain('**Id column**: `row_id` (added: the rows are numbered)');
    expect(text).toContain('**Data type**: tabular');
    expect(text).toContain('**Holdout**: random, 20% of the rows, seed 42');
    expect(text).toContain(
      '**Data**: 3,893 rows of CrabAgePrediction.csv — 3,893 rows and 8 input columns are used.',
    );
    expect(text).toContain('Changed: metric: RMSE → MAE.');
    expect(text).toContain('`target: <column>`, `metric: <name>`, `id: <column>`');
    const actions = buttons(blocks).map((b) => decodeAction(b.action));
    expect(actions).toEqual([
      { kind: 'choose', sid, planSeq: 2, field: 'target' },
      { kind: 'choose', sid, planSeq: 2, field: 'metric' },
      { kind: 'choose', sid, planSeq: 2, field: 'columns' },
    ]);
  });
});

describe('the choices', () => {
  it('the question offers the ranked columns, the metrics that fit and “Other column…”', () => {
    const message = renderChoices({
      sid,
      planSeq: 2,
      field: 'target',
      asking: true,
      understood: understood(false),
    });
    expect(texts(message.blocks)).toContain('1. `Age` — “how old” asks for an age\n2. `Length`');
    expect(buttons(message.blocks).map((b) => b.label)).toEqual([
      'Age',
      'Length',
      'RMSE',
      'MAE',
      'R²',
      'Other column…',
    ]);
    expect(decodeAction(buttons(message.blocks)[1]!.action)).toEqual({
      kind: 'target',
      sid,
      planSeq: 2,
      index: 1,
    });
  });

  it('changing the metric offers those that fit the target understood', () => {
    const message = renderChoices({
      sid,
      planSeq: 2,
      field: 'metric',
      asking: false,
      understood: understood(true),
    });
    expect(texts(message.blocks)).toContain('Now: MAE.');
    expect(buttons(message.blocks).map((b) => b.label)).toEqual([
      'RMSE',
      'MSE',
      'MAE',
      'RMSLE',
      'R²',
      'MAPE',
    ]);
  });

  it('the columns, with their kinds', () => {
    const message = renderChoices({
      sid,
      planSeq: 2,
      field: 'columns',
      asking: false,
      understood: understood(true),
    });
    expect(texts(message.blocks)).toContain('`Sex` (categorical), `Length` (numeric), `Age` (numeric)');
  });
});

describe('what changed', () => {
  it('names each field that differs, before → now', () => {
    const after = { ...spec, targets: ['Length'], metric: 'rmse' as const, idColumn: 'Sex' };
    expect(specChanges(spec, after)).toEqual([
      'target: `Age` → `Length`',
      'metric: MAE → RMSE',
      'id column: `row_id` → `Sex`',
    ]);
    expect(specChanges(null, spec)).toEqual([]);
    expect(specChanges(spec, spec)).toEqual([]);
  });
});
