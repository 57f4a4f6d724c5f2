// The public task suite (datasets/suite/suite.json): its schema, loading with absolute paths, and mapping to TaskInput.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dataTypeSchema, LinguacodusError, metricNameSchema, type TaskInput } from '../core/index.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the suite lives, relative to the repository root. */
const DEFAULT_SUITE_DIR = 'datasets/suite';

const suiteTaskSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  paper: z.string().optional(),
  file: z.string().min(1),
  extra_files: z.array(z.string()).default([]),
  data_type: dataTypeSchema,
  metric: metricNameSchema,
  target: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  id_column: z.string().optional(),
  drop: z.array(z.string()).default([]),
  description: z.string().min(1),
  split: z.object({
    kind: z.enum(['random', 'stratified', 'group', 'time']),
    test_fraction: z.number().gt(0).lt(1),
    column: z.string().optional(),
  }),
});
const suiteSchema = z.object({
  about: z.string().optional(),
  tasks: z.array(suiteTaskSchema).min(1),
});

/** A suite task with `file` and `extraFiles` as absolute paths. */
export interface SuiteTask {
  id: string;
  paper?: string;
  file: string;
  extraFiles: string[];
  dataType: z.infer<typeof dataTypeSchema>;
  metric: z.infer<typeof metricNameSchema>;
  targets: string[];
  idColumn?: string;
  drop: string[];
  description: string;
  split: { kind: 'random' | 'stratified' | 'group' | 'time'; testFraction: number; column?: string };
}

export interface Suite {
  dir: string;
  about?: string;
  tasks: SuiteTask[];
}

/** Loads suite.json (or another file of the same schema, e.g. images.json) from `dir` (relative to the repository root). */
export async function loadSuite(dir: string = DEFAULT_SUITE_DIR, file = 'suite.json'): Promise<Suite> {
  const root = isAbsolute(dir) ? dir : resolve(REPO_ROOT, dir);
  const path = resolve(root, file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new LinguacodusError('bad_input', `The task suite ${path} could not be read.`, { cause: error });
  }
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LinguacodusError(
      'bad_input',
      `The task suite ${path} is not valid: ${issue?.path.join('.')}: ${issue?.message}.`,
      { cause: parsed.error },
    );
  }
  const tasks = parsed.data.tasks.map(
    (t): SuiteTask => ({
      id: t.id,
      paper: t.paper,
      file: resolve(root, t.file),
      extraFiles: t.extra_files.map((f) => resolve(root, f)),
      dataType: t.data_type,
      metric: t.metric,
      targets: Array.isArray(t.target) ? t.target : [t.target],
      idColumn: t.id_column,
      drop: t.drop,
      description: t.description,
      split: { kind: t.split.kind, testFraction: t.split.test_fraction, column: t.split.column },
    }),
  );
  const ids = new Set<string>();
  for (const t of tasks) {
    if (ids.has(t.id)) throw new LinguacodusError('bad_input', `The task suite repeats the id ${t.id}.`);
    ids.add(t.id);
  }
  return { dir: root, about: parsed.data.about, tasks };
}

/** The TaskInput a user posting this task would produce, with the suite's stated fields as overrides. */
export function suiteTaskInput(task: SuiteTask): TaskInput {
  return {
    text: task.description,
    files: [task.file, ...task.extraFiles],
    overrides: {
      metric: task.metric,
      target: task.targets.length === 1 ? task.targets[0]! : task.targets,
      ...(task.idColumn ? { idColumn: task.idColumn } : {}),
      dataType: task.dataType,
      drop: task.drop,
      extraFiles: task.extraFiles,
      split: {
        kind: task.split.kind,
        testFraction: task.split.testFraction,
        ...(task.split.column ? { column: task.split.column } : {}),
      },
    },
  };
}
