// Turns free text plus files into a TaskSpec: reads the data, and infers (and says it inferred) what the user left out.
import { basename } from 'node:path';
import {
  type DataProfile,
  type IntakeLimits,
  type TargetType,
  type TaskInput,
  type TaskSpec,
  taskSpecSchema,
} from '../types.ts';
import { type ColumnFact, columnFacts } from './column-facts.ts';
import { namedColumns } from './column-names.ts';
import { readCsv, type Table } from './csv-reader.ts';
import { profileColumns, profileTable } from './data-profile.ts';
import { imageFeatures, imageWorkDir, prepareImageTask, withImages } from './image-intake.ts';
import { inferDataType } from './infer-data-type.ts';
import { usedColumns } from './infer-features.ts';
import { inferIdColumn } from './infer-id-column.ts';
import { inferMetric, metricInText, requireMetric, targetTypeForMetric } from './infer-metric.ts';
import { inferSplit } from './infer-split.ts';
import { inferTargets } from './infer-target.ts';
import { because, type Inferred, inferred } from './inference.ts';
import { adviseTarget, type IntakeAdvisor } from './intake-advice.ts';
import { type TargetChoice, TargetQuestion } from './intake-question.ts';
import { mergeStated, readReply, type StatedFields, statedInText } from './stated-fields.ts';
import { droppedColumns, findUnlabelledFile, taskFiles } from './task-files.ts';
import { readTask, type TaskLanguage } from './task-language.ts';

const LANGUAGE_NAMES: Record<TaskLanguage, string> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  de: 'German',
  pt: 'Portuguese',
};

export interface IntakeResult {
  spec: TaskSpec;
  profile: DataProfile;
  /** The labelled training table as read (without an added row_id). */
  table: Table;
  /** What replies in the thread are read against (TargetQuestion carries the same when intake asks). */
  facts: ColumnFact[];
  /** The likely targets, most likely first: what a user may change the target to. */
  choices: TargetChoice[];
}

const FLAG = 'as given';

/** What the flags or suite entry state, as stated fields. */
function fromOverrides(overrides: NonNullable<TaskInput['overrides']>): StatedFields {
  const out: StatedFields = {};
  const { target, metric, idColumn, dataType, split, drop } = overrides;
  if (target !== undefined)
    out.target = { value: Array.isArray(target) ? target.join(', ') : target, said: FLAG };
  if (metric !== undefined) out.metric = { value: metric, said: FLAG };
  if (idColumn !== undefined) out.idColumn = { value: idColumn, said: FLAG };
  if (dataType !== undefined) out.dataType = { value: dataType, said: FLAG };
  if (split !== undefined) out.split = { value: split, said: FLAG };
  if (drop !== undefined) out.drop = { value: drop, said: FLAG };
  return out;
}

/**
 * Reads the training (and test) file and builds the TaskSpec. What is stated wins (flags over replies in the thread,
 * a later reply over an earlier one, replies over the task's own `field: value` clauses); everything else is inferred
 * from the text and the data, step by step, each inference stated in `spec.inferred` in the steps' order and every
 * field's reason in `spec.reasons`. Throws TargetQuestion when the target cannot be told.
 */
export interface IntakeOptions {
  /** A model (the critic role) asked to choose when the target cannot be told; absent offline. */
  advisor?: IntakeAdvisor;
  /** Where a refused or failed piece of advice is logged. */
  onAdviceRefused?: (why: string) => void;
}

