// Every variant of the Python the product writes or runs, linted with pyflakes: the offline engine's script for each
// ranked option, resolver choice and repair of every suite task (tabular, text and time series; every target type)
// and of the unit fixtures, the harness's chart and the bench's linear baseline. ast.parse lets an undefined name
// through; pyflakes does not.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearBaselineFiles } from '../../bench/linear-baseline.ts';
import { loadSuite, suiteTaskInput } from '../../bench/suite.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { OfflineCoder, recipeOfScript } from '../../core/offline/offline-coder.ts';
import { OfflineCritic } from '../../core/offline/offline-critic.ts';
import { offlineImprovement } from '../../core/offline/offline-improve.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { vanillaInstruction } from '../../core/offline/vanilla-template.ts';
import { blendScript } from '../../core/pipeline/blend-runs.ts';
import type { DataProfile, Evidence, Instruction, TaskSpec } from '../../core/types.ts';
import {
  bankChurn,
  cardFraud,
  housing,
  minTemperature,
  smsSpam,
  studentSummaries,
  wine,
} from '../helpers/offline-profiles.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const REPO = join(import.meta.dirname, '..', '..');
/** Metrics beside each suite task's own, so labels, probabilities and other regression losses are all written. */
const EXTRA_METRICS: Record<string, TaskSpec['metric'][]> = {
  titanic: ['f1', 'roc-auc'],
  wine_quality: ['log-loss', 'f1-macro'],
  crab_age: ['rmsle', 'r2'],
};
/** Errors that make the offline coder's repair take each of its paths: lighter, lighter again, hgb, regenerate, safer. */
const FAILURES = [
  'MemoryError',
  'Killed: out of memory',
  'xgboost.core.XGBoostError: fit failed',
  'submission.csv lacks the column `Survived`.',
  'Traceback (most recent call last):\nValueError: could not convert string to float',
];

interface Variant {
  name: string;
  code: string;
  dataType?: string;
  targetType?: string;
  recipe?: string;
}

// Unformatted: pyflakes reads the same code either way, and black for hundreds of variants would take minutes
// (generated-code-quality.test.ts checks the formatted scripts).
const coder = new OfflineCoder({ format: false });
const critic = new OfflineCritic();
const instructor = new OfflineInstructor();

const script = (task: TaskSpec, profile: DataProfile, instruction: Instruction) =>
  coder.integrate({ task, profile, instruction, previous: [] });

/** Evidence where option `best` wins clearly, where two options tie (a blend), and none at all. */
function evidencePatterns(instructions: Instruction[]): Evidence[][] {
  const scored = (scores: number[]) =>
    scores.map((cvScore, i) => ({ rank: i + 1, title: instructions[i]?.title ?? '', cvScore, seconds: 1 }));
  return [
    scored([0.9, 0.5, 0.4]),
    scored([0.4, 0.9, 0.5]),
    scored([0.4, 0.5, 0.9]),
    scored([0.9, 0.899, 0.4]),
    scored([0.501, 0.502, 0.503]),
    [],
  ];
}

async function offlineVariants(label: string, task: TaskSpec, profile: DataProfile): Promise<Variant[]> {
  const out: Variant[] = [];
  const add = (name: string, code: string) =>
    out.push({
      name: `${label}--${name}`,
      code,
      dataType: task.dataType,
      targetType: profile.target.type,
      recipe: JSON.stringify(recipeOfScript(code)),
    });
  const instructions = await instructor.instructions(task, profile);
  for (const instruction of instructions)
    add(`rank${instruction.rank}`, await script(task, profile, instruction));
  for (const [k, evidence] of evidencePatterns(instructions).entries()) {
    const input = { task, profile, instructions, evidence };
    const decision = await critic.resolve({ ...input, critique: await critic.critique(input) });
    add(`resolver${k}`, await script(task, profile, decision.instruction));
  }
  // The vanilla control, and two Improve steps from rank 1 (each from the last, as a chain of improvements is).
  const vanilla = vanillaInstruction(task, profile);
  add('vanilla', await script(task, profile, vanilla));
  add(
    'vanilla-improved',
    await script(task, profile, offlineImprovement('', vanilla, task, profile).instruction),
  );
  let parentCode = await script(task, profile, instructions[0]!);
  let parentInstruction = instructions[0]!;
  for (const k of [1, 2]) {
    const step = offlineImprovement(parentCode, parentInstruction, task, profile);
    parentCode = await script(task, profile, step.instruction);
    parentInstruction = step.instruction;
    add(`improve${k}`, parentCode);
  }
  const context = { task, profile, instruction: instructions[0]!, previous: [] };
  let code = await script(task, profile, instructions[0]!);
  for (const [k, failure] of FAILURES.entries()) {
    // Each repair starts from the last one, as the repair loop does, so every fallback is reached.
    code = await coder.repair(code, failure, context);
    add(`repair${k}`, code);
  }
  return out;
}

