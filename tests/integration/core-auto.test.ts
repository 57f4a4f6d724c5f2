// Auto on a small suite task with the offline engine, real sandbox, quick mode: the drafts, then at least one improve
// and one blend node within the budget, tree.json at the top of the folder, every node a run folder with its
// result.json, and the pick the best node by cross-validation (never by the held-out score).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTO_TREE_FILE,
  type AutoEvent,
  type AutoTree,
  autoTreeSchema,
  type RunResult,
  runResultSchema,
} from '../../core/index.ts';
import { type CoreFixture, coreFixture } from '../helpers/core-runs.ts';

describe('auto (blueberry_yield, quick, offline engine)', () => {
  let fixture: CoreFixture;
  let tree: AutoTree;
  let outDir: string;
  let pick: RunResult | null;
  const events: AutoEvent[] = [];
  beforeAll(async () => {
    fixture = await coreFixture('blueberry_yield', { quick: true });
    outDir = fixture.dir('auto');
    const started = Date.now();
    const outcome = await fixture.core.auto(fixture.plan, {
      budgetS: 120,
      outDir,
      onEvent: (event) => events.push(event),
    });
    tree = outcome.tree;
    pick = outcome.pick;
    console.info(
      `auto on blueberry_yield in ${((Date.now() - started) / 1000).toFixed(0)} s: ${tree.nodes
        .map(
          (n) => `${n.id}<${n.parent ?? n.members.join('+')} ${n.move} cv ${n.cvScore} holdout ${n.holdout}`,
        )
        .join('; ')}; pick ${tree.pick}`,
    );
  }, 300_000);
  afterAll(() => fixture.close());

  it('builds a tree with drafts, an improvement and a blend, and picks by cross-validation', async () => {
    expect(tree.nodes.slice(0, 4).map((n) => n.move)).toEqual(['draft', 'draft', 'draft', 'draft']);
    expect(tree.nodes.some((n) => n.move === 'improve' && n.ok)).toBe(true);
    expect(tree.nodes.some((n) => n.move === 'blend' && n.ok)).toBe(true);
    expect(tree.usedS).toBeLessThanOrEqual(120 + 60);
    const saved = autoTreeSchema.parse(JSON.parse(await readFile(join(outDir, AUTO_TREE_FILE), 'utf8')));
    expect(saved.pick).toBe(tree.pick);
    for (const node of tree.nodes) {
      const result = runResultSchema.parse(JSON.parse(await readFile(join(node.dir, 'result.json'), 'utf8')));
      expect(result.cvScore).toBe(node.cvScore);
    }
    const picked = tree.nodes.find((n) => n.id === tree.pick)!;
    const cvs = tree.nodes
      .filter((n) => n.ok && n.cvScore !== null && n.move !== 'blend')
      .map((n) => n.cvScore!);
    expect(picked.cvScore).toBeLessThanOrEqual(Math.min(...cvs));
    expect(events.filter((e) => e.type === 'node-end')).toHaveLength(tree.nodes.length);
    // The pick's files at the top of the folder, its result naming them.
    expect(pick?.cvScore).toBe(picked.cvScore);
    expect(pick?.artifacts.submission).toBe(join(outDir, 'submission.csv'));
    expect(await readFile(join(outDir, 'code.py'), 'utf8')).toBe(
      await readFile(join(picked.dir, 'code.py'), 'utf8'),
    );
  });
});
