// One piece of a generated stage: the instruction step it implements (or a note for plumbing) and its Python.
import type { DataProfile, TaskSpec } from '../types.ts';
import type { ColumnRoles } from './column-roles.ts';
import type { ModelSettings } from './model-settings.ts';
import type { RecipeRef } from './recipes.ts';

export interface CodeBlock {
  /** The instruction step this code implements; null for plumbing that is not a modelling decision. */
  step: string | null;
  /** Comment for plumbing blocks (why it is there). */
  note?: string;
  code: string;
}

/** Everything a stage template needs to write its blocks. */
export interface TemplateInput {
  task: TaskSpec;
  profile: DataProfile;
  recipe: RecipeRef;
  roles: ColumnRoles;
  models: ModelSettings[];
  folds: number;
}
