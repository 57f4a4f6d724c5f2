// The harness's blend script when the members' out-of-fold scores carry no information (issue 23): every member
// ranks the training rows perfectly (AUC 1.0), the first is badly calibrated; the weights are fitted on the log-loss
// of the same predictions, so the calibrated member gets the weight, and the blend, tied with it on AUC, says it
// does not beat its best member. Run with the host's Python on made-up files.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blendScript } from '../../core/pipeline/blend-runs.ts';

const run = promisify(execFile);

async function blend(dir: string, metric: string, members: number[][]): Promise<Record<string, unknown>> {
  const n = members[0]!.length;
  const labels = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'yes' : 'no'));
  await writeFile(join(dir, 'train.csv'), `id,y\n${labels.map((l, i) => `${i},${l}`).join('\n')}\n`);
  const spec = {
    metric,
    higher_is_better: metric !== 'log-loss',
    target_type: 'binary',
    targets: ['y'],
    id: 'id',
    classes: ['no', 'yes'],
    positive: 'yes',
    prediction_columns: ['id', 'y'],
    submission_columns: ['id', 'y'],
    probability_output: true,
    members: members.map((_, i) => ({ label: `m${i}`, oof: `m${i}_oof.csv`, test: `m${i}_test.csv` })),
  };
  await writeFile(join(dir, 'blend_spec.json'), JSON.stringify(spec));
  for (const [i, p] of members.entries()) {
    const rows = p.map((v, j) => `${j},${v}`).join('\n');
    await writeFile(join(dir, `m${i}_oof.csv`), `id,y\n${rows}\n`);
    await writeFile(join(dir, `m${i}_test.csv`), `id,y\n${rows}\n`);
  }
  await writeFile(join(dir, 'blend.py'), blendScript());
  const { stdout } = await run('/usr/bin/python3', ['blend.py'], { cwd: dir });
  const weights = JSON.parse(await readFile(join(dir, 'blend_weights.json'), 'utf8'));
  return { ...weights, stdout };
}

describe('blend with tied or saturated out-of-fold scores', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-blend-ties-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fits on the log-loss when every AUC is 1.0 and does not offer the tie as better', {
    timeout: 30_000,
  }, async () => {
    const n = 60;
    // m0: perfectly ranked but barely confident (0.51 / 0.49); m1: perfectly ranked and confident.
    const vague = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.51 : 0.49));
    const sharp = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.95 : 0.05));
    const out = await blend(dir, 'roc-auc', [vague, sharp]);
    expect(out.stdout).toMatch(/saturated: weights fitted on the log-loss/);
    expect(out.fit_metric).toBe('log-loss');
    const [w0, w1] = out.weights as number[];
    expect(w1).toBeGreaterThan(w0!);
    expect(w1).toBe(1);
    expect(out.blend_oof_score).toBe(1);
    expect(out.beats_best_member).toBe(false);
  });
});
