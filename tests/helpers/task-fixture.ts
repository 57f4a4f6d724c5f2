// A TaskSpec for tests that need one without reading a file: the fields a test cares about, the rest defaulted.
import { type TaskSpec, taskSpecSchema } from '../../core/types.ts';

export function taskFixture(
  fields: Pick<TaskSpec, 'description' | 'metric' | 'targets'> & Partial<TaskSpec>,
): TaskSpec {
  return taskSpecSchema.parse({
    dataType: 'tabular',
    idColumn: 'id',
    trainFile: '/data/train.csv',
    split: { kind: 'random', testFraction: 0.2, seed: 42 },
    ...fields,
  });
}
