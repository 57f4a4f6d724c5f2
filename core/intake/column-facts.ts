// What intake needs to know of each column to read a task against it: its name, kind, how many values and which
// (for a few-valued column), small enough to keep in a chat session and read replies in the thread without the file.
import { z } from 'zod';
import { type ColumnProfile, columnKindSchema } from '../types.ts';
import type { Table } from './csv-reader.ts';
import { isNumberString } from './data-profile.ts';

/** Distinct values kept per column: enough to recognise class names ("spam", ">50K"). */
const MAX_VALUES = 20;
const MAX_VALUE_LENGTH = 40;

export const columnFactSchema = z.object({
  name: z.string(),
  kind: columnKindSchema,
  /** Distinct non-missing values. */
  distinct: z.number().int().nonnegative(),
  /** Its values when it has at most 20 and they are not numbers. */
  values: z.array(z.string()),
  /** Numbers only, every one whole. */
  integer: z.boolean(),
});
export type ColumnFact = z.infer<typeof columnFactSchema>;

/** The facts of every column, in the file's order. */
export function columnFacts(table: Table, profiles: ColumnProfile[]): ColumnFact[] {
  return profiles.map((profile, index) => {
    const distinct = new Set<string>();
    let numeric = true;
    let integer = true;
    for (const row of table.rows) {
      const v = row[index];
      if (v === null || v === undefined) continue;
      if (distinct.size <= MAX_VALUES) distinct.add(v);
      if (numeric && !isNumberString(v)) numeric = false;
      if (numeric && integer && !Number.isInteger(Number(v))) integer = false;
      if (!numeric && distinct.size > MAX_VALUES) break;
    }
    const values =
      !numeric && distinct.size <= MAX_VALUES
        ? [...distinct].filter((v) => v.length <= MAX_VALUE_LENGTH)
        : [];
    return {
      name: profile.name,
      kind: profile.kind,
      distinct: profile.unique,
      values,
      integer: numeric && integer,
    };
  });
}

/** A column that holds classes: yes/no, a few labels, or a few whole numbers. */
export function holdsClasses(fact: ColumnFact): boolean {
  if (fact.kind === 'boolean') return true;
  if (fact.kind === 'categorical') return fact.distinct <= MAX_VALUES;
  return fact.kind === 'numeric' && fact.integer && fact.distinct <= 15;
}

/** A column that holds a quantity: numbers with more than a few distinct values. */
export function holdsQuantity(fact: ColumnFact): boolean {
  return fact.kind === 'numeric' && !(fact.integer && fact.distinct <= 2);
}
