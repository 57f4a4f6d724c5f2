// The task card and the choice messages at their largest, for the surfaces' limit tests: five likely targets with
// long names and reasons, every metric that fits a two-class target, a wide table, long reasons on the card.

import { planAck } from '../../bot/render/render-replies.ts';
import { type ChoicesView, renderChoices, type TaskCardView } from '../../bot/render/render-task.ts';
import type { Understood } from '../../bot/state/task-understood.ts';
import type { OutgoingMessage } from '../../contract/messages.ts';
import { metricsFor } from '../../core/intake/index.ts';
import { taskFixture } from './task-fixture.ts';

const SID = '0123456789abcdef';
const long = (i: number) => `A very long column name number ${i} ${'with many words '.repeat(8)}`.trim();

function understood(withSpec: boolean): Understood {
  const facts = Array.from({ length: 2000 }, (_, i) => ({
    name: long(i),
    kind: 'categorical' as const,
    distinct: 2,
    values: ['yes', 'no'],
    integer: false,
  }));
  const spec = taskFixture({
    description: 'Predict the outcome.',
    metric: 'roc-auc',
    targets: [long(0)],
    reasons: Object.fromEntries(
      ['target', 'idColumn', 'metric', 'dataType', 'split', 'features', 'drop', 'testFile'].map((k) => [
        k,
        `Because ${'the task says so in many words, '.repeat(20)}`,
      ]),
    ),
    drop: [long(3), long(4)],
    testFile: '/data/test.csv',
  });
  return {
    facts,
    choices: Array.from({ length: 5 }, (_, i) => ({
      column: long(i),
      reason: `“${'words '.repeat(60)}” asks for it`,
    })),
    spec: withSpec ? spec : null,
    rows: withSpec ? 1_234_567 : null,
    metrics: withSpec ? [] : metricsFor('binary'),
    changes: withSpec ? [`target: \`${long(9)}\` → \`${long(0)}\``, 'metric: accuracy → ROC AUC'] : [],
  };
}

/** Every task message at its largest: the question, each field's choices, and the card with its progress. */
export function largestTaskMessages(): { name: string; message: OutgoingMessage; buttons: number }[] {
  const view = (field: ChoicesView['field'], asking: boolean): ChoicesView => ({
    sid: SID,
    planSeq: 12,
    field,
    asking,
    understood: understood(!asking),
  });
  const full = understood(true);
  const card: TaskCardView = {
    sid: SID,
    planSeq: 12,
    spec: full.spec!,
    rows: 1_234_567,
    changes: full.changes,
  };
  return [
    {
      name: 'question',
      message: renderChoices(view('target', true)),
      buttons: 5 + metricsFor('binary').length + 1,
    },
    { name: 'change target', message: renderChoices(view('target', false)), buttons: 6 },
    {
      name: 'change metric',
      message: renderChoices(view('metric', false)),
      buttons: metricsFor('binary').length,
    },
    { name: 'columns', message: renderChoices(view('columns', false)), buttons: 0 },
    { name: 'task card', message: planAck('instructions', false, card), buttons: 3 },
  ];
}
