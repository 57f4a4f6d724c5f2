// Test support for the core's run kinds (options, vanilla, improve, blend): a suite task's offline plan and a core
// over the product's bwrap sandbox, quick mode optional, with every run folder under one temporary work root.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { predictionColumns, QUICK_ENV } from '../../core/harness/index.ts';
import { type Core, createCore } from '../../core/index.ts';
import { DEFAULT_INTAKE_LIMITS, parseCsvBytes } from '../../core/intake/index.ts';
import { OfflineInstructor } from '../../core/offline/offline-instructor.ts';
import { type Plan, planSchema, type RunResult, runResultSchema } from '../../core/types.ts';
import { createSandbox, type Sandbox } from '../../sandbox/index.ts';
import { prepareSuiteTask } from './offline-task-runner.ts';

/** The bwrap sandbox; `quick` gives every script LC_QUICK=1 (3 folds, a sample, fewer trees). */
export function quickSandbox(quick: boolean): Sandbox {
  const sandbox = createSandbox({ driver: 'bwrap' });
  return {
    driver: sandbox.driver,
    execute: (job) => sandbox.execute(quick ? { ...job, env: { ...job.env, [QUICK_ENV]: '1' } } : job),
  };
}

export interface CoreFixture {
  core: Core;
  plan: Plan;
  workRoot: string;
  /** A fresh run folder under the work root. */
  dir(name: string): string;
  close(): Promise<void>;
}

/** The offline engine's three ranked options for a suite task as a plan (resolver: option 1), and a core to run it. */
export async function coreFixture(taskId: string, options: { quick: boolean }): Promise<CoreFixture> {
  const prepared = await prepareSuiteTask(taskId);
  const instructions = await new OfflineInstructor().instructions(prepared.task, prepared.profile);
  const first = instructions[0];
  if (!first) throw new Error('no instruction');
  const plan = planSchema.parse({
    id: randomUUID(),
    task: prepared.task,
    profile: prepared.profile,
    instructions,
    critique: '',
    resolver: { chose: 1, instruction: { ...first, rank: 0 }, rationale: 'option 1', evidence: [] },
    engines: { instructor: 'offline', critic: 'offline', coder: 'offline' },
    createdAt: new Date().toISOString(),
    durationMs: 0,
  });
  const workRoot = await mkdtemp(join(tmpdir(), 'lc-core-'));
  const core = createCore({
    sandbox: quickSandbox(options.quick),
    roles: {},
    limits: {
      ...DEFAULT_INTAKE_LIMITS,
      maxRepairs: 1,
      sandbox: { timeoutMs: 240_000 },
      evidenceTimeoutMs: 0,
    },
    workRoot,
  });
  let n = 0;
  return {
    core,
    plan,
    workRoot,
    dir: (name) => join(workRoot, `${++n}-${name}`),
    close: () => rm(workRoot, { recursive: true, force: true }),
  };
}

/** The run kept valid prediction files, its importance chart beside the holdout chart, and result.json. */
export async function expectPredictionFiles(fixture: CoreFixture, result: RunResult): Promise<void> {
  const { task, profile } = fixture.plan;
  expect(result.ok, result.error ?? '').toBe(true);
  const log = await readFile(result.artifacts.log!, 'utf8');
  expect(log).toContain('prediction files kept for blending');
  expect(result.attempts.at(-1)?.stdoutTail).toMatch(/fold 3 of 3/);
  for (const path of [result.artifacts.oofPredictions, result.artifacts.testPredictions]) {
    expect(path).toBeTruthy();
    const table = parseCsvBytes(await readFile(path!), 'predictions.csv', DEFAULT_INTAKE_LIMITS);
    expect(table.columns).toEqual(predictionColumns(task, profile));
    const values = table.rows.flatMap((row) => row.slice(1)).filter((v) => v !== null && v !== '');
    expect(values.length).toBeGreaterThan(0);
    if (profile.target.type === 'binary' || profile.target.type === 'multiclass') {
      expect(values.every((v) => Number(v) >= 0 && Number(v) <= 1)).toBe(true);
    }
  }
  expect(result.artifacts.importanceChart).toMatch(/importance\.png$/);
  expect(result.artifacts.chart).toMatch(/chart\.png$/);
  const saved = runResultSchema.parse(JSON.parse(await readFile(result.artifacts.result!, 'utf8')));
  expect(saved.score).toBe(result.score);
}
