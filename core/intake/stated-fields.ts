// What a task or a reply in its thread states outright: `target: Age`, `metric: mae`, `id: PassengerId`, `type: text`,
// `split: group by prompt_id`, `drop: TWF, HDF`; a reply that is only a column's name; or new words that name a target
// or a metric. Later statements win over earlier ones, field by field, and each keeps where it was said.
import { LinguacodusError } from '../errors.ts';
import { type DataType, dataTypeSchema, type Split } from '../types.ts';
import type { ColumnFact } from './column-facts.ts';
import { matchColumn, namedColumns } from './column-names.ts';
import { findMetricInText, metricWants, refuseUnscoredMetric } from './infer-metric.ts';
import { decideTargets, rankTargets } from './rank-targets.ts';

/** A value someone stated, and where ("the task's “metric: mae”"). */
export interface Stated<T> {
  value: T;
  said: string;
  /**
   * Said in passing ("our target is to predict how old..."), not as a `field: value` clause: a target said so counts
   * only when it names columns.
   */
  loose?: boolean;
}

export interface StatedFields {
  /** As written: one name, or several joined by commas or "and" (told apart against the columns later). */
  target?: Stated<string>;
  metric?: Stated<string>;
  idColumn?: Stated<string>;
  dataType?: Stated<DataType>;
  split?: Stated<Partial<Split>>;
  drop?: Stated<string[]>;
}
export type StatedField = keyof StatedFields;

const FIELD_WORDS: Record<string, StatedField> = {
  target: 'target',
  'target column': 'target',
  label: 'target',
  metric: 'metric',
  id: 'idColumn',
  'id column': 'idColumn',
  type: 'dataType',
  'data type': 'dataType',
  split: 'split',
  drop: 'drop',
  ignore: 'drop',
};
/** Fields a sentence may state with "is" ("the metric is MAE"); the rest need a colon or an equals sign. */
const SAID_WITH_IS = new Set<StatedField>(['target', 'metric']);
const CLAUSE =
  /(?:^|[\s,;(])(target column|target|label|metric|id column|id|data type|type|split|drop|ignore)\s*(:|=|\bis\b)\s*/gi;
const CLAUSE_END =
  /[;\n]|\.(?:\s|$)|,\s*(?:target|label|metric|id|type|data type|split|drop|ignore)\b\s*(?::|=|is\b)/i;

const cleanValue = (v: string) =>
  v
    .trim()
    .replace(/^(?:the|a|an)\s+/i, '')
    .replace(/^[`"'“‘]+|[`"'”’.!?,]+$/g, '')
    .trim();

function parseSplit(value: string, said: string): Partial<Split> {
  const m =
    /^(random|stratified|time|group)(?:\s+(?:by|on|of)\s+`?([^`,]+?)`?)?(?:\s*,?\s*(\d+(?:\.\d+)?)\s*%)?$/i.exec(
      value,
    );
  if (!m) {
    throw new LinguacodusError(
      'bad_input',
      `I can hold rows out at random, stratified by class, by time or by group, not “${value}” (${said}). For example "split: group by prompt_id, 20%".`,
    );
  }
  const split: Partial<Split> = { kind: m[1]!.toLowerCase() as Split['kind'] };
  if (m[2]) split.column = m[2].trim();
  if (m[3]) split.testFraction = Number(m[3]) / 100;
  return split;
}

function parseDataType(value: string): DataType | null {
  const parsed = dataTypeSchema.safeParse(
    value
      .toLowerCase()
      .replace(/[-_]|\s+/g, ' ')
      .replace('timeseries', 'time series'),
  );
  return parsed.success ? parsed.data : null;
}

/** The `field: value` clauses of a text; `where` says whose words they are ("the task", "your reply"). */
export function statedInText(text: string, where: string): StatedFields {
  const out: StatedFields = {};
  for (const m of text.matchAll(CLAUSE)) {
    const field = FIELD_WORDS[m[1]!.toLowerCase()];
    if (!field || (m[2]!.toLowerCase() === 'is' && !SAID_WITH_IS.has(field))) continue;
    const start = (m.index ?? 0) + m[0].length;
    const rest = text.slice(start);
    const end = rest.search(CLAUSE_END);
    const value = cleanValue(end === -1 ? rest : rest.slice(0, end));
    if (value === '') continue;
    const said = `${where} “${(text.slice((m.index ?? 0) + (m[0].length - m[0].trimStart().length), start) + value).trim()}”`;
    switch (field) {
      case 'target':
        out.target = m[2]!.toLowerCase() === 'is' ? { value, said, loose: true } : { value, said };
        break;
      case 'metric':
      case 'idColumn':
        out[field] = { value, said };
        break;
      case 'dataType': {
        // "type" is also a column's name (sms_spam): only a data type's name makes it one.
        const dataType = parseDataType(value);
        if (dataType) out.dataType = { value: dataType, said };
        break;
      }
      case 'split':
        out.split = { value: parseSplit(value, said), said };
        break;
      case 'drop':
        out.drop = {
          value: value
            .split(/\s*,\s*|\s+and\s+/)
            .map(cleanValue)
            .filter(Boolean),
          said,
        };
        break;
    }
  }
  return out;
}

/** Later layers win, field by field. */
export function mergeStated(...layers: StatedFields[]): StatedFields {
  return Object.assign({}, ...layers);
}

/** A reply that is only a column's name ("Survived", "it's `Age`", "the Exited column"). */
function bareColumn(reply: string, columns: string[]): string | null {
  const cleaned = cleanValue(
    reply
      .trim()
      .replace(/^(?:it'?s|it is|use|try|predict|target)\s+/i, '')
      .replace(/\s+column$/i, ''),
  );
  return cleaned === '' ? null : matchColumn(columns, cleaned);
}

/**
 * What a reply in a task's thread states: its clauses, else a column's name alone as the target, else the target and
 * metric its words name (only when they name one clearly). A metric the harness cannot score is refused.
 */
export function readReply(reply: string, facts: ColumnFact[]): StatedFields {
  const where = `your reply “${reply.trim().length > 60 ? `${reply.trim().slice(0, 57)}…` : reply.trim()}”`;
  const out = statedInText(reply, 'your reply');
  if (
    out.target?.loose &&
    !namedColumns(
      facts.map((f) => f.name),
      out.target.value,
    )
  )
    delete out.target;
  if (!out.metric) {
    refuseUnscoredMetric(reply);
    const metric = findMetricInText(reply);
    if (metric) out.metric = { value: metric, said: where };
  }
  if (!out.target) {
    const bare = bareColumn(
      reply,
      facts.map((f) => f.name),
    );
    if (bare) out.target = { value: bare, said: where };
  }
  if (!out.target) {
    const metric = out.metric ? findMetricInText(out.metric.value) : null;
    const ranked = rankTargets(reply, facts, {
      metric,
      metricWants: metric ? metricWants(metric) : null,
      excluded: new Set(out.idColumn ? [out.idColumn.value] : []),
      wholeIsTarget: true,
    });
    const targets = decideTargets(ranked, facts, reply, metric);
    if (targets) out.target = { value: targets.join(', '), said: where };
  }
  return out;
}
