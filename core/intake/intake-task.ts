// Turns free text plus files into a TaskSpec: reads the data, and infers (and says it inferred) what the user left out.
import { basename, extname } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import { defaultMetric, findMetricInText, METRICS, metricFits, requireMetric } from '../harness/metrics.ts';
import {
  type DataProfile,
  type DataType,
  type IntakeLimits,
  type MetricName,
  type Split,
  type TargetType,
  type TaskInput,
  type TaskSpec,
  taskSpecSchema,
} from '../types.ts';
import { readCsv, type Table } from './csv-reader.ts';
import { isNumberString, looksLikeIdName, profileTable } from './data-profile.ts';

export interface IntakeResult {
  spec: TaskSpec;
  profile: DataProfile;
  /** The labelled training table as read (without an added row_id). */
  table: Table;
}

/** The id column the harness adds when the data has none. */
export const ADDED_ID_COLUMN = 'row_id';
const SEED = 42;
const TABLE_EXTENSIONS = new Set(['.csv', '.tsv']);
const TEXT_WORDS =
  /\b(text|texts|message|messages|sms|review|reviews|summar(?:y|ies)|essays?|comments?|tweets?|sentences?|documents?|e-?mails?|articles?|descriptions?|nlp)\b/i;
const TIME_WORDS =
  /\b(forecast\w*|time[\s-]series|hourly|daily|weekly|monthly|yearly|over time|future|next \w+ (?:hours?|days?|weeks?|months?)|final (?:period|days?)|trend)\b/i;
const TARGET_KEYWORDS =
  /\b(predict(?:s|ing|ion of)?|forecast(?:s|ing)?|estimat(?:e|es|ing)|classify(?:ing)?|classification of|detect(?:s|ing)?|regress(?:ion of)?|target(?: column| variable)?(?: is| =|:)?|label(?: is|:)?|model(?:ling)?)\b/gi;
// Where the thing to predict ends and the features begin.
const SEGMENT_END = /\b(?:from|using|based on|given|with|by)\b|[.;:!?](?=\s|$)|\n/i;

/** Lower-case words only, so "Machine failure", "machine_failure" and "MACHINE-FAILURE" compare equal. */
export function normalizeName(name: string): string {
  return normalizeText(name.replace(/\[[^\]]*\]|\([^)]*\)/g, ' '));
}

