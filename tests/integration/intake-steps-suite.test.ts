// The other intake steps on the suite's CSVs, through the phrasings in plain words: the id column, the data type and
// the holdout split each come with their reason, every field of the spec says why it is what it is, and a table
// with nothing to learn from is refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { PLAIN_WORDS_TASKS } from '../helpers/plain-words-tasks.ts';
import { suiteData } from '../helpers/suite-facts.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-intake-steps-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Phrasings that say nothing of time or groups are read as tabular with a random (or stratified) split. */
const SPEAKS_OF_TIME = /forecast|hour|daily|each day|final|last days|held-out days/i;

describe('the id, data type and split steps on the suite', () => {
  it('every phrasing gets the suite’s id column, a data type and a split, each with its reason', async () => {
    for (const task of PLAIN_WORDS_TASKS.filter((t) => !t.heldOut)) {
      const { task: entry } = await suiteData(task.suite);
      const { spec } = await intakeTask(
        { text: task.text, files: [entry.file, ...entry.extraFiles] },
        DEFAULT_INTAKE_LIMITS,
      );
      if (entry.idColumn) expect(spec.idColumn, task.text).toBe(entry.idColumn);
      expect(spec.reasons.idColumn, task.text).toBeTruthy();
      expect(spec.reasons.split, task.text).toBeTruthy();
      expect(spec.reasons.target, task.text).toBeTruthy();
      expect(spec.reasons.metric, task.text).toBeTruthy();
      expect(spec.reasons.features, task.text).toMatch(/rows and \d+ input columns? are used/);
      if (entry.dataType === 'text') expect(spec.dataType, task.text).toBe('text');
      if (entry.dataType === 'time series' && SPEAKS_OF_TIME.test(task.text)) {
        expect(spec.dataType, task.text).toBe('time series');
        expect(spec.split.kind, task.text).toBe('time');
      }
      if (entry.dataType === 'tabular') expect(spec.dataType, task.text).toBe('tabular');
    }
  });
});

describe('nothing to learn from', () => {
  it('a CSV holding only the target is refused with a clear message', async () => {
    const file = join(dir, 'only-price.csv');
    await writeFile(file, `price\n${Array.from({ length: 20 }, (_, i) => i).join('\n')}\n`);
    const error = await intakeTask({ text: 'predict the price', files: [file] }, DEFAULT_INTAKE_LIMITS).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(error.code).toBe('bad_input');
    expect(error.message).toContain(
      'only-price.csv has nothing to learn from: besides `price` it holds nothing',
    );
  });

  it('nor does an id and a constant beside the target', async () => {
    const file = join(dir, 'idle.csv');
    const rows = Array.from({ length: 20 }, (_, i) => `${i},same,${i * 2}`);
    await writeFile(file, `id,note,price\n${rows.join('\n')}\n`);
    const error = await intakeTask({ text: 'predict the price', files: [file] }, DEFAULT_INTAKE_LIMITS).catch(
      (e) => e,
    );
    expect(error.message).toContain('besides `price` it holds only `id`, `note`');
  });
});