export async function intakeTask(
  input: TaskInput,
  limits: IntakeLimits,
  options: IntakeOptions = {},
): Promise<IntakeResult> {
  // Pictures (a zip or folder) become a CSV task over an images folder first (image-intake.ts).
  const images = await prepareImageTask(input, imageWorkDir(input), limits);
  if (images) return withImages(await intakeTask(images.input, limits, options), images);
  const text = input.text.trim();
  const notes = (input.notes ?? []).map((n) => n.trim()).filter(Boolean);
  const files = taskFiles(input);
  const table = await readCsv(files.train, limits);
  const columnProfiles = profileColumns(table);
  const facts = columnFacts(table, columnProfiles);
  // A task in French, Spanish, German or Portuguese is read through its English gloss; the description stays as written.
  const reading = readTask(text, table.columns);
  const read = reading.text;
  const said = mergeStated(
    statedInText(read, 'stated in the task'),
    ...notes.map((note) => readReply(readTask(note, table.columns).text, facts)),
    fromOverrides(input.overrides ?? {}),
  );
  const overrides = {
    ...input.overrides,
    testFile: input.overrides?.testFile,
    extraFiles: input.overrides?.extraFiles,
    drop: said.drop?.value,
  };
  const unlabelled = await findUnlabelledFile(files, table, overrides, limits);
  const namedMetric = said.metric ? requireMetric(said.metric.value) : metricInText(read);
  const namedTarget =
    said.target && (!said.target.loose || namedColumns(table.columns, said.target.value))
      ? said.target
      : undefined;
  const targetInput = {
    text: read,
    table,
    facts,
    trainFile: files.train,
    named: namedTarget,
    unlabelled: unlabelled.value,
    metric: namedMetric,
    idColumn: said.idColumn?.value,
  };
  let targets: ReturnType<typeof inferTargets>;
  try {
    targets = inferTargets(targetInput);
  } catch (error) {
    // Unsure: the critic, when configured, chooses among the candidates; otherwise (or if it cannot) the question.
    if (!(error instanceof TargetQuestion) || !options.advisor) throw error;
    const advised = await adviseTarget(options.advisor, text, error, namedMetric !== null);
    if ('refused' in advised) {
      options.onAdviceRefused?.(advised.refused);
      throw error;
    }
    const { target, metric: advisedMetric, reason } = advised.advice;
    const because = `the critic chose it among the likely columns (${error.choices.map((c) => `\`${c.column}\``).join(', ')}): “${reason}”`;
    targets = {
      ...inferred([target], `The target is \`${target}\`: ${because}.`),
      choices: error.choices,
    };
    if (advisedMetric && !said.metric)
      said.metric = { value: advisedMetric, said: `chosen by the critic: “${reason}”` };
  }
  const id = inferIdColumn(table, files.train, said.idColumn, targets.value, unlabelled.value.testTable);
  const profileAs = (targetType?: TargetType) =>
    profileTable(
      table,
      { targets: targets.value, idColumn: id.value.idAdded ? null : id.value.idColumn, targetType },
      columnProfiles,
    );
  const firstProfile = profileAs();
  const metric = inferMetric(read, said.metric, firstProfile.target.type);
  const retype = targetTypeForMetric(metric.value, firstProfile, table);
  const profile = retype.value ? profileAs(retype.value) : firstProfile;
  const drop = droppedColumns(table, files.train, overrides, targets.value, id.value, unlabelled.value);
  const features =
    said.dataType?.value === 'image'
      ? imageFeatures(table.columns)
      : usedColumns(profile, targets.value, id.value.idColumn, drop.value, files.train);
  const dataType = inferDataType(read, profile, targets.value, id.value.idColumn, said.dataType);
  const split = inferSplit(read, table, profile, dataType.value, said.split?.value);

  const steps = [unlabelled, targets, id, metric, retype, drop, dataType, split];
  const reasons: Record<string, Inferred<unknown>> = {
    target: { value: targets.value, reason: targets.reason, said: targets.said },
    idColumn: id,
    metric: retype.reason
      ? { ...metric, reason: `${because(metric) ?? ''} ${retype.reason}`.trim() }
      : metric,
    dataType,
    split: said.split ? { ...split, said: split.said ?? said.split.said } : split,
    testFile: unlabelled,
    drop,
    features,
    language:
      reading.language === 'en'
        ? { value: null, reason: null }
        : {
            value: reading.language,
            reason: `The task is in ${LANGUAGE_NAMES[reading.language]}; it was read as “${read}”.`,
          },
  };
  const spec = taskSpecSchema.parse({
    description: text === '' ? `Predict ${targets.value.join(', ')} from ${basename(files.train)}.` : text,
    dataType: dataType.value,
    metric: metric.value,
    targets: targets.value,
    idColumn: id.value.idColumn,
    idAdded: id.value.idAdded,
    trainFile: files.train,
    testFile: unlabelled.value.testFile,
    extraFiles: unlabelled.value.extraFiles,
    drop: drop.value,
    split: split.value,
    inferred: steps.flatMap((step) => (step.reason === null ? [] : [step.reason])),
    reasons: Object.fromEntries(
      Object.entries(reasons).flatMap(([field, step]) => {
        const why = because(step);
        return why === null ? [] : [[field, why]];
      }),
    ),
  });
  return { spec, profile, table, facts, choices: targets.choices };
}
