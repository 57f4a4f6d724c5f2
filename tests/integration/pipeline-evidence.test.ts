import { describe, expect, it } from 'vitest';
import type { CoderEngine } from '../../core/engine.ts';
import { gatherEvidence } from '../../core/pipeline/gather-evidence.ts';
import type { Instruction } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { taskFixture } from '../helpers/task-fixture.ts';

const sandbox = createSandbox({ driver: 'bwrap' });

const task = taskFixture({
  description: 'Predict y.',
  metric: 'rmse',
  targets: ['y'],
  trainFile: '/nowhere/train.csv',
  split: { kind: 'random', testFraction: 0.25, seed: 42 },
});
const profile = { rows: 3, columns: [], target: { names: ['y'], type: 'regression' as const } };
const option = (rank: number, title: string): Instruction => ({
  rank,
  title,
  dataPreprocessing: [],
  modelArchitecture: [],
  modelTraining: [],
  submission: [],
  recipe: null,
});

/** Writes, for each option, the script named by its title; records the environment it was run in. */
const SCRIPTS: Record<string, string> = {
  scores: [
    'import json, os',
    'assert os.environ.get("LC_QUICK") == "1", "not a quick run"',
    'import pandas as pd',
    'train = pd.read_csv("train.csv")',
    'json.dump({"metric": "rmse", "cv_score": float(train["y"].std())}, open("cv_score.json", "w"))',
  ].join('\n'),
  crashes: 'import pandas as pd\ntrain = pd.read_csv("train.csv")\nprint(train["nope"])',
  silent: 'print("no score written")',
  sleeps: 'import time\ntime.sleep(60)',
};
const coder: CoderEngine = {
  kind: 'offline',
  writeStage: async (stage, context) =>
    stage === 'preprocessing' ? SCRIPTS[context.instruction.title]! : '',
  integrate: async (context) => context.previous.map((p) => p.code).join('\n'),
  repair: async (code) => code,
};

describe('evidence for the resolver', () => {
  it('runs each option quickly and reports its own cv score, or what went wrong, in one line', async () => {
    const evidence = await gatherEvidence({
      sandbox,
      coder,
      task,
      profile,
      instructions: [option(1, 'scores'), option(2, 'crashes'), option(3, 'silent')],
      files: [
        { path: 'train.csv', content: 'id,x,y\n1,1,2\n2,2,4\n3,3,6\n' },
        { path: 'test.csv', content: 'id,x\n1,1\n' },
      ],
      timeoutMs: 60_000,
    });
    expect(evidence.map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(evidence[0]?.cvScore).toBeCloseTo(2, 9);
    expect(evidence[0]?.error).toBeUndefined();
    expect(evidence[1]?.cvScore).toBeNull();
    expect(evidence[1]?.error).toMatch(
      /^The script failed with exit code 1\. Error: KeyError: 'nope' Failing line 3/,
    );
    expect(evidence[1]?.error).not.toContain('\n');
    expect(evidence[2]?.error).toBe('the script wrote no cv_score.json');
  });

  it('runs the options at once: three stuck options take one time box, not three', async () => {
    const started = Date.now();
    const evidence = await gatherEvidence({
      sandbox,
      coder,
      task,
      profile,
      instructions: [option(1, 'sleeps'), option(2, 'sleeps'), option(3, 'sleeps')],
      files: [],
      timeoutMs: 3000,
    });
    expect(evidence.map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(evidence.every((e) => e.cvScore === null && /time (box|limit)/.test(e.error ?? ''))).toBe(true);
    expect(Date.now() - started).toBeLessThan(3 * 3000);
  });

  it('gives up on an option at the end of its time box', async () => {
    const evidence = await gatherEvidence({
      sandbox,
      coder,
      task,
      profile,
      instructions: [option(1, 'sleeps')],
      files: [],
      timeoutMs: 1500,
    });
    expect(evidence[0]?.cvScore).toBeNull();
    expect(evidence[0]?.error).toMatch(/time (box|limit)/);
    expect(evidence[0]?.seconds).toBeLessThan(20);
  });
});
