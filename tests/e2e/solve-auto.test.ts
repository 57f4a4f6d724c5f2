// `linguacodus solve --auto --budget-s N` end to end: the offline engine and the real sandbox in quick mode on the
// suite's smallest task (wild blueberry yield, MAE): the tree's runs under tree/, the pick's submission, script and
// result at the top of --out, and --json naming the pick and the tree.
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../bench/suite.ts';
import { runSolveCli, type SolveEnv } from '../../core/cli/solve-cli.ts';
import { autoTreeSchema, runResultSchema } from '../../core/index.ts';
import { quickSandbox } from '../helpers/core-runs.ts';

let dir: string;
let blueberry: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-solve-auto-'));
  blueberry = (await loadSuite()).tasks.find((t) => t.id === 'blueberry_yield')!.file;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('solve --auto with the offline engine and the real sandbox (quick)', () => {
  it('searches within the budget and puts the pick at the top of --out', { timeout: 240_000 }, async () => {
    let stdout = '';
    let stderr = '';
    const env: SolveEnv = {
      sandbox: quickSandbox(true),
      roles: {},
      limits: {
        maxBytes: 50 * 1024 * 1024,
        maxRows: 2_000_000,
        maxColumns: 2_000,
        maxRepairs: 1,
        sandbox: { timeoutMs: 120_000 },
        evidenceTimeoutMs: 0,
      },
      workRoot: dir,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      maxAutoBudgetS: 120,
    };
    const out = join(dir, 'auto');
    const argv = [
      '--data',
      blueberry,
      '--task',
      'Predict bb_yield from the pollination features. Metric: MAE',
    ];
    expect(await runSolveCli([...argv, '--auto', '--budget-s', '500'], env)).toBe(1);
    expect(stderr).toMatch(/at most 120 seconds/);
    stderr = '';
    const code = await runSolveCli([...argv, '--auto', '--budget-s', '45', '--out', out, '--json'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const tree = autoTreeSchema.parse(report.tree);
    expect(report.pick).toBe(tree.pick);
    expect(report.pick_reason).toMatch(/cross-validation/);
    expect(tree.nodes[0]!.move).toBe('draft');
    const picked = tree.nodes.find((n) => n.id === tree.pick)!;
    expect(picked.dir.startsWith(join(out, 'tree'))).toBe(true);
    const top = runResultSchema.parse(JSON.parse(await readFile(join(out, 'result.json'), 'utf8')));
    expect(top.cvScore).toBe(picked.cvScore);
    expect(report.run.submission_path).toBe(join(out, 'submission.csv'));
    await access(join(out, 'submission.csv'));
    expect(await readFile(join(out, 'code.py'), 'utf8')).toBe(
      await readFile(join(picked.dir, 'code.py'), 'utf8'),
    );
    console.info(`solve --auto (45 s): ${tree.nodes.length} nodes in ${tree.usedS} s, pick ${tree.pick}`);
  });
});
