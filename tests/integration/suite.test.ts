// The public task suite: its file parses, and every task reads, profiles, splits and gets a baseline on the real data.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite, type SuiteTask, suiteTaskInput } from '../../bench/suite.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { baselineScore, METRICS, splitHoldout } from '../../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';

const suite = await loadSuite();

describe('loadSuite', () => {
  it('reads the 16 tasks with absolute paths', () => {
    expect(suite.tasks).toHaveLength(16);
    for (const task of suite.tasks) {
      expect(task.file.startsWith('/')).toBe(true);
      for (const extra of task.extraFiles) expect(extra.startsWith('/')).toBe(true);
    }
    const summaries = suite.tasks.find((t) => t.id === 'student_summaries')!;
    expect(summaries.targets).toEqual(['content', 'wording']);
    expect(summaries.extraFiles[0]).toMatch(/commonlit_summaries\/prompts_train\.csv$/);
  });

  it('maps a task onto a TaskInput with its stated fields as overrides', () => {
    const ames = suite.tasks.find((t) => t.id === 'ames_housing')!;
    expect(suiteTaskInput(ames)).toEqual({
      text: ames.description,
      files: [ames.file],
      overrides: {
        metric: 'rmsle',
        target: 'SalePrice',
        idColumn: 'Order',
        dataType: 'tabular',
        drop: ['PID'],
        extraFiles: [],
        split: { kind: 'random', testFraction: 0.25 },
      },
    });
  });

  it('refuses a suite file that breaks the schema, saying where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-suite-'));
    try {
      await writeFile(join(dir, 'suite.json'), JSON.stringify({ tasks: [{ id: 'x', file: 'a.csv' }] }));
      const error = await loadSuite(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LinguacodusError);
      expect((error as Error).message).toMatch(/suite\.json is not valid: tasks\.0\./);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(suite.tasks.map((t): [string, SuiteTask] => [t.id, t]))('suite task %s', (_id, task) => {
  it('intakes, splits and gets a baseline', async () => {
    const { spec, profile, table } = await intakeTask(suiteTaskInput(task), DEFAULT_INTAKE_LIMITS);
    expect(spec.metric).toBe(task.metric);
    expect(spec.targets).toEqual(task.targets);
    expect(spec.dataType).toBe(task.dataType);
    if (task.idColumn) expect(spec.idColumn).toBe(task.idColumn);
    expect(profile.rows).toBe(table.rows.length);

    const split = splitHoldout(table, spec, profile);
    for (const hidden of [...task.targets, ...task.drop]) expect(split.test.columns).not.toContain(hidden);
    const fraction = split.test.rows.length / (split.train.rows.length + split.test.rows.length);
    expect(Math.abs(fraction - task.split.testFraction)).toBeLessThan(0.1);
    const baseline = baselineScore(split.train, split.labels, spec, profile);
    expect(Number.isFinite(baseline.score)).toBe(true);
    expect(METRICS[spec.metric].name).toBe(task.metric);
  });
});

describe('inference on the suite descriptions alone', () => {
  // Each of these descriptions names its target in words; intake must find the same target and metric as the suite.
  const named = [
    'heat_flux',
    'machine_failure',
    'air_quality',
    'student_summaries',
    'california_housing',
    'crab_age',
    'bank_churn',
    'paris_housing',
    'titanic',
    'adult_income',
    'wine_quality',
    'ames_housing',
    'sms_spam',
    'min_temperature',
  ];
  it.each(named)('%s', async (id) => {
    const task = suite.tasks.find((t) => t.id === id)!;
    const { spec } = await intakeTask(
      { text: task.description, files: [task.file, ...task.extraFiles] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(spec.targets).toEqual(task.targets);
    expect(spec.metric).toBe(task.metric);
    expect(spec.dataType).toBe(task.dataType);
    expect(spec.inferred.length).toBeGreaterThan(0);
  });
});
