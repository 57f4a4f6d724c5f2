// A proper scoring rule of a run's out-of-fold predictions against the training rows' labels (issue 23): log-loss
// for probabilities, mean squared error for numbers; lower is better. Auto breaks ties of the task metric with it
// (every AUC 1.0 on a rare class says nothing about which run is better; their log-loss does). Training rows only:
// the held-out rows are not in train.csv.
import { readFile } from 'node:fs/promises';
import { canonicalId, type Harness, positiveClass, predictionColumns, TRAIN_FILE } from '../harness/index.ts';
import { parseCsvBytes, type Table } from '../intake/index.ts';
import type { DataProfile, TaskSpec } from '../types.ts';

const EPS = 1e-7;

function table(bytes: Uint8Array, name: string): Table {
  return parseCsvBytes(bytes, name, {
    maxBytes: Math.max(bytes.length, 1),
    maxRows: 10_000_000,
    maxColumns: 10_000,
  });
}

/** Scores out-of-fold files of one task against its training labels; null when a file cannot be scored. */
export function oofProperScorer(
  task: TaskSpec,
  profile: DataProfile,
  harness: Pick<Harness, 'runFiles'>,
): (oofPath: string) => Promise<number | null> {
  const train = harness.runFiles.find((f) => f.path === TRAIN_FILE);
  if (!train) return async () => null;
  const trainTable = table(
    typeof train.content === 'string' ? Buffer.from(train.content) : train.content,
    TRAIN_FILE,
  );
  const idAt = trainTable.columns.indexOf(task.idColumn);
  const targetAt = task.targets.map((t) => trainTable.columns.indexOf(t));
  if (idAt < 0 || targetAt.some((i) => i < 0)) return async () => null;
  const truth = new Map<string, string[]>();
  for (const row of trainTable.rows) {
    truth.set(
      canonicalId(row[idAt] ?? ''),
      targetAt.map((i) => row[i] ?? ''),
    );
  }
  const type = profile.target.type;
  const columns = predictionColumns(task, profile).slice(1);
  const positive = positiveClass(profile);
  return async (oofPath) => {
    let oof: Table;
    try {
      oof = table(await readFile(oofPath), 'oof_predictions.csv');
    } catch {
      return null;
    }
    const oofId = oof.columns.indexOf(task.idColumn);
    const valueAt = columns.map((c) => oof.columns.indexOf(c));
    if (oofId < 0 || valueAt.some((i) => i < 0)) return null;
    let total = 0;
    let n = 0;
    for (const row of oof.rows) {
      const labels = truth.get(canonicalId(row[oofId] ?? ''));
      const values = valueAt.map((i) => Number(row[i]));
      if (!labels || values.some((v) => !Number.isFinite(v)) || row[valueAt[0]!] === '') continue;
      if (type === 'binary') {
        const p = Math.min(1 - EPS, Math.max(EPS, values[0]!));
        total += -Math.log(sameLabel(labels[0]!, positive ?? '') ? p : 1 - p);
      } else if (type === 'multiclass') {
        const k = columns.findIndex((c) => sameLabel(labels[0]!, c));
        if (k < 0) continue;
        const sum = values.reduce((a, v) => a + Math.max(v, EPS), 0);
        total += -Math.log(Math.max(values[k]!, EPS) / sum);
      } else {
        const errors = labels.map((l, j) => (Number(l) - values[j]!) ** 2);
        if (errors.some((e) => !Number.isFinite(e))) continue;
        total += errors.reduce((a, e) => a + e, 0) / errors.length;
      }
      n++;
    }
    return n > 0 ? total / n : null;
  };
}

function sameLabel(value: string, name: string): boolean {
  if (value === name) return true;
  const a = Number(value);
  const b = Number(name);
  return value.trim() !== '' && name.trim() !== '' && Number.isFinite(a) && a === b;
}
