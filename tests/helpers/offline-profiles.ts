// Hand-built task specs and data profiles for the offline engine's unit tests (shapes of real suite tasks).
import type { ColumnProfile, DataProfile, TaskSpec } from '../../core/types.ts';
import { dataProfileSchema, taskSpecSchema } from '../../core/types.ts';

function column(
  name: string,
  kind: ColumnProfile['kind'],
  extra: Partial<ColumnProfile> = {},
): ColumnProfile {
  return { name, kind, missingShare: 0, unique: 10, examples: [], ...extra };
}

function spec(fields: Partial<TaskSpec> & Pick<TaskSpec, 'metric' | 'targets' | 'idColumn'>): TaskSpec {
  return taskSpecSchema.parse({
    description: 'test task',
    dataType: 'tabular',
    trainFile: '/data/train.csv',
    split: { kind: 'random', testFraction: 0.25 },
    ...fields,
  });
}

/** Bank churn: binary roc-auc, categoricals Geography/Gender, a high-cardinality Surname, id columns. */
export function bankChurn(): { task: TaskSpec; profile: DataProfile } {
  const task = spec({ metric: 'roc-auc', targets: ['Exited'], idColumn: 'RowNumber' });
  const profile = dataProfileSchema.parse({
    rows: 10_000,
    columns: [
      column('RowNumber', 'id', { unique: 10_000 }),
      column('CustomerId', 'id', { unique: 10_000 }),
      column('Surname', 'categorical', { unique: 2932 }),
      column('CreditScore', 'numeric'),
      column('Geography', 'categorical', { unique: 3 }),
      column('Gender', 'categorical', { unique: 2 }),
      column('Age', 'numeric'),
      column('Balance', 'numeric'),
      column('EstimatedSalary', 'numeric'),
      column('Exited', 'numeric', { unique: 2 }),
    ],
    target: {
      names: ['Exited'],
      type: 'binary',
      classes: [
        { value: '0', count: 7963 },
        { value: '1', count: 2037 },
      ],
    },
  });
  return { task, profile };
}

/** California housing: regression rmse, skewed positive target, one categorical, missing bedrooms. */
export function housing(rows = 20_640): { task: TaskSpec; profile: DataProfile } {
  const task = spec({ metric: 'rmse', targets: ['median_house_value'], idColumn: 'row_id', idAdded: true });
  const profile = dataProfileSchema.parse({
    rows,
    columns: [
      column('longitude', 'numeric'),
      column('total_bedrooms', 'numeric', { missingShare: 0.01 }),
      column('median_income', 'numeric'),
      column('ocean_proximity', 'categorical', { unique: 5 }),
      column('median_house_value', 'numeric', { min: 14_999, max: 500_001 }),
    ],
    target: { names: ['median_house_value'], type: 'regression', skew: 1.6, mean: 206_855 },
  });
  return { task, profile };
}

/** SMS spam: text roc-auc. */
export function smsSpam(): { task: TaskSpec; profile: DataProfile } {
  const task = spec({
    metric: 'roc-auc',
    targets: ['type'],
    idColumn: 'row_id',
    idAdded: true,
    dataType: 'text',
  });
  const profile = dataProfileSchema.parse({
    rows: 5574,
    columns: [
      column('type', 'categorical', { unique: 2 }),
      column('text', 'text', { unique: 5160, meanLength: 80 }),
    ],
    target: {
      names: ['type'],
      type: 'binary',
      classes: [
        { value: 'ham', count: 4827 },
        { value: 'spam', count: 747 },
      ],
    },
  });
  return { task, profile };
}

/** Melbourne minimum temperatures: a univariate daily series. */
export function minTemperature(): { task: TaskSpec; profile: DataProfile } {
  const task = spec({
    metric: 'rmse',
    targets: ['Temp'],
    idColumn: 'row_id',
    idAdded: true,
    dataType: 'time series',
    split: { kind: 'time', testFraction: 0.1, column: 'Date', seed: 42 },
  });
  const profile = dataProfileSchema.parse({
    rows: 3650,
    columns: [column('Date', 'datetime', { unique: 3650 }), column('Temp', 'numeric', { min: 0, max: 26.3 })],
    target: { names: ['Temp'], type: 'regression', skew: 0.1, mean: 11.2 },
  });
  return { task, profile };
}

/** Wine quality: multiclass with a rare class. */
export function wine(metric: TaskSpec['metric'] = 'accuracy'): { task: TaskSpec; profile: DataProfile } {
  const task = spec({ metric, targets: ['quality'], idColumn: 'row_id', idAdded: true });
  const profile = dataProfileSchema.parse({
    rows: 4898,
    columns: [
      column('alcohol', 'numeric'),
      column('pH', 'numeric'),
      column('quality', 'numeric', { unique: 7 }),
    ],
    target: {
      names: ['quality'],
      type: 'multiclass',
      classes: [
        { value: '6', count: 2198 },
        { value: '5', count: 1457 },
        { value: '7', count: 880 },
        { value: '8', count: 175 },
        { value: '4', count: 163 },
        { value: '3', count: 20 },
        { value: '9', count: 5 },
      ],
    },
  });
  return { task, profile };
}

/** Card fraud: binary roc-auc with 7 positives in 5000 rows, numeric PCA components. */
export function cardFraud(positives = 7, rows = 5000): { task: TaskSpec; profile: DataProfile } {
  const task = spec({ metric: 'roc-auc', targets: ['Class'], idColumn: 'row_id', idAdded: true });
  const profile = dataProfileSchema.parse({
    rows,
    columns: [
      column('Time', 'numeric'),
      column('V1', 'numeric'),
      column('V2', 'numeric'),
      column('Amount', 'numeric'),
      column('Class', 'numeric', { unique: 2 }),
    ],
    target: {
      names: ['Class'],
      type: 'binary',
      classes: [
        { value: '0', count: rows - positives },
        { value: '1', count: positives },
      ],
    },
  });
  return { task, profile };
}

/** CommonLit summaries: two regression targets (content, wording) from free text, grouped by prompt. */
export function studentSummaries(): { task: TaskSpec; profile: DataProfile } {
  const task = spec({
    metric: 'mcrmse',
    targets: ['content', 'wording'],
    idColumn: 'student_id',
    dataType: 'text',
    split: { kind: 'group', column: 'prompt_id', testFraction: 0.25, seed: 42 },
  });
  const profile = dataProfileSchema.parse({
    rows: 7165,
    columns: [
      column('student_id', 'id', { unique: 7165 }),
      column('prompt_id', 'categorical', { unique: 4 }),
      column('text', 'text', { unique: 7165, meanLength: 420 }),
      column('content', 'numeric', { min: -1.7, max: 3.9 }),
      column('wording', 'numeric', { min: -1.96, max: 4.3 }),
    ],
    target: { names: ['content', 'wording'], type: 'multi-regression', skew: 0.5, mean: 0 },
  });
  return { task, profile };
}