/** Text as lower-case words: camelCase split, punctuation dropped ("SalePrice (USD)" -> "sale price usd"). */
function normalizeText(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Finds a column a text names: exact, or case/space/underscore-insensitive. */
export function matchColumn(columns: string[], name: string): string | null {
  if (columns.includes(name)) return name;
  const lower = name.trim().toLowerCase();
  const byLower = columns.find((c) => c.toLowerCase() === lower);
  if (byLower) return byLower;
  const norm = normalizeName(name);
  if (norm === '') return null;
  return columns.find((c) => normalizeName(c) === norm) ?? null;
}

/** Positions (in normalised text) where each column is mentioned as whole words, plural allowed. */
function mentions(normText: string, columns: string[]): { column: string; at: number; length: number }[] {
  const found: { column: string; at: number; length: number }[] = [];
  for (const column of columns) {
    const norm = normalizeName(column);
    if (norm === '') continue;
    const re = new RegExp(`(?:^| )(${norm.replace(/ /g, ' ')})(?:e?s)?(?= |$)`, 'g');
    for (const m of normText.matchAll(re)) {
      found.push({ column, at: (m.index ?? 0) + (m[0].startsWith(' ') ? 1 : 0), length: m[1]!.length });
    }
  }
  // Longer names win where mentions overlap ("median house value" over "value").
  found.sort((a, b) => b.length - a.length);
  const kept: typeof found = [];
  for (const f of found) {
    if (kept.some((k) => f.at < k.at + k.length && f.at + f.length > k.at)) continue;
    kept.push(f);
  }
  return kept.sort((a, b) => a.at - b.at);
}

/**
 * The target column(s) a text names: a backticked column after a target keyword, else the columns mentioned between
 * a keyword ("predict", "forecast", "target") and where the features start ("from", "using"), else a column whose
 * class values are mentioned there ("spam", ">50K"), else a short column name the text spells out ("Temp" for
 * "temperature"). `classValues` maps categorical columns to their values. Null when nothing fits.
 */
export function findTargetInText(
  text: string,
  columns: string[],
  classValues: ReadonlyMap<string, string[]> = new Map(),
): string[] | null {
  const candidates = columns.filter((c) => c !== ADDED_ID_COLUMN);
  for (const m of text.matchAll(/target(?:\s+column)?s?\s*(?:is|are|=|:)?\s*`([^`]+)`/gi)) {
    const column = matchColumn(candidates, m[1]!);
    if (column) return [column];
  }
  for (const keyword of text.matchAll(TARGET_KEYWORDS)) {
    const start = (keyword.index ?? 0) + keyword[0].length;
    // "target: price" and "the label is price": skip the joining word before looking for the name.
    const rest = text.slice(start, start + 200).replace(/^\s*(?:is\b|are\b|=|:)\s*/i, ' ');
    const endAt = rest.search(SEGMENT_END);
    const segmentEnd = endAt === -1 ? rest.length : endAt;
    // Backticked names may hold characters (dots, brackets) that end a segment; look at them first.
    const ticked = [...rest.matchAll(/`([^`]+)`/g)]
      .filter((t) => (t.index ?? 0) <= segmentEnd)
      .map((t) => matchColumn(candidates, t[1]!))
      .filter((c): c is string => c !== null);
    if (ticked.length > 0) return [...new Set(ticked)];
    const segment = rest.slice(0, segmentEnd);
    const words = normalizeText(segment);
    if (words === '') continue;
    const found = mentions(words, candidates);
    if (found.length > 0) {
      const names = [...new Set(found.map((f) => f.column))];
      // Several columns joined by "and" or commas are several targets ("its content and wording scores").
      if (names.length > 1 && /\band\b|,/.test(segment)) return names;
      return [names[0]!];
    }
    const padded = ` ${words} `;
    for (const [column, values] of classValues) {
      if (!candidates.includes(column)) continue;
      const named = values.some((v) => {
        const norm = normalizeText(v);
        return norm.length >= 2 && !/^[0-9 ]+$/.test(norm) && padded.includes(` ${norm} `);
      });
      if (named) return [column];
    }
    const tokens = words.split(' ');
    const abbreviated = candidates.find((c) => {
      const norm = normalizeName(c);
      return (
        norm.length >= 4 &&
        !norm.includes(' ') &&
        tokens.some((t) => t.length > norm.length && t.startsWith(norm))
      );
    });
    if (abbreviated) return [abbreviated];
  }
  return null;
}

function classifyFiles(
  input: TaskInput,
): { train: string; candidates: string[]; others: string[] } | { train: null } {
  const tables = input.files.filter((f) => TABLE_EXTENSIONS.has(extname(f).toLowerCase()));
  const others = input.files.filter((f) => !tables.includes(f));
  const explicitTest = input.overrides?.testFile;
  const extras = new Set(input.overrides?.extraFiles ?? []);
  const pool = tables.filter((f) => f !== explicitTest && !extras.has(f));
  // "test.csv" next to "train.csv" is the unlabelled file, whatever order they came in.
  const train = pool.find((f) => !/test/i.test(basename(f))) ?? pool[0] ?? null;
  if (train === null) return { train: null };
  return { train, candidates: pool.filter((f) => f !== train), others };
}

function idCandidates(table: Table, exclude: Set<string>): string[] {
  const n = table.rows.length;
  return table.columns.filter((column, index) => {
    if (exclude.has(column) || !looksLikeIdName(column)) return false;
    const seen = new Set<string>();
    for (const row of table.rows) {
      const v = row[index];
      if (v === null || v === undefined || seen.has(v)) return false;
      seen.add(v);
    }
    return seen.size === n;
  });
}

/** Values of the few-valued text columns, for recognising a target by its classes ("spam or ham"). */
function classValuesOf(table: Table): Map<string, string[]> {
  const out = new Map<string, string[]>();
  table.columns.forEach((column, index) => {
    const values = new Set<string>();
    for (const row of table.rows) {
      const v = row[index];
      if (v === null || v === undefined) continue;
      values.add(v);
      if (values.size > 20) return;
    }
    if (values.size >= 2 && ![...values].every(isNumberString)) out.set(column, [...values]);
  });
  return out;
}

/** Predictions are matched to rows by id, so an id column needs one distinct value on every row. */
function checkIdUnique(table: Table, column: string, file: string): void {
  const index = table.columns.indexOf(column);
  const seen = new Set<string>();
  table.rows.forEach((row, r) => {
    const v = row[index];
    if (v === null || v === undefined) {
      throw new LinguacodusError(
        'bad_input',
        `The id column \`${column}\` is empty on line ${r + 2} of ${file}; name a column with a value on every row, or none and I will number the rows.`,
      );
    }
    if (seen.has(v)) {
      throw new LinguacodusError(
        'bad_input',
        `The id column \`${column}\` repeats ${JSON.stringify(v)} (line ${r + 2} of ${file}); name a column with one distinct value per row, or none and I will number the rows.`,
      );
    }
    seen.add(v);
  });
}

