// `linguacodus intake` in process: the spec in snake_case JSON with every field's reason (exit 0), the question with
// the ranked columns when the target cannot be told (exit 2), one line for an error (exit 1).
import { describe, expect, it } from 'vitest';
import { INTAKE_EXIT, runIntakeCli, runSolveCli } from '../../core/cli/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../../core/intake/index.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { suiteFile } from '../helpers/datasets.ts';

async function intake(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runIntakeCli(argv, {
    limits: DEFAULT_INTAKE_LIMITS,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

const CRAB = suiteFile('crab_age', 'CrabAgePrediction.csv');
const TITANIC = suiteFile('titanic', 'train.csv');

describe('linguacodus intake', () => {
  it('prints the task spec as one JSON object, in snake_case, with the reasons', async () => {
    const { code, stdout } = await intake([
      'intake',
      '--data',
      CRAB,
      '--task',
      "I'd like to predict how old a crab is from its measurements. Lower mean absolute error is better.",
      '--json',
    ]);
    expect(code).toBe(INTAKE_EXIT.understood);
    const spec = JSON.parse(stdout);
    expect(spec).toMatchObject({
      target: ['Age'],
      id_column: 'row_id',
      id_added: true,
      data_type: 'tabular',
      metric: 'mae',
      higher_is_better: false,
      split: { kind: 'random', test_fraction: 0.25, column: null, seed: 42 },
      rows: 3893,
    });
    expect(spec.reasons.target).toBe(
      'The target is `Age`: “how old” asks for an age; it holds numbers, as MAE needs.',
    );
    expect(Object.keys(spec.reasons)).toEqual(
      expect.arrayContaining(['target', 'id_column', 'metric', 'split', 'features']),
    );
  });

  it('prints a readable report without --json; flags win over the text', async () => {
    const { code, stdout } = await intake([
      '--data',
      TITANIC,
      '--task',
      'predict survival',
      '--metric',
      'f1',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'target:    Survived\n    The target is `Survived`: “survival” is a form of its name',
    );
    expect(stdout).toContain('metric:    f1 (higher is better)');
    expect(stdout).toContain('id column: PassengerId');
  });

  it('exits 2 with the question and the ranked candidates when it cannot tell', async () => {
    const text = await intake(['--data', TITANIC, '--task', 'Here is the passenger list.']);
    expect(text.code).toBe(INTAKE_EXIT.question);
    expect(text.stdout).toMatch(/^Which column should I predict\? Likely:\n {2}1\. /);
    const json = await intake(['--data', TITANIC, '--task', 'Here is the passenger list.', '--json']);
    expect(json.code).toBe(2);
    const question = JSON.parse(json.stdout);
    expect(question.candidates.length).toBeLessThanOrEqual(5);
    expect(question.candidates.map((c: { column: string }) => c.column)).toContain('Survived');
    expect(question.columns).toContain('PassengerId');
  });

  it('an error is one line on stderr and exit 1', async () => {
    const unknown = await intake(['--data', CRAB, '--task', 'how old? metric: wobbliness']);
    expect(unknown.code).toBe(INTAKE_EXIT.failed);
    expect(unknown.stderr).toMatch(
      /^linguacodus intake: I don't know the metric "wobbliness"\. Known metrics: .+\n$/,
    );
    const usage = await intake(['--task', 'x']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('--data TRAIN.csv is required');
  });

  it('solve exits 2 with the same question when it cannot tell, before planning or running anything', async () => {
    let stdout = '';
    let stderr = '';
    const solve = (argv: string[]) =>
      runSolveCli(argv, {
        sandbox: createSandbox({ driver: 'bwrap' }),
        roles: {},
        limits: {
          ...DEFAULT_INTAKE_LIMITS,
          maxRepairs: 0,
          sandbox: { timeoutMs: 1000 },
          evidenceTimeoutMs: 1000,
        },
        workRoot: '/nonexistent-never-written',
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
      });
    expect(await solve(['--data', TITANIC, '--task', 'Here is the passenger list.'])).toBe(
      INTAKE_EXIT.question,
    );
    expect(stdout).toMatch(/^Which column should I predict\? Likely:\n {2}1\. /);
    expect(stderr).toBe('');
    stdout = '';
    expect(await solve(['--data', TITANIC, '--task', 'Here is the passenger list.', '--json'])).toBe(2);
    expect(JSON.parse(stdout).candidates.map((c: { column: string }) => c.column)).toContain('Survived');
    // Any other error is one line and exit 1, as intake's.
    expect(await solve(['--data', CRAB, '--task', 'how old? metric: wobbliness'])).toBe(INTAKE_EXIT.failed);
    expect(stderr).toMatch(/^linguacodus solve: I don't know the metric "wobbliness"/);
  });
});
