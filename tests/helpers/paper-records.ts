// The paper's released instructor records (result_prompts_new.csv) taken apart, for tests that need real
// Llama 2 answers: place, task facts and the instruction text the fine-tuned model learnt to write.
import { columnValues, DEFAULT_INTAKE_LIMITS, readCsv } from '../../core/intake/index.ts';
import { parseReleasedRecord, type ReleasedRecord } from '../../training/build-dataset.ts';
import { PAPER_RECORDS } from './datasets.ts';

let cached: Promise<ReleasedRecord[]> | null = null;

/** Every released record, in file order (1,330); read once per test process. */
export function paperRecords(): Promise<ReleasedRecord[]> {
  cached ??= (async () => {
    const table = await readCsv(PAPER_RECORDS, DEFAULT_INTAKE_LIMITS);
    const prompts = columnValues(table, 'prompt');
    const ids = columnValues(table, 'kaggle_id');
    return prompts.flatMap((p, i) => {
      const record = p ? parseReleasedRecord(p, ids[i] ?? null) : null;
      return record ? [record] : [];
    });
  })();
  return cached;
}

/** Released tabular instructions that fill the three asked-for sections, as a replay pool. */
export async function tabularInstructions(): Promise<ReleasedRecord[]> {
  const all = await paperRecords();
  return all.filter(
    (r) =>
      r.dataType.startsWith('tabular') &&
      /preprocessing/i.test(r.instruction) &&
      /architecture/i.test(r.instruction) &&
      /training/i.test(r.instruction) &&
      r.instruction.length < 3500,
  );
}
