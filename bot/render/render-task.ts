// Renders the task as understood into neutral messages: the task card at the head of each plan (every field with
// its reason and a way to change it), the question with choices when the target is unclear, and the choices for
// changing the target or the metric.

import type { Block, Button, OutgoingMessage } from '../../contract/messages.ts';
import { METRICS } from '../../core/harness/index.ts';
import { metricsFor, type TargetChoice } from '../../core/intake/index.ts';
import type { MetricName, TaskSpec } from '../../core/types.ts';
import type { Understood } from '../state/task-understood.ts';
import { type ChooseField, encodeAction } from './action-ids.ts';

/** A reason longer than this is cut: the card must stay readable and within every surface's limits. */
const REASON_CHARS = 220;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);
const names = (columns: string[]) => columns.map((c) => `\`${c}\``).join(', ');
const fileName = (p: string) => p.split('/').pop() ?? p;

export interface TaskCardView {
  sid: string;
  planSeq: number;
  spec: TaskSpec;
  rows: number;
  /** The fields that changed from the task understood before (Understood.changes). */
  changes: string[];
}

/** How the task may be changed by reply; the buttons cover the target and the metric. */
export const CHANGE_HINT =
  'To change it, reply `target: <column>`, `metric: <name>`, `id: <column>`, `type: tabular|text|time series`, `split: random|stratified|time|group by <column>` or `drop: <columns>`, or say it in words.';

function line(label: string, value: string, reason: string | undefined): string {
  return `**${label}**: ${value}${reason ? ` — ${cut(reason, REASON_CHARS)}` : ''}`;
}

