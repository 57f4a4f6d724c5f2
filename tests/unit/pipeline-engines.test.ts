import { describe, expect, it } from 'vitest';
import { parseSolveArgs, solveJson } from '../../core/cli/solve-cli.ts';
import { createEngines } from '../../core/pipeline/engines.ts';
import { chosenInstruction } from '../../core/pipeline/run-plan.ts';
import type { Instruction, Plan, RunResult } from '../../core/types.ts';

const endpoint = {
  baseURL: 'http://127.0.0.1:9/v1',
  model: 'some-model',
  apiKey: 'k',
  api: 'chat' as const,
  timeoutMs: 1000,
  maxTokens: 100,
};

describe('engines per role', () => {
  it('runs every role offline when no endpoint is configured', () => {
    const engines = createEngines({});
    expect(engines.names).toEqual({ instructor: 'offline', critic: 'offline', coder: 'offline' });
    expect([engines.instructor.kind, engines.critic.kind, engines.coder.kind]).toEqual([
      'offline',
      'offline',
      'offline',
    ]);
  });

  it('uses a model only for the roles that have an endpoint', () => {
    const engines = createEngines({ instructor: endpoint, coder: endpoint });
    expect(engines.names).toEqual({ instructor: 'llm', critic: 'offline', coder: 'llm' });
    expect(engines.critic.kind).toBe('offline');
    expect(engines.coder.kind).toBe('llm');
  });
});

const instruction = (rank: number, title: string): Instruction => ({
  rank,
  title,
  dataPreprocessing: ['Impute.'],
  modelArchitecture: ['Trees.'],
  modelTraining: ['CV.'],
  submission: ['Write it.'],
  recipe: null,
});

const plan = {
  id: 'p1',
  task: { targets: ['y'] },
  instructions: [instruction(1, 'one'), instruction(2, 'two'), instruction(3, 'three')],
  critique: 'Option 2 is best.',
  resolver: { chose: 2, instruction: instruction(0, 'two, improved'), rationale: 'r', evidence: [] },
  engines: { instructor: 'llm', critic: 'offline', coder: 'offline' },
} as unknown as Plan;

describe('solve command arguments and output', () => {
  it('parses the documented flags, with the resolver as the default choice', () => {
    expect(parseSolveArgs(['solve', '--data', 'a.csv', '--metric', 'roc auc', '--json'])).toEqual({
      data: 'a.csv',
      test: undefined,
      task: undefined,
      metric: 'roc auc',
      target: undefined,
      choice: 'resolver',
      out: undefined,
      json: true,
      auto: false,
      budgetS: 600,
    });
    expect(parseSolveArgs(['--data', 'a.csv', '--test', 'b.csv', '--choice', '3', '--out', 'o']).choice).toBe(
      '3',
    );
    expect(parseSolveArgs(['--data', 'a.csv', '--auto', '--budget-s', '90'])).toMatchObject({
      auto: true,
      budgetS: 90,
    });
  });

  it('refuses a missing --data, an unknown flag or choice with a message naming it', () => {
    expect(() => parseSolveArgs(['--task', 'x'])).toThrow(/--data TRAIN.csv is required/);
    expect(() => parseSolveArgs(['--data', 'a.csv', '--colour', 'red'])).toThrow(/--colour/);
    expect(() => parseSolveArgs(['--data', 'a.csv', '--choice', '5'])).toThrow(/1, 2, 3 or resolver/);
  });

  it('names the instruction each choice runs', () => {
    expect(chosenInstruction(plan, '1').title).toBe('one');
    expect(chosenInstruction(plan, '3').title).toBe('three');
    expect(chosenInstruction(plan, 'resolver').title).toBe('two, improved');
  });

  it('builds the --json object with "mixed" when roles use different engines', () => {
    const result = {
      choice: 'resolver',
      ok: true,
      attempts: [{}, {}],
      metric: 'rmse',
      score: 1.5,
      higherIsBetter: false,
      artifacts: { code: '/o/code.py', submission: '/o/submission.csv' },
      durationMs: 1234,
    } as unknown as RunResult;
    const json = solveJson(plan.task, plan, result);
    expect(json.plan.engine).toBe('mixed');
    expect(json.plan.resolver).toMatchObject({ choice: 2, critique: 'Option 2 is best.' });
    expect(json.plan.resolver.text).toContain('two, improved');
    expect(json.plan.instructions[1]).toMatchObject({ rank: 2, title: 'two' });
    expect(json.run).toEqual({
      choice: 'resolver',
      ok: true,
      attempts: 2,
      metric: 'rmse',
      score: 1.5,
      higher_is_better: false,
      code_path: '/o/code.py',
      submission_path: '/o/submission.csv',
      duration_ms: 1234,
      notes: [],
    });
    // A plan or result stored before usage was recorded reports zero calls rather than failing.
    expect(json.usage.run.total.calls).toBe(0);
  });
});
