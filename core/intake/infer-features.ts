// The columns step: what the model learns from (every column but the target, the id, the dropped and the constant
// ones), and a clear refusal when that leaves nothing to learn from.
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';
import type { DataProfile } from '../types.ts';
import { joinNames } from './column-names.ts';
import { type Inferred, inferred } from './inference.ts';

export function usedColumns(
  profile: DataProfile,
  targets: string[],
  idColumn: string,
  drop: string[],
  trainFile: string,
): Inferred<string[]> {
  const others = profile.columns.filter((c) => !targets.includes(c.name) && !drop.includes(c.name));
  const used = others.filter((c) => c.name !== idColumn && c.kind !== 'constant' && c.kind !== 'id');
  const idle = others.filter((c) => !used.includes(c)).map((c) => c.name);
  if (used.length === 0) {
    const holds = idle.length > 0 ? ` it holds only ${joinNames(idle)}` : ' it holds nothing';
    throw new LinguacodusError(
      'bad_input',
      `${basename(trainFile)} has nothing to learn from: besides ${joinNames(targets)}${holds}. Attach a CSV with columns that describe each row (the inputs) next to the one to predict.`,
    );
  }
  const skipped =
    idle.length > 0
      ? `; ${joinNames(idle)} ${idle.length > 1 ? 'are' : 'is'} left out (an id or one value throughout)`
      : '';
  return inferred(
    used.map((c) => c.name),
    `${profile.rows.toLocaleString('en-US')} rows and ${used.length} input column${used.length > 1 ? 's' : ''} are used${skipped}.`,
  );
}
