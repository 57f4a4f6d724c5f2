// The target step: the column(s) someone stated, else the one the task's words, the data and the file to predict for
// point to, else a question with the likely columns.
import { basename } from 'node:path';
import type { MetricName } from '../types.ts';
import { type ColumnFact, holdsClasses } from './column-facts.ts';
import { joinNames, namedColumns, requireColumn } from './column-names.ts';
import type { Table } from './csv-reader.ts';
import { ADDED_ID_COLUMN } from './infer-id-column.ts';
import { metricsFor, metricWants } from './infer-metric.ts';
import { type Inferred, inferred, stated } from './inference.ts';
import { MAX_TARGET_CHOICES, type TargetChoice, TargetQuestion } from './intake-question.ts';
import { decideTargets, rankTargets, type TargetCandidate } from './rank-targets.ts';
import type { Stated } from './stated-fields.ts';
import type { Unlabelled } from './task-files.ts';

/** The column a stated target names; several when it lists them ("content, wording", "content and wording"). */
function namedTargets(table: Table, trainFile: string, named: string): string[] {
  return namedColumns(table.columns, named) ?? [requireColumn(table, named, 'target', trainFile)];
}

export interface TargetInput {
  text: string;
  table: Table;
  facts: ColumnFact[];
  trainFile: string;
  /** The target someone stated (a flag, a `target:` clause, a reply in the thread). */
  named?: Stated<string>;
  unlabelled: Unlabelled;
  /** The metric stated or named, if any: a classification metric wants classes, a regression metric numbers. */
  metric: MetricName | null;
  /** The id column someone stated: never the target. */
  idColumn?: string;
}

/**
 * The target column(s): the one stated, else the column(s) the ranking settles on (rank-targets.ts), with its
 * evidence as the reason. Asks (TargetQuestion) with the likely columns and fitting metrics when it cannot tell.
 */
export interface TargetStep extends Inferred<string[]> {
  /** The likely targets, most likely first (at most five): what the user is offered to change it to. */
  choices: TargetChoice[];
}

/** The likely columns of a ranking, for a question or a change: those with evidence, else the first few. */
function choicesOf(ranked: TargetCandidate[]): TargetChoice[] {
  const likely = ranked.filter((c) => c.score > 0).slice(0, MAX_TARGET_CHOICES);
  return (likely.length >= 2 ? likely : ranked.slice(0, MAX_TARGET_CHOICES)).map((c) => ({
    column: c.column,
    reason: c.signals.find((s) => s.kind === 'words' && s.points > 0)?.says ?? null,
  }));
}

export function inferTargets(input: TargetInput): TargetStep {
  const { text, table, facts, trainFile, named, unlabelled, metric } = input;
  const { testTable, testFile } = unlabelled;
  const missing =
    testTable && testFile
      ? table.columns.filter((c) => !testTable.columns.includes(c) && c !== ADDED_ID_COLUMN)
      : [];
  const ranked = rankTargets(text, facts, {
    metric,
    metricWants: metric ? metricWants(metric) : null,
    excluded: new Set([ADDED_ID_COLUMN, ...(input.idColumn ? [input.idColumn] : [])]),
    missingFromTest:
      testFile && missing.length > 0 ? { columns: missing, file: basename(testFile) } : undefined,
  });
  const choices = choicesOf(ranked);
  if (named !== undefined) {
    const value = [...new Set(namedTargets(table, trainFile, named.value))];
    return { ...stated(value, named.said), choices };
  }
  const targets = decideTargets(ranked, facts, text, metric);
  if (targets) {
    const why = targets.map((t) => {
      const says =
        ranked
          .find((c) => c.column === t)
          ?.signals.filter((s) => s.points > 0)
          .slice(0, 2) ?? [];
      return says.length > 0 ? `${says.map((s) => s.says).join('; ')}` : null;
    });
    const reason =
      targets.length === 1
        ? `The target is ${joinNames(targets)}: ${why[0] ?? 'the task asks for it'}.`
        : `The targets are ${targets.map((t, i) => `\`${t}\` (${why[i] ?? 'asked for'})`).join(' and ')}.`;
    return { ...inferred(targets, reason), choices };
  }
  const first = facts.find((f) => f.name === choices[0]?.column);
  const type = first && holdsClasses(first) ? (first.distinct <= 2 ? 'binary' : 'multiclass') : 'regression';
  throw new TargetQuestion(choices, metric ? [metric] : metricsFor(type), facts, trainFile);
}