function dateParts(columns: string[]): string[] {
  return columns.filter((c) =>
    /^(year|month|day|hour|minute|date|time|datetime|timestamp|week|weekday|dayofweek)$/i.test(
      normalizeName(c).replace(/ /g, ''),
    ),
  );
}

function joinNames(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}

function listColumns(columns: string[]): string {
  const shown = columns.slice(0, 40).join(', ');
  return columns.length > 40 ? `${shown}, ... (${columns.length} in all)` : shown;
}

function requireColumn(table: Table, name: string, what: string, file: string): string {
  const column = matchColumn(table.columns, name);
  if (column === null) {
    throw new LinguacodusError(
      what === 'target' ? 'no_target' : 'bad_input',
      `The ${what} column "${name}" is not in ${basename(file)}. Columns: ${listColumns(table.columns)}.`,
    );
  }
  return column;
}

function targetTypeFor(metric: MetricName, profile: DataProfile, table: Table): TargetType | null {
  const type = profile.target.type;
  if (metricFits(metric, type)) return null;
  const kind = METRICS[metric].kind;
  if (kind === 'regression' && (type === 'binary' || type === 'multiclass')) {
    const values = profile.target.classes?.map((c) => c.value) ?? [];
    if (values.every(isNumberString))
      return profile.target.names.length > 1 ? 'multi-regression' : 'regression';
  }
  if (kind !== 'regression' && type === 'regression') {
    const index = table.columns.indexOf(profile.target.names[0]!);
    const distinct = new Set(table.rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined));
    if (distinct.size <= 2) return 'binary';
    if (metric !== 'f1' && distinct.size <= 200) return 'multiclass';
  }
  const classes = profile.target.classes?.slice(0, 5).map((c) => c.value);
  throw new LinguacodusError(
    'bad_input',
    `${METRICS[metric].label} does not fit the target ${joinNames(profile.target.names)} (${profile.target.type}${classes ? `: ${classes.join(', ')}` : ''}). Name a ${profile.target.type === 'regression' || profile.target.type === 'multi-regression' ? 'regression metric such as rmse or mae' : 'classification metric such as roc-auc, accuracy or f1'}.`,
  );
}

/**
 * Reads the training (and test) file and builds the TaskSpec. Explicit overrides win; everything else is inferred
 * from the text and the data, and each inference is stated in `spec.inferred`.
 */
