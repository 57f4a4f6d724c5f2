// Builds the instructor's fine-tuning set (JSONL) from the paper's released records, in the Fig. 5 form or as released.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LinguacodusError } from '../common/errors.ts';
import { columnValues, DEFAULT_INTAKE_LIMITS, readCsv } from '../core/intake/index.ts';
import {
  fineTuneRecord,
  instructorPrompt,
  LLAMA2_DEFAULT_SYSTEM,
  llama2ChatTemplate,
  PLACE_WORDS,
  type TaskFacts,
} from '../core/prompts.ts';

/** One released record taken apart: the solution's place, the task facts and the extracted instruction. */
export interface ReleasedRecord extends TaskFacts {
  rank: number;
  instruction: string;
  kaggleId: string | null;
}

/**
 * fig5: the paper's Fig. 5 record ("This solution has the N place in rating ..."); released: the form the published
 * adapter was trained on (Llama 2 system prompt and the Fig. 6 inference prompt), which matches what the
 * instructor is asked at inference time.
 */
export type RecordFormat = 'fig5' | 'released';

const RECORD =
  /writing the (\S+) place instruction for solving this machine learning task\. Task: ([\s\S]*?)\s*\n\s*The (.+?) data is used for the problem\. The metric type is (.+?) for the problem\.[\s\S]*?\[\/INST\]([\s\S]*?)(?:<\/s>\s*)?$/;

/** The place as a number: "ninth" → 9, "28.0th" → 28; null when unreadable. */
export function placeNumber(place: string): number | null {
  const word = PLACE_WORDS.indexOf(place.toLowerCase());
  if (word >= 0) return word + 1;
  const numeric = /^(\d+)(?:\.0+)?(?:st|nd|rd|th)?$/i.exec(place);
  return numeric?.[1] ? Number(numeric[1]) : null;
}

/** Takes a released record apart; null when it does not have the released shape. */
export function parseReleasedRecord(prompt: string, kaggleId: string | null = null): ReleasedRecord | null {
  const m = RECORD.exec(prompt.replace(/\r\n?/g, '\n'));
  if (!m) return null;
  const rank = placeNumber(m[1] ?? '');
  const instruction = (m[5] ?? '').trim();
  if (rank === null || !instruction) return null;
  return {
    rank,
    // The released task text is the competition title, a newline, then its description.
    description: (m[2] ?? '')
      .replace(/\s*\n\s*/g, '. ')
      .replace(/\.\.\s/g, '. ')
      .trim(),
    dataType: (m[3] ?? '').replace(/_/g, ', '),
    metric: (m[4] ?? '').trim(),
    instruction,
    kaggleId,
  };
}

/** One training text for SFT (the trainer's dataset_text_field is "text"). */
export function toTrainingText(record: ReleasedRecord, format: RecordFormat): string {
  if (format === 'fig5') return fineTuneRecord(record);
  const prompt = instructorPrompt(record, record.rank);
  return `<s>${llama2ChatTemplate(LLAMA2_DEFAULT_SYSTEM, prompt)} ${record.instruction} </s>`;
}

export interface BuildOptions {
  format?: RecordFormat;
  /** Keep only solutions placed at most this high (the paper's top solutions per competition). */
  maxRank?: number;
}

export interface BuildSummary {
  read: number;
  written: number;
  skipped: number;
  outPath: string;
}

/** Reads the released CSV, writes one JSON object per line: {text, rank, kaggle_id, data_type, metric}. */
export async function buildDataset(
  inPath: string,
  outPath: string,
  options: BuildOptions = {},
): Promise<BuildSummary> {
  const table = await readCsv(inPath, DEFAULT_INTAKE_LIMITS);
  if (!table.columns.includes('prompt')) {
    throw new LinguacodusError(
      'bad_input',
      `${inPath} has no "prompt" column; is it result_prompts_new.csv?`,
    );
  }
  const prompts = columnValues(table, 'prompt');
  const ids = table.columns.includes('kaggle_id')
    ? columnValues(table, 'kaggle_id')
    : prompts.map(() => null);
  const lines: string[] = [];
  let skipped = 0;
  prompts.forEach((prompt, i) => {
    const record = prompt ? parseReleasedRecord(prompt, ids[i] ?? null) : null;
    if (!record || (options.maxRank !== undefined && record.rank > options.maxRank)) {
      skipped++;
      return;
    }
    lines.push(
      JSON.stringify({
        text: toTrainingText(record, options.format ?? 'fig5'),
        rank: record.rank,
        kaggle_id: record.kaggleId,
        data_type: record.dataType,
        metric: record.metric,
      }),
    );
  });
  await writeFile(outPath, lines.length ? `${lines.join('\n')}\n` : '');
  return { read: prompts.length, written: lines.length, skipped, outPath };
}

/** The paper's released records, copied into the repository (datasets/linguacodus-paper/). */
const DEFAULT_RECORDS = resolve(
  import.meta.dirname,
  '..',
  'datasets',
  'linguacodus-paper',
  'result_prompts_new.csv',
);

function argument(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const input = argument(args, '--in') ?? DEFAULT_RECORDS;
  const output = argument(args, '--out') ?? 'instructor-train.jsonl';
  const format = (argument(args, '--format') ?? 'fig5') as RecordFormat;
  if (format !== 'fig5' && format !== 'released')
    throw new LinguacodusError('bad_input', '--format must be fig5 or released.');
  const maxRank = argument(args, '--max-rank');
  const summary = await buildDataset(resolve(input), resolve(output), {
    format,
    maxRank: maxRank === undefined ? undefined : Number(maxRank),
  });
  console.log(
    `${summary.written} records written to ${summary.outPath} (${summary.skipped} of ${summary.read} skipped)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
