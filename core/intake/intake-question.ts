// When intake cannot tell what to predict it asks, with choices: the likely target columns (ranked, at most five) and
// the metrics that fit them. An error value like any other, so every caller that shows errors shows the question;
// the ones that can offer buttons (the chat surfaces) read its fields.
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { MetricName } from '../types.ts';
import type { ColumnFact } from './column-facts.ts';
import { listColumns } from './column-names.ts';

export interface TargetChoice {
  column: string;
  /** Why it is offered, in words ("“survival” is a form of its name"); null when only its kind fits. */
  reason: string | null;
}

/** At most this many columns are offered. */
export const MAX_TARGET_CHOICES = 5;

export class TargetQuestion extends LinguacodusError {
  constructor(
    /** Likely targets, most likely first. */
    readonly choices: TargetChoice[],
    /** Metrics that fit the most likely target, its default first. */
    readonly metrics: MetricName[],
    /** Every column, for replies that name one the choices left out. */
    readonly facts: ColumnFact[],
    trainFile: string,
  ) {
    const offered = choices.map((c) => `\`${c.column}\`${c.reason ? ` (${c.reason})` : ''}`).join(', ');
    const example = choices[0]?.column ?? facts[facts.length - 1]?.name ?? 'price';
    super(
      'no_target',
      `Which column should I predict? ${offered ? `Most likely: ${offered}. ` : ''}Reply with its name (e.g. "target: ${example}"). Columns in ${basename(trainFile)}: ${listColumns(facts.map((f) => f.name))}.`,
    );
    this.name = 'TargetQuestion';
  }
}
