// Which file is which: the labelled training CSV, the unlabelled file to predict for, the extra files, and the
// features that file lacks (the model would have nothing to read there).
import { basename, extname } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { IntakeLimits, TaskInput } from '../types.ts';
import { joinNames, requireColumn } from './column-names.ts';
import { readCsv, type Table } from './csv-reader.ts';
import type { IdColumn } from './infer-id-column.ts';
import { type Inferred, inferred, stated } from './inference.ts';

const TABLE_EXTENSIONS = new Set(['.csv', '.tsv']);

type Overrides = NonNullable<TaskInput['overrides']>;

export interface TaskFiles {
  /** The labelled training file. */
  train: string;
  /** Other tables: the unlabelled file, or extra files. */
  candidates: string[];
  /** Files that are not tables. */
  others: string[];
}

/** The training file among the files; throws when there is nothing to work on or no CSV to learn from. */
export function taskFiles(input: TaskInput): TaskFiles {
  if (input.text.trim() === '' && input.files.length === 0) {
    throw new LinguacodusError(
      'empty_task',
      'Tell me what to predict and attach the training data as a CSV file (e.g. "predict price; metric RMSE").',
    );
  }
  const tables = input.files.filter((f) => TABLE_EXTENSIONS.has(extname(f).toLowerCase()));
  const others = input.files.filter((f) => !tables.includes(f));
  const explicitTest = input.overrides?.testFile;
  const extras = new Set(input.overrides?.extraFiles ?? []);
  const pool = tables.filter((f) => f !== explicitTest && !extras.has(f));
  // "test.csv" next to "train.csv" is the unlabelled file, whatever order they came in.
  const train = pool.find((f) => !/test/i.test(basename(f))) ?? pool[0] ?? null;
  if (train === null) {
    throw new LinguacodusError(
      'bad_input',
      'Attach the training data as a CSV file: I need labelled rows to learn from.',
    );
  }
  return { train, candidates: pool.filter((f) => f !== train), others };
}

export interface Unlabelled {
  testFile: string | null;
  testTable: Table | null;
  extraFiles: string[];
}

/** The unlabelled file: the one named as test, else a CSV whose columns are the training columns minus some. */
export async function findUnlabelledFile(
  files: TaskFiles,
  table: Table,
  overrides: Overrides,
  limits: IntakeLimits,
): Promise<Inferred<Unlabelled>> {
  let testFile: string | null = overrides.testFile ?? null;
  let testTable: Table | null = testFile ? await readCsv(testFile, limits) : null;
  let reason: string | null = null;
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
        reason = `${basename(candidate)} has the training columns without the target, so it is the file to predict for.`;
        continue;
      }
    }
    extraFiles.push(candidate);
  }
  for (const other of files.others) if (!extraFiles.includes(other)) extraFiles.push(other);
  return { value: { testFile, testTable, extraFiles }, reason };
}

/**
 * The columns the code must not see: those the user named, and every feature the file to predict for lacks. The
 * predictions are matched to that file's rows by id, so it must hold the id column.
 */
export function droppedColumns(
  table: Table,
  trainFile: string,
  overrides: Overrides,
  targets: string[],
  id: IdColumn,
  unlabelled: Unlabelled,
): Inferred<string[]> {
  const { idColumn, idAdded } = id;
  const drop = (overrides.drop ?? []).map((c) => requireColumn(table, c, 'drop', trainFile));
  const { testTable, testFile } = unlabelled;
  if (!testTable || !testFile) return stated(drop);
  const absent = table.columns.filter(
    (c) => !targets.includes(c) && c !== idColumn && !drop.includes(c) && !testTable.columns.includes(c),
  );
  if (!idAdded && !testTable.columns.includes(idColumn)) {
    throw new LinguacodusError(
      'bad_input',
      `${basename(testFile)} has no id column \`${idColumn}\`, so predictions could not be matched to its rows. Add it, or name another id column.`,
    );
  }
  if (absent.length === 0) return stated(drop);
  return inferred(
    [...drop, ...absent],
    `${joinNames(absent)} ${absent.length > 1 ? 'are' : 'is'} not in ${basename(testFile)}, so not used as a feature.`,
  );
}