export async function intakeTask(input: TaskInput, limits: IntakeLimits): Promise<IntakeResult> {
  const text = input.text.trim();
  const overrides = input.overrides ?? {};
  if (text === '' && input.files.length === 0) {
    throw new LinguacodusError(
      'empty_task',
      'Tell me what to predict and attach the training data as a CSV file (e.g. "predict price; metric RMSE").',
    );
  }
  const files = classifyFiles(input);
  if (files.train === null) {
    throw new LinguacodusError(
      'bad_input',
      'Attach the training data as a CSV file: I need labelled rows to learn from.',
    );
  }
  const inferred: string[] = [];
  const table = await readCsv(files.train, limits);
  const trainName = basename(files.train);

  // An unlabelled file: the one named as test, else a CSV whose columns are the training columns minus some.
  let testFile: string | null = overrides.testFile ?? null;
  let testTable: Table | null = testFile ? await readCsv(testFile, limits) : null;
  const extraFiles = [...(overrides.extraFiles ?? [])];
  for (const candidate of files.candidates) {
    if (extraFiles.includes(candidate)) continue;
    if (testFile === null) {
      const t = await readCsv(candidate, limits);
      const subset = t.columns.every((c) => table.columns.includes(c));
      if (
        subset &&
        t.columns.length < table.columns.length &&
        (/test/i.test(basename(candidate)) || t.columns.length >= table.columns.length / 2)
      ) {
        testFile = candidate;
        testTable = t;
        inferred.push(
          `${basename(candidate)} has the training columns without the target, so it is the file to predict for.`,
        );
        continue;
      }
    }
    extraFiles.push(candidate);
  }
  for (const other of files.others) if (!extraFiles.includes(other)) extraFiles.push(other);

  // Target.
  let targets: string[];
  if (overrides.target !== undefined) {
    const named = Array.isArray(overrides.target) ? overrides.target : [overrides.target];
    targets = named.map((t) => requireColumn(table, t, 'target', files.train));
  } else {
    const fromText = findTargetInText(text, table.columns, classValuesOf(table));
    const absent = testTable
      ? table.columns.filter((c) => !testTable.columns.includes(c) && c !== ADDED_ID_COLUMN)
      : [];
    if (fromText) {
      targets = fromText;
      inferred.push(`The target is ${joinNames(targets)}, from what the task asks to predict.`);
    } else if (absent.length > 0) {
      targets = absent;
      inferred.push(
        `The target is ${joinNames(targets)}: the column${absent.length > 1 ? 's' : ''} missing from ${basename(testFile!)}.`,
      );
    } else {
      throw new LinguacodusError(
        'no_target',
        `Which column should I predict? Name it in the task (e.g. "target: ${table.columns[table.columns.length - 1]}"). Columns in ${trainName}: ${listColumns(table.columns)}.`,
      );
    }
  }
  if (new Set(targets).size !== targets.length) targets = [...new Set(targets)];

  // Id column.
  let idColumn: string;
  let idAdded = false;
  if (overrides.idColumn) {
    idColumn = requireColumn(table, overrides.idColumn, 'id', files.train);
    checkIdUnique(table, idColumn, trainName);
  } else {
    const candidates = idCandidates(table, new Set(targets)).filter(
      (c) => !testTable || testTable.columns.includes(c),
    );
    const exact = candidates.find((c) => c.toLowerCase() === 'id');
    const found = exact ?? candidates[0];
    if (found) {
      idColumn = found;
      inferred.push(`\`${found}\` identifies the rows (one unique value per row), so it is the id column.`);
    } else {
      idColumn = ADDED_ID_COLUMN;
      while (table.columns.includes(idColumn)) idColumn = `${idColumn}_`;
      idAdded = true;
      inferred.push(`No id column was found, so rows are numbered in a new \`${idColumn}\` column.`);
    }
  }
  if (targets.includes(idColumn)) {
    throw new LinguacodusError('bad_input', `\`${idColumn}\` cannot be both the id column and the target.`);
  }

  let profile = profileTable(table, { targets, idColumn: idAdded ? null : idColumn });

  // Metric.
  let metric: MetricName;
  if (overrides.metric !== undefined) {
    metric = requireMetric(overrides.metric);
  } else {
    const named = findMetricInText(text);
    if (named) {
      metric = named;
      inferred.push(`The metric is ${METRICS[named].label}, as named in the task.`);
    } else {
      metric = defaultMetric(profile.target.type);
      inferred.push(
        `No metric was named; ${METRICS[metric].label} is the default for ${describeTargetType(profile.target.type)}.`,
      );
    }
  }
  const retype = targetTypeFor(metric, profile, table);
  if (retype) {
    profile = profileTable(table, { targets, idColumn: idAdded ? null : idColumn, targetType: retype });
    inferred.push(
      `${METRICS[metric].label} scores ${describeTargetType(retype)}, so the target is treated as one.`,
    );
  }

  const drop = (overrides.drop ?? []).map((c) => requireColumn(table, c, 'drop', files.train));
  if (testTable) {
    // A feature the file to predict for lacks cannot be used: the model would have nothing to read there.
    const absent = table.columns.filter(
      (c) => !targets.includes(c) && c !== idColumn && !drop.includes(c) && !testTable.columns.includes(c),
    );
    if (absent.length > 0) {
      drop.push(...absent);
      inferred.push(
        `${joinNames(absent)} ${absent.length > 1 ? 'are' : 'is'} not in ${basename(testFile!)}, so not used as a feature.`,
      );
    }
    if (!idAdded && !testTable.columns.includes(idColumn)) {
      throw new LinguacodusError(
        'bad_input',
        `${basename(testFile!)} has no id column \`${idColumn}\`, so predictions could not be matched to its rows. Add it, or name another id column.`,
      );
    }
  }
  const dataType = overrides.dataType ?? inferDataType(text, profile, targets, idColumn, inferred);
  const split = chooseSplit(text, table, profile, dataType, overrides.split, inferred);

  const spec = taskSpecSchema.parse({
    description: text === '' ? `Predict ${targets.join(', ')} from ${trainName}.` : text,
    dataType,
    metric,
    targets,
    idColumn,
    idAdded,
    trainFile: files.train,
    testFile,
    extraFiles,
    drop,
    split,
    inferred,
  });
  return { spec, profile, table };
}

