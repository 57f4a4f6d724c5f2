// Sorts a task's columns into the roles the offline recipes treat differently (features by kind, ids, dropped, constant).
import type { ColumnProfile, DataProfile, TaskSpec } from '../types.ts';

/** Categoricals with more distinct values than this are "high-cardinality": one-hot is capped, trees get ordinals. */
const HIGH_CARDINALITY = 50;

export interface ColumnRoles {
  numeric: string[];
  categorical: string[];
  /** Categoricals among `categorical` with more than HIGH_CARDINALITY values. */
  highCardinality: string[];
  text: string[];
  datetime: string[];
  /** Columns never used as features: the id column, id-like columns, spec.drop, constant columns. */
  idColumns: string[];
  dropped: string[];
  constant: string[];
  /** Numeric columns whose missing share is above zero (imputed). */
  withMissing: string[];
}

function isTarget(task: TaskSpec, column: ColumnProfile): boolean {
  return task.targets.includes(column.name);
}

/** The feature roles of every column of the profile, excluding the targets. */
export function columnRoles(task: TaskSpec, profile: DataProfile): ColumnRoles {
  const roles: ColumnRoles = {
    numeric: [],
    categorical: [],
    highCardinality: [],
    text: [],
    datetime: [],
    idColumns: [],
    dropped: [],
    constant: [],
    withMissing: [],
  };
  for (const column of profile.columns) {
    if (isTarget(task, column)) continue;
    const name = column.name;
    if (task.drop.includes(name)) {
      roles.dropped.push(name);
      continue;
    }
    if (name === task.idColumn || column.kind === 'id') {
      roles.idColumns.push(name);
      continue;
    }
    if (column.kind === 'constant') {
      roles.constant.push(name);
      continue;
    }
    if (column.missingShare > 0) roles.withMissing.push(name);
    switch (column.kind) {
      case 'numeric':
        roles.numeric.push(name);
        break;
      case 'categorical':
      case 'boolean':
        roles.categorical.push(name);
        if (column.unique > HIGH_CARDINALITY) roles.highCardinality.push(name);
        break;
      case 'text':
        roles.text.push(name);
        break;
      case 'datetime':
        roles.datetime.push(name);
        break;
    }
  }
  if (!roles.idColumns.includes(task.idColumn)) roles.idColumns.unshift(task.idColumn);
  return roles;
}

/** `a`, `b` and `c` — a column list in prose, with a cap so a 79-column table stays readable. */
export function columnList(names: string[], cap = 8): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= cap) {
    if (quoted.length <= 1) return quoted.join('');
    return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  }
  return `${quoted.slice(0, cap).join(', ')} and ${quoted.length - cap} more`;
}
