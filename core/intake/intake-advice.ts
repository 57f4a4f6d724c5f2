// A model's help when intake is unsure: where the ranking has no clear winner and a question would be asked, the
// critic role (when it has an endpoint) chooses among the ranked candidate columns and the fitting metrics, with a
// JSON answer checked with zod. Its choice and reason become the target's (and metric's) reason on the task card.
// Anything else (no advisor, a failed call, an answer that is not that JSON, a column or metric not offered) leaves
// the question as it was: offline behaviour is unchanged.
import { z } from 'zod';
import { type MetricName, metricNameSchema } from '../types.ts';
import type { TargetQuestion } from './intake-question.ts';

/** What intake needs of a model: a completion (a ModelClient of the critic role is one). */
export interface IntakeAdvisor {
  complete(prompt: string, options: { purpose: string; system?: string }): Promise<string>;
}

export interface TargetAdvice {
  target: string;
  /** A metric among those offered, or null when the task named its own. */
  metric: MetricName | null;
  reason: string;
}

const adviceSchema = z.object({
  target: z.string().min(1),
  metric: metricNameSchema.nullable().optional(),
  reason: z.string().min(1).max(400),
});

const SYSTEM =
  'You help read machine-learning task descriptions. Answer with one JSON object only, no prose, no code fence.';

export function advicePrompt(task: string, question: TargetQuestion, metricNamed: boolean): string {
  const candidates = question.choices
    .map((c, i) => `${i + 1}. ${c.column}${c.reason ? ` (${c.reason})` : ''}`)
    .join('\n');
  return [
    'A user described a task and attached a CSV. Which column do they want predicted?',
    `Task: """${task.slice(0, 2000)}"""`,
    `Columns of the file: ${question.facts.map((f) => `${f.name} (${f.kind})`).join(', ')}`,
    `Likely target columns, ranked:\n${candidates}`,
    metricNamed
      ? 'The task names its metric; answer "metric": null.'
      : `Metrics that fit: ${question.metrics.join(', ')}.`,
    'Answer {"target": "<one of the ranked columns, exactly as written>", "metric": "<one of the metrics>" or null, "reason": "<one short sentence>"}.',
  ].join('\n\n');
}

/** The advisor's choice, or null (with why, for the logs) when it cannot be used. */
export async function adviseTarget(
  advisor: IntakeAdvisor,
  task: string,
  question: TargetQuestion,
  metricNamed: boolean,
): Promise<{ advice: TargetAdvice } | { refused: string }> {
  let text: string;
  try {
    text = await advisor.complete(advicePrompt(task, question, metricNamed), {
      purpose: 'intake target',
      system: SYSTEM,
    });
  } catch (error) {
    return { refused: `the call failed: ${(error as Error).message.slice(0, 200)}` };
  }
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  let parsed: unknown;
  try {
    parsed = json ? JSON.parse(json) : null;
  } catch {
    parsed = null;
  }
  const checked = adviceSchema.safeParse(parsed);
  if (!checked.success) return { refused: `the answer is not the JSON asked for: ${text.slice(0, 120)}` };
  const { target, metric, reason } = checked.data;
  const column = question.choices.find(
    (c) => c.column === target || c.column.toLowerCase() === target.toLowerCase(),
  );
  if (!column) return { refused: `it chose ${target}, which is not among the offered columns` };
  if (metric && !metricNamed && !question.metrics.includes(metric))
    return { refused: `it chose the metric ${metric}, which does not fit` };
  return {
    advice: { target: column.column, metric: metricNamed ? null : (metric ?? null), reason: reason.trim() },
  };
}
