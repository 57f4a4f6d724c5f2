// The offline engine's code on a deliberately messy table: time-zone dates, missing values, categories seen only in
// the held-out rows, a constant column, a leaking column to drop, yes/no booleans and string labels, for every
// ranked recipe, run as the product runs it (createCore(...).run(): the sandbox and the harness).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, splitHoldout } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { instructionForRecipe, OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { parseRecipe } from '../../core/offline/recipes.ts';
import type { TaskInput } from '../../core/types.ts';
import {
  expectValidAndBetter,
  type PreparedSuiteTask,
  solveWithOffline,
} from '../helpers/offline-task-runner.ts';

let dir = '';
let prepared: PreparedSuiteTask;

function messyCsv(rows: number): string {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines = ['ID,signup,city,plan,constant,income,age,leak,churned'];
  for (let i = 0; i < rows; i++) {
    const city = 'ABCDE'[Math.floor(random() * 5)] ?? 'A';
    const income = random() < 0.2 ? '' : (20 + random() * 80).toFixed(1);
    const age = Math.floor(18 + random() * 60);
    const plan = random() < 0.5 ? 'yes' : 'no';
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const offset = random() < 0.5 ? '+01:00' : '+02:00';
    const signup = random() < 0.1 ? '' : `2021-${month}-1${Math.floor(random() * 9)}T10:30:00${offset}`;
    const risk =
      (income === '' ? 0.5 : 1 - Number(income) / 100) + (city === 'A' ? 0.4 : 0) + (plan === 'no' ? 0.2 : 0);
    const churned = risk + random() * 0.5 > 1.0 ? 'leave' : 'stay';
    lines.push([i + 1, signup, city, plan, 'x', income, age, churned === 'leave' ? 1 : 0, churned].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A city only the held-out rows have: the generated code meets it first in test.csv. */
const UNSEEN_CITY = 'Z';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-offline-messy-'));
  const file = join(dir, 'customers.csv');
  await writeFile(file, messyCsv(900));
  const input: TaskInput = {
    text: 'Predict whether a customer churned (leave or stay). F1 score.',
    files: [file],
    overrides: { target: 'churned', metric: 'f1', idColumn: 'ID', drop: ['leak'] },
  };
  // The split depends on the ids and the target, not on the city: ten rows the harness holds out get a city that
  // appears nowhere else.
  const first = await intakeTask(input, DEFAULT_INTAKE_LIMITS);
  const heldOut = new Set(
    splitHoldout(first.table, first.spec, first.profile)
      .labels.rows.slice(0, 10)
      .map((row) => row[0]),
  );
  const lines = (await readFile(file, 'utf8')).split('\n');
  const rewritten = lines.map((line, i) => {
    const cells = line.split(',');
    if (i === 0 || !heldOut.has(cells[0] ?? '')) return line;
    cells[2] = UNSEEN_CITY;
    return cells.join(',');
  });
  await writeFile(file, rewritten.join('\n'));
  const { spec, profile, table } = await intakeTask(input, DEFAULT_INTAKE_LIMITS);
  prepared = { task: spec, profile, table };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('offline code on messy data', () => {
  it.each([1, 2, 3])(
    'option %i runs, handles unseen categories and beats the majority on F1',
    { timeout: 120_000 },
    async (rank) => {
      const instruction = (await new OfflineInstructor().instructions(prepared.task, prepared.profile))[
        rank - 1
      ];
      if (!instruction) throw new Error('no instruction');
      const split = splitHoldout(prepared.table, prepared.task, prepared.profile);
      // Categories never seen in training arrive in the test file.
      const city = split.test.columns.indexOf('city');
      expect(split.test.rows.filter((row) => row[city] === UNSEEN_CITY)).toHaveLength(10);
      expect(split.train.rows.some((row) => row[city] === UNSEEN_CITY)).toBe(false);
      expect(formatCsv(split.test)).not.toContain('leak');
      const solved = await solveWithOffline(prepared, instruction, { quick: true });
      // The harness gave the script those rows.
      expect(formatCsv(solved.run.test)).toBe(formatCsv(split.test));
      expectValidAndBetter(prepared, solved);
      // The constant column is named among the dropped ones and is no feature.
      expect(solved.result.code).toMatch(/# Step: Drop id and unused columns[^\n]*`constant`/);
      expect(solved.result.code).not.toMatch(/^(NUMERIC|CATEGORICAL) = .*"constant"/m);
      const labels = new Set(solved.run.submission?.rows.map((r) => r[1]));
      expect([...labels].every((l) => l === 'leave' || l === 'stay')).toBe(true);
    },
  );

  it('a blend of boosting and a linear model averages both and beats the majority', {
    timeout: 120_000,
  }, async () => {
    const recipe = parseRecipe({
      id: 'blend',
      params: {
        parts: [
          { id: 'gbdt', params: {} },
          { id: 'linear', params: {} },
        ],
        weights: [0.6, 0.4],
      },
    });
    const instruction = instructionForRecipe(prepared.task, prepared.profile, recipe, 0);
    expect(instruction.modelArchitecture[0]).toMatch(
      /^Blend 2 models, averaging their predictions with weights 0\.60 \/ 0\.40/,
    );
    const solved = await solveWithOffline(prepared, instruction, { quick: true });
    expectValidAndBetter(prepared, solved);
    expect(solved.result.code).toContain('weights = {"xgboost": 0.6, "logistic": 0.4}');
  });
});
