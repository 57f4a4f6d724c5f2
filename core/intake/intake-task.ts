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
import { readCsv, type Table } from './csv-reader.ts';
import { profileTable } from './data-profile.ts';
import { inferDataType } from './infer-data-type.ts';
import { inferIdColumn } from './infer-id-column.ts';
import { inferMetric, targetTypeForMetric } from './infer-metric.ts';
import { inferSplit } from './infer-split.ts';
import { inferTargets } from './infer-target.ts';
import { droppedColumns, findUnlabelledFile, taskFiles } from './task-files.ts';

export interface IntakeResult {
  spec: TaskSpec;
  profile: DataProfile;
  /** The labelled training table as read (without an added row_id). */
  table: Table;
}

/**
 * Reads the training (and test) file and builds the TaskSpec. Explicit overrides win; everything else is inferred
 * from the text and the data, step by step, and each inference is stated in `spec.inferred`, in the steps' order.
 */
export async function intakeTask(input: TaskInput, limits: IntakeLimits): Promise<IntakeResult> {
  const text = input.text.trim();
  const overrides = input.overrides ?? {};
  const files = taskFiles(input);
  const table = await readCsv(files.train, limits);
  const unlabelled = await findUnlabelledFile(files, table, overrides, limits);
  const targets = inferTargets(text, table, files.train, overrides.target, unlabelled.value);
  const id = inferIdColumn(table, files.train, overrides.idColumn, targets.value, unlabelled.value.testTable);
  const profileAs = (targetType?: TargetType) =>
    profileTable(table, {
      targets: targets.value,
      idColumn: id.value.idAdded ? null : id.value.idColumn,
      targetType,
    });
  const firstProfile = profileAs();
  const metric = inferMetric(text, overrides.metric, firstProfile.target.type);
  const retype = targetTypeForMetric(metric.value, firstProfile, table);
  const profile = retype.value ? profileAs(retype.value) : firstProfile;
  const drop = droppedColumns(table, files.train, overrides, targets.value, id.value, unlabelled.value);
  const dataType = inferDataType(text, profile, targets.value, id.value.idColumn, overrides.dataType);
  const split = inferSplit(text, table, profile, dataType.value, overrides.split);

  const steps = [unlabelled, targets, id, metric, retype, drop, dataType, split];
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
  });
  return { spec, profile, table };
}