/** The task card's blocks: the fields with their reasons, what changed, how to change them. */
export function taskCardBlocks(view: TaskCardView): Block[] {
  const { spec, sid, planSeq } = view;
  const r = spec.reasons;
  const metric = METRICS[spec.metric];
  const split = spec.split;
  const lines = [
    line(spec.targets.length > 1 ? 'Targets' : 'Target', names(spec.targets), r.target),
    line('Metric', `${metric.label}, ${metric.higherIsBetter ? 'higher' : 'lower'} is better`, r.metric),
    line(
      'Id column',
      `\`${spec.idColumn}\`${spec.idAdded ? ' (added: the rows are numbered)' : ''}`,
      r.idColumn,
    ),
    line('Data type', spec.dataType, r.dataType),
    line(
      'Holdout',
      `${split.kind}${split.column ? ` by \`${split.column}\`` : ''}, ${Math.round(split.testFraction * 100)}% of the rows, seed ${split.seed}`,
      r.split,
    ),
    line('Data', `${view.rows.toLocaleString('en-US')} rows of ${fileName(spec.trainFile)}`, r.features),
  ];
  if (spec.testFile) lines.push(line('File to predict for', fileName(spec.testFile), r.testFile));
  if (spec.drop.length > 0) lines.push(line('Left out', names(spec.drop), r.drop));
  const blocks: Block[] = [
    { kind: 'heading', text: 'The task as I understand it' },
    { kind: 'text', text: lines.join('\n') },
  ];
  if (view.changes.length > 0) blocks.push({ kind: 'context', text: `Changed: ${view.changes.join('; ')}.` });
  blocks.push({ kind: 'context', text: CHANGE_HINT });
  blocks.push({
    kind: 'buttons',
    buttons: [
      {
        action: encodeAction({ kind: 'choose', sid, planSeq, field: 'target' }),
        label: 'Change target',
        style: 'default',
      },
      {
        action: encodeAction({ kind: 'choose', sid, planSeq, field: 'metric' }),
        label: 'Change metric',
        style: 'default',
      },
      {
        action: encodeAction({ kind: 'choose', sid, planSeq, field: 'columns' }),
        label: 'Columns',
        style: 'default',
      },
    ],
  });
  return blocks;
}

export interface ChoicesView {
  sid: string;
  planSeq: number;
  field: ChooseField;
  /** True for intake's question (no target yet), false for a change asked from the task card. */
  asking: boolean;
  understood: Understood;
}

function targetButtons(view: ChoicesView): Button[] {
  const { sid, planSeq } = view;
  return view.understood.choices.map((c, index) => ({
    action: encodeAction({ kind: 'target', sid, planSeq, index }),
    label: c.column,
    style: index === 0 ? 'primary' : 'default',
  }));
}

function metricButtons(view: ChoicesView, metrics: MetricName[]): Button[] {
  const { sid, planSeq } = view;
  return metrics.map((metric) => ({
    action: encodeAction({ kind: 'metric', sid, planSeq, metric }),
    label: METRICS[metric].label,
    style: 'default',
  }));
}

/** The metrics that fit the target understood: its default first. */
function fittingMetrics(understood: Understood): MetricName[] {
  const spec = understood.spec;
  if (!spec) return understood.metrics;
  if (spec.targets.length > 1) return metricsFor('multi-regression');
  if (METRICS[spec.metric].kind === 'regression') return metricsFor('regression');
  const target = understood.facts.find((f) => f.name === spec.targets[0]);
  return metricsFor(target && target.distinct <= 2 ? 'binary' : 'multiclass');
}

const choiceLine = (c: TargetChoice, i: number) =>
  `${i + 1}. \`${c.column}\`${c.reason ? ` — ${cut(c.reason, 160)}` : ''}`;

/** The question or the choices for one field, with a button for each choice. */
export function renderChoices(view: ChoicesView): OutgoingMessage {
  const { understood, sid, planSeq } = view;
  const other: Button = {
    action: encodeAction({ kind: 'choose', sid, planSeq, field: 'columns' }),
    label: 'Other column…',
    style: 'default',
  };
  const reply = 'Or reply in this thread with the column’s name (e.g. `target: <column>`, or just its name).';
  switch (view.field) {
    case 'target': {
      const heading = view.asking ? 'Which column should I predict?' : 'Change the target';
      const now = understood.spec ? `Now: ${names(understood.spec.targets)}. ` : '';
      const blocks: Block[] = [
        { kind: 'heading', text: heading },
        {
          kind: 'text',
          text: `${now}${view.asking ? 'The most likely columns:' : 'Likely columns:'}\n${understood.choices.map(choiceLine).join('\n')}`,
        },
        { kind: 'buttons', buttons: targetButtons(view) },
      ];
      if (view.asking && understood.metrics.length > 1) {
        blocks.push({ kind: 'text', text: '**Metric** (for the first column; pick one or leave it to me):' });
        blocks.push({ kind: 'buttons', buttons: metricButtons(view, understood.metrics) });
      }
      blocks.push({ kind: 'buttons', buttons: [other] });
      blocks.push({ kind: 'context', text: reply });
      const listed = understood.choices.map((c) => c.column).join(', ');
      return { text: `${heading} Likely: ${listed}.`, blocks };
    }
    case 'metric': {
      const metrics = fittingMetrics(understood);
      const now = understood.spec ? `Now: ${METRICS[understood.spec.metric].label}. ` : '';
      return {
        text: `Change the metric: ${metrics.join(', ')}.`,
        blocks: [
          { kind: 'heading', text: 'Change the metric' },
          { kind: 'text', text: `${now}Metrics that fit the target:` },
          { kind: 'buttons', buttons: metricButtons(view, metrics) },
          { kind: 'context', text: 'Or reply `metric: <name>`.' },
        ],
      };
    }
    case 'columns': {
      const facts = understood.facts;
      const shown = facts.slice(0, 60).map((f) => `\`${f.name}\` (${f.kind})`);
      const more = facts.length > shown.length ? `, … (${facts.length} in all)` : '';
      return {
        text: `Columns: ${facts.map((f) => f.name).join(', ')}`,
        blocks: [
          { kind: 'heading', text: 'The columns' },
          { kind: 'text', text: `${shown.join(', ')}${more}` },
          { kind: 'context', text: 'Reply with the one to predict: `target: <column>`, or just its name.' },
        ],
      };
    }
  }
}

/** The answer to a change: what it sets, what it keeps, and that the task is planned again. */
export function renderChange(setting: string[], keeping: string[], replanning: boolean): OutgoingMessage {
  const kept = keeping.length > 0 ? ` Keeping ${keeping.join(', ')} and the rest.` : '';
  const next = replanning ? ' Planning again…' : ' Reading the task again…';
  const body = `Changing ${setting.join(', ')}.${kept}${next}`;
  return { text: body.replace(/`/g, ''), blocks: [{ kind: 'text', text: body }] };
}
