// What the last intake of a thread's task understood (or asked), kept in the session: the task card shows it, replies
// in the thread are read against its columns, and a change is told as the fields that differ from it.
import { z } from 'zod';
import { METRICS } from '../../core/harness/index.ts';
import { columnFactSchema, type StatedFields } from '../../core/intake/index.ts';
import { metricNameSchema, type TaskSpec, taskSpecSchema } from '../../core/types.ts';

const targetChoiceSchema = z.object({ column: z.string(), reason: z.string().nullable() });

export const understoodSchema = z.object({
  /** Every column of the training file: what replies are read against. */
  facts: z.array(columnFactSchema),
  /** The likely targets, most likely first: the choices a question or "Change target" offers. */
  choices: z.array(targetChoiceSchema),
  /** The task as understood; null while the question below is open. */
  spec: taskSpecSchema.nullable(),
  /** Labelled rows read; null with the spec. */
  rows: z.number().int().nullable(),
  /** The metrics offered with the question (those that fit the likely target); empty once answered. */
  metrics: z.array(metricNameSchema),
  /** The fields that changed from the task understood before, in words ("metric: RMSE → MAE"). */
  changes: z.array(z.string()),
});
export type Understood = z.infer<typeof understoodSchema>;

const metricLabel = (m: string) => (m in METRICS ? METRICS[m as keyof typeof METRICS].label : m);
const names = (columns: string[]) => columns.map((c) => `\`${c}\``).join(', ');
const splitWords = (s: TaskSpec['split']) =>
  `${s.kind}${s.column ? ` by \`${s.column}\`` : ''}, ${Math.round(s.testFraction * 100)}%`;

/** The fields of `now` that differ from `before`, each as "field: before → now". */
export function specChanges(before: TaskSpec | null, now: TaskSpec): string[] {
  if (!before) return [];
  const out: string[] = [];
  const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  if (differ(before.targets, now.targets))
    out.push(`target: ${names(before.targets)} → ${names(now.targets)}`);
  if (before.metric !== now.metric)
    out.push(`metric: ${metricLabel(before.metric)} → ${metricLabel(now.metric)}`);
  if (before.idColumn !== now.idColumn) out.push(`id column: \`${before.idColumn}\` → \`${now.idColumn}\``);
  if (before.dataType !== now.dataType) out.push(`data type: ${before.dataType} → ${now.dataType}`);
  if (differ(before.split, now.split))
    out.push(`holdout: ${splitWords(before.split)} → ${splitWords(now.split)}`);
  if (differ(before.drop, now.drop))
    out.push(`left out: ${names(before.drop) || 'none'} → ${names(now.drop) || 'none'}`);
  if (before.trainFile !== now.trainFile) out.push('the data: a new file');
  return out;
}

/** What a reply states, in words for the acknowledgement ("the metric to MAE"). */
export function statedWords(stated: StatedFields): string[] {
  const out: string[] = [];
  if (stated.target) out.push(`the target to \`${stated.target.value}\``);
  if (stated.metric) out.push(`the metric to ${stated.metric.value}`);
  if (stated.idColumn) out.push(`the id column to \`${stated.idColumn.value}\``);
  if (stated.dataType) out.push(`the data type to ${stated.dataType.value}`);
  if (stated.split) out.push(`the holdout split to ${stated.split.value.kind ?? 'as said'}`);
  if (stated.drop) out.push(`the columns left out to ${names(stated.drop.value)}`);
  return out;
}
