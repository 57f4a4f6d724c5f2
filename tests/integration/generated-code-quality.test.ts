// The code a thread hands over reads like a strong data scientist's (issue 19): for one suite task of every data
// type, the offline engine's script is at most 250 lines, black- and pyflakes-clean, and at least 90 % of its
// statements run when it runs on its own task's harness files in the real sandbox, in full mode (not the quick
// check), measured by Debian's python3-coverage. The vanilla control and one Improve step are held to the same.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { measureScript } from '../../bench/script-coverage.ts';
import { prepareHarness } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../../core/intake/index.ts';
import { OfflineCoder } from '../../core/offline/offline-coder.ts';
import { offlineImprovement } from '../../core/offline/offline-improve.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { vanillaInstruction } from '../../core/offline/vanilla-template.ts';
import type { DataProfile, Instruction, TaskSpec } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { prepareSuiteTask } from '../helpers/offline-task-runner.ts';

const MAX_LINES = 250;
const MIN_EXECUTED = 90;
const PYTHON = '/usr/bin/python3';

const coder = new OfflineCoder();
const instructor = new OfflineInstructor();
const sandbox = createSandbox({ driver: 'bwrap' });

interface Quality {
  lines: number;
  executed: number;
  black: string;
  pyflakes: string;
  submission: string | null;
}

/** Lines, the share of statements executed on the task's own files, black --check, pyflakes and the harness check. */
async function quality(task: TaskSpec, profile: DataProfile, code: string): Promise<Quality> {
  const black = spawnSync('black', ['--check', '--quiet', '--line-length', '120', '-'], {
    input: code,
    encoding: 'utf8',
  });
  const pyflakes = spawnSync(PYTHON, ['-m', 'pyflakes'], { input: code, encoding: 'utf8' });
  const harness = await prepareHarness(task, profile, DEFAULT_INTAKE_LIMITS);
  const measured = await measureScript(sandbox, harness.runFiles, code, { timeoutMs: 300_000 });
  if (measured.executed === null) throw new Error(`the script did not run to its end: ${measured.error}`);
  return {
    lines: measured.lines,
    executed: measured.executed,
    black: black.status === 0 ? 'clean' : `black would reformat (${black.stderr.trim()})`,
    pyflakes: pyflakes.status === 0 ? 'clean' : pyflakes.stdout.trim(),
    submission: harness.checkHoldoutSubmission(measured.submission),
  };
}

function expectReadable(q: Quality) {
  expect(q.lines).toBeLessThanOrEqual(MAX_LINES);
  expect(q.black).toBe('clean');
  expect(q.pyflakes).toBe('clean');
  expect(q.submission).toBeNull();
  expect(q.executed).toBeGreaterThanOrEqual(MIN_EXECUTED);
}

const script = (task: TaskSpec, profile: DataProfile, instruction: Instruction) =>
  coder.integrate({ task, profile, instruction, previous: [] });

/** One suite task of each data type, and which of its options (the quickest to run in full mode on 2 cores). */
const TASKS: { id: string; kind: string; option: number }[] = [
  { id: 'crab_age', kind: 'tabular regression', option: 1 },
  { id: 'titanic', kind: 'binary classification', option: 1 },
  { id: 'wine_quality', kind: 'multiclass classification', option: 3 },
  { id: 'sms_spam', kind: 'text', option: 1 },
  { id: 'min_temperature', kind: 'time series', option: 1 },
  { id: 'student_summaries', kind: 'multi-target text regression by group', option: 1 },
];

describe('the offline engine’s scripts: short, formatted, linted, every line alive', () => {
  for (const { id, kind, option } of TASKS) {
    it(`${id} (${kind}): option ${option}`, { timeout: 600_000 }, async () => {
      const { task, profile } = await prepareSuiteTask(id);
      const instruction = (await instructor.instructions(task, profile))[option - 1]!;
      expectReadable(await quality(task, profile, await script(task, profile, instruction)));
    });
  }

  for (const id of ['titanic', 'min_temperature']) {
    it(`${id}: the vanilla control and one Improve step`, { timeout: 600_000 }, async () => {
      const { task, profile } = await prepareSuiteTask(id);
      const vanilla = await script(task, profile, vanillaInstruction(task, profile));
      expectReadable(await quality(task, profile, vanilla));
      const [first] = await instructor.instructions(task, profile);
      const parent = await script(task, profile, first!);
      const step = offlineImprovement(parent, first!, task, profile);
      const improved = await script(task, profile, step.instruction);
      expect(step.change.length).toBeGreaterThan(0);
      expectReadable(await quality(task, profile, improved));
    });
  }
});