async function allVariants(): Promise<Variant[]> {
  const variants: Variant[] = [];
  for (const [label, fixture] of Object.entries({
    bankChurn: bankChurn(),
    housing: housing(600),
    smsSpam: smsSpam(),
    minTemperature: minTemperature(),
    wineLogLoss: wine('log-loss'),
    cardFraud: cardFraud(),
    studentSummaries: studentSummaries(),
  })) {
    variants.push(...(await offlineVariants(`fixture-${label}`, fixture.task, fixture.profile)));
  }
  const suite = await loadSuite();
  for (const entry of suite.tasks) {
    for (const metric of [entry.metric, ...(EXTRA_METRICS[entry.id] ?? [])]) {
      const input = suiteTaskInput(entry);
      const { spec, profile } = await intakeTask(
        { ...input, overrides: { ...input.overrides, metric } },
        DEFAULT_INTAKE_LIMITS,
      );
      variants.push(...(await offlineVariants(`${entry.id}-${metric}`, spec, profile)));
      const [linear] = linearBaselineFiles(spec, profile);
      variants.push({ name: `${entry.id}-${metric}--linear-baseline`, code: String(linear?.content) });
    }
  }
  // The Python the harness, the notebook runner and the bench run as they are.
  variants.push({ name: 'blend', code: blendScript() });
  for (const file of [
    'core/harness/holdout-chart.py',
    'core/pipeline/notebook-runner.py',
    'bench/strong-panel.py',
    'bench/linear_features.py',
  ]) {
    variants.push({ name: file.replace(/[/.]/g, '-'), code: await readFile(join(REPO, file), 'utf8') });
  }
  return variants;
}

/** pyflakes' messages for the files (one "path:line:col: message" per line); empty when all are clean. */
async function pyflakes(files: string[]): Promise<string[]> {
  try {
    await run(PYTHON, ['-m', 'pyflakes', ...files], { maxBuffer: 64 * 1024 * 1024 });
    return [];
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    if (/No module named pyflakes/.test(e.stderr ?? '')) {
      throw new Error('pyflakes is missing: apt-get install python3-pyflakes (npm test sets it up)');
    }
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter(Boolean);
  }
}

let dir = '';
let variants: Variant[] = [];
let files: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-pyflakes-'));
  variants = await allVariants();
  // Many options render the same script (a tie resolved like a clear win, a repair that changes nothing): lint each once.
  const distinct = [...new Map(variants.map((v) => [v.code, v])).values()];
  files = await Promise.all(
    distinct.map(async (v, i) => {
      const file = join(dir, `${String(i).padStart(4, '0')}-${v.name}.py`);
      await writeFile(file, v.code);
      return file;
    }),
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generated Python', () => {
  it('covers every data type, target type, recipe and fallback the offline engine writes', () => {
    const offline = variants.filter((v) => v.recipe !== undefined);
    expect(new Set(offline.map((v) => v.dataType))).toEqual(new Set(['tabular', 'text', 'time series']));
    expect(new Set(offline.map((v) => v.targetType))).toEqual(
      new Set(['regression', 'binary', 'multiclass', 'multi-regression']),
    );
    const recipes = offline.map((v) => v.recipe ?? '');
    for (const id of ['gbdt', 'random-forest', 'linear', 'tfidf-linear', 'blend']) {
      expect(recipes.some((r) => r.includes(`"id":"${id}"`))).toBe(true);
    }
    for (const param of ['"light":true', '"engine":"hgb"', '"timeSeries":true', '"textSvd":64']) {
      expect(recipes.some((r) => r.includes(param))).toBe(true);
    }
    expect(variants.some((v) => v.name.endsWith('--linear-baseline'))).toBe(true);
    expect(variants.some((v) => v.name === 'core-harness-holdout-chart-py')).toBe(true);
  });

  it('parses and has no undefined names, unused imports or other pyflakes findings in any variant', {
    timeout: 180_000,
  }, async () => {
    // Two pyflakes processes, one per core of the machine the tests are sized for.
    const half = Math.ceil(files.length / 2);
    const found = await Promise.all([pyflakes(files.slice(0, half)), pyflakes(files.slice(half))]);
    expect(found.flat()).toEqual([]);
  });

  it('fails a variant that uses an undefined name', { timeout: 60_000 }, async () => {
    const broken = join(dir, 'broken.py');
    await writeFile(broken, `${variants[0]?.code}\nprint(name_defined_nowhere)\n`);
    expect((await pyflakes([broken])).join('\n')).toMatch(/undefined name 'name_defined_nowhere'/);
  });
});