function describeTargetType(type: TargetType): string {
  switch (type) {
    case 'regression':
      return 'a numeric target (regression)';
    case 'binary':
      return 'a two-class target (binary classification)';
    case 'multiclass':
      return 'a target with several classes (multiclass classification)';
    case 'multi-regression':
      return 'several numeric targets';
  }
}

function inferDataType(
  text: string,
  profile: DataProfile,
  targets: string[],
  idColumn: string,
  inferred: string[],
): DataType {
  const features = profile.columns.filter((c) => !targets.includes(c.name) && c.name !== idColumn);
  const textColumns = features.filter((c) => c.kind === 'text');
  const informative = features.filter((c) => c.kind !== 'constant' && c.kind !== 'id');
  if (textColumns.length > 0 && (TEXT_WORDS.test(text) || informative.length <= textColumns.length + 2)) {
    inferred.push(`The data is text: ${joinNames(textColumns.map((c) => c.name))} holds free text.`);
    return 'text';
  }
  const dates = features.filter((c) => c.kind === 'datetime').map((c) => c.name);
  const parts = dateParts(features.map((c) => c.name));
  if ((dates.length > 0 || parts.length >= 2) && TIME_WORDS.test(text)) {
    inferred.push(`The data is a time series: ordered by ${joinNames(dates.length > 0 ? dates : parts)}.`);
    return 'time series';
  }
  return 'tabular';
}

/**
 * The column a text says rows are grouped by ("grouped by city", "a prompt not seen in training", "unseen
 * patients"), when it is a column with real groups (fewer distinct values than rows).
 */
export function groupColumnFromText(text: string, table: Table): string | null {
  const patterns = [
    /\bgroup(?:ed|s)?\s+(?:by\s+)?(?:the\s+)?`?([^`\s,.;]+(?:\s[^`\s,.;]+)?)`?/gi,
    /\b(?:an?|the)\s+`?([\w#-]+)`?\s+(?:that was |that is )?not seen in training/gi,
    /\bunseen\s+`?([\w#-]+)`?/gi,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const words = m[1]!.trim();
      const first = words.split(/\s/)[0]!;
      const singular = first.replace(/s$/i, '');
      const tries = [words, first, singular, `${singular}_id`, `${singular} id`, `${singular}Id`];
      for (const attempt of tries) {
        const column = matchColumn(table.columns, attempt);
        if (column === null) continue;
        const index = table.columns.indexOf(column);
        const distinct = new Set(table.rows.map((row) => row[index] ?? ''));
        if (distinct.size >= 2 && distinct.size < table.rows.length) return column;
      }
    }
  }
  return null;
}

function chooseSplit(
  text: string,
  table: Table,
  profile: DataProfile,
  dataType: DataType,
  given: Partial<Split> | undefined,
  inferred: string[],
): Split {
  const rows = profile.rows;
  const testFraction = given?.testFraction ?? (rows >= 5000 ? 0.2 : 0.25);
  const seed = given?.seed ?? SEED;
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  const timeColumn = profile.columns.find((c) => c.kind === 'datetime')?.name;
  const checked = (column: string | undefined) =>
    column === undefined ? undefined : requireColumn(table, column, 'split', 'the training file');

  if (given?.kind) {
    let column = given.column ?? (given.kind === 'time' ? timeColumn : undefined);
    if (given.kind === 'group' && column === undefined) {
      column = groupColumnFromText(text, table) ?? undefined;
      if (column === undefined) {
        throw new LinguacodusError(
          'bad_input',
          `A split by group needs the group column; name it (e.g. "grouped by \`${table.columns[0]}\`").`,
        );
      }
    }
    return { kind: given.kind, testFraction, seed, column: checked(column) };
  }
  const pct = `${Math.round(testFraction * 100)}%`;
  const groupColumn = groupColumnFromText(text, table);
  if (groupColumn) {
    inferred.push(
      `Whole groups of \`${groupColumn}\` (about ${pct} of the rows) are held out for scoring, as the task describes.`,
    );
    return { kind: 'group', testFraction, seed, column: groupColumn };
  }
  if (dataType === 'time series') {
    inferred.push(
      `The last ${pct} of the rows${timeColumn ? ` by \`${timeColumn}\`` : ' in file order'} are held out for scoring.`,
    );
    return { kind: 'time', testFraction, seed, column: timeColumn };
  }
  if (classification) {
    inferred.push(`${pct} of the rows are held out for scoring, stratified by class.`);
    return { kind: 'stratified', testFraction, seed };
  }
  inferred.push(`${pct} of the rows, chosen at random, are held out for scoring.`);
  return { kind: 'random', testFraction, seed };
}
