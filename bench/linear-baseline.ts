// The benchmark's "default linear model": scikit-learn's LinearRegression or LogisticRegression behind
// imputation, scaling, one-hot encoding (and TF-IDF for free-text columns), written to the harness contract
// so it runs and is scored exactly as generated code is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBABILITY_METRICS, positiveClass, submissionColumns } from '../core/harness/index.ts';
import type { DataProfile, TaskSpec } from '../core/index.ts';
import type { SandboxFile } from '../sandbox/index.ts';

const SCRIPT = readFileSync(join(import.meta.dirname, 'linear-baseline.py'), 'utf8');

/** The linear model's features (one ColumnTransformer), imported by this script and the strong panel's. */
export const LINEAR_FEATURES_FILE: SandboxFile = {
  path: 'linear_features.py',
  content: readFileSync(join(import.meta.dirname, 'linear_features.py'), 'utf8'),
};

/** The script, its features module and its settings file, to run in the sandbox beside train.csv and test.csv. */
export function linearBaselineFiles(task: TaskSpec, profile: DataProfile): SandboxFile[] {
  const type = profile.target.type;
  const spec = {
    id: task.idColumn,
    targets: task.targets,
    metric: task.metric,
    kind: type === 'regression' || type === 'multi-regression' ? 'regression' : 'classification',
    probability: PROBABILITY_METRICS.has(task.metric),
    positive: positiveClass(profile),
    columns: submissionColumns(task, profile),
    text_columns: profile.columns.filter((c) => c.kind === 'text').map((c) => c.name),
  };
  return [
    { path: 'linear_baseline.py', content: SCRIPT },
    LINEAR_FEATURES_FILE,
    { path: 'linear_spec.json', content: JSON.stringify(spec) },
  ];
}
