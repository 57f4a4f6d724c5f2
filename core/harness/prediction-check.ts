// Checks a script's prediction files (out-of-fold on the training rows, and for the test rows) against the
// contract's layout and the rows they must cover, so a blend never reads garbage. A bad file is a note, not a failure.

import { LinguacodusError } from '../errors.ts';
import { parseCsvBytes, type Table } from '../intake/index.ts';
import type { DataProfile, TaskSpec } from '../types.ts';
import { predictionColumns } from './harness-contract.ts';
import { canonicalId } from './submission-check.ts';

export interface PredictionCheckOptions {
  /** The file's name, for the message. */
  file: string;
  /**
   * Out-of-fold files may leave rows empty (a time-ordered split never validates its first rows) and may cover a
   * subset of the ids; at least this share of the expected rows must hold scores. Test files: every row, no gaps.
   */
  minCoverage?: number;
}

function parse(bytes: Uint8Array, file: string, expectedRows: number): Table {
  return parseCsvBytes(bytes, file, {
    maxBytes: Math.max(bytes.length, 1),
    maxRows: Math.max(expectedRows * 2, 1000),
    maxColumns: 10_000,
  });
}

/** The problem with a prediction file in words, or null when it fits the contract and covers the rows it must. */
export function checkPredictions(
  bytes: Uint8Array | null,
  expectedIds: string[],
  task: TaskSpec,
  profile: DataProfile,
  options: PredictionCheckOptions,
): string | null {
  const { file } = options;
  if (!bytes) return `the script did not write ${file}`;
  let table: Table;
  try {
    table = parse(bytes, file, expectedIds.length);
  } catch (error) {
    if (error instanceof LinguacodusError) return `${file}: ${error.userMessage}`;
    throw error;
  }
  const columns = predictionColumns(task, profile);
  const indexes = columns.map((c) => table.columns.indexOf(c));
  const missing = columns.filter((_, k) => indexes[k] === -1);
  if (missing.length > 0) {
    return `${file} lacks the column(s) ${missing.map((c) => `\`${c}\``).join(', ')} (it has ${table.columns
      .slice(0, 12)
      .map((c) => `\`${c}\``)
      .join(', ')})`;
  }
  const expected = new Set(expectedIds.map(canonicalId));
  const seen = new Set<string>();
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  const gapsAllowed = options.minCoverage !== undefined;
  let scored = 0;
  for (const [r, row] of table.rows.entries()) {
    const id = canonicalId(row[indexes[0]!] ?? '');
    if (!expected.has(id))
      return `${file} row ${r + 2} has the id ${JSON.stringify(id)}, which is not a row it predicts for`;
    if (seen.has(id)) return `${file} has the id ${JSON.stringify(id)} twice`;
    seen.add(id);
    const cells = indexes.slice(1).map((i) => row[i!] ?? null);
    if (cells.every((c) => c === null || c.trim() === '') && gapsAllowed) continue;
    for (const cell of cells) {
      const value = cell === null ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) return `${file} row ${r + 2} holds ${JSON.stringify(cell)}, not a number`;
      if (classification && (value < -1e-6 || value > 1 + 1e-6)) {
        return `${file} row ${r + 2} holds ${value}, not a probability`;
      }
    }
    scored++;
  }
  if (!gapsAllowed) {
    const absent = expectedIds.length - seen.size;
    if (absent > 0) return `${file} lacks ${absent} of the ${expectedIds.length} rows it must predict for`;
    return null;
  }
  const share = scored / Math.max(1, expectedIds.length);
  if (share < (options.minCoverage ?? 0)) {
    return `${file} holds scores for ${scored} of ${expectedIds.length} rows (${Math.round(share * 100)}%)`;
  }
  return null;
}
