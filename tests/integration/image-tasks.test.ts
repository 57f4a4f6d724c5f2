// Image tasks end to end with the real sandbox: a zip with a labels CSV (the CNN), a folder-per-class zip (HOG and
// boosting) and a zip with a separate test zip (PCA and a linear model) are taken in, planned offline, run and
// scored on held-out pictures, with the picture grid as the harness's chart. Each script is held to the rules of
// every generated script: at most 250 lines, black- and pyflakes-clean, at least 90 % of its statements executed.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureScript } from '../../bench/script-coverage.ts';
import { prepareHarness } from '../../core/harness/index.ts';
import { type Core, createCore } from '../../core/index.ts';
import { DEFAULT_INTAKE_LIMITS, parseCsvBytes } from '../../core/intake/index.ts';
import type { Choice } from '../../core/types.ts';
import { createSandbox } from '../../sandbox/index.ts';
import { classPicture, writeZip, type ZipEntry } from '../helpers/image-files.ts';

const sandbox = createSandbox({ driver: 'bwrap' });
let dir: string;
let core: Core;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-image-tasks-'));
  core = createCore({
    sandbox,
    roles: {},
    limits: {
      ...DEFAULT_INTAKE_LIMITS,
      maxRepairs: 1,
      sandbox: { timeoutMs: 240_000 },
      evidenceTimeoutMs: 0,
    },
    workRoot: join(dir, 'work'),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CLASSES = ['bag', 'coat', 'shoe'];
const PER_CLASS = 16;

function labelledZip(at: string): string[] {
  const entries: ZipEntry[] = [];
  const rows = ['image_id,kind'];
  for (let i = 0; i < PER_CLASS * 3; i++) {
    entries.push({ name: `train/p${i}.png`, content: classPicture(i % 3, i) });
    rows.push(`p${i},${CLASSES[i % 3]}`);
  }
  for (let i = 0; i < 6; i++) entries.push({ name: `test/q${i}.png`, content: classPicture(i % 3, 500 + i) });
  entries.push({ name: 'train.csv', content: `${rows.join('\n')}\n` });
  return [writeZip(join(at, 'labelled.zip'), entries)];
}

function folderZip(at: string): string[] {
  const entries = Array.from({ length: PER_CLASS * 3 }, (_, i) => ({
    name: `${CLASSES[i % 3]}/${i}.png`,
    content: classPicture(i % 3, i, 16, 3),
  }));
  return [writeZip(join(at, 'folders.zip'), entries)];
}

function separateZips(at: string): string[] {
  const train = Array.from({ length: PER_CLASS * 3 }, (_, i) => ({
    name: `${CLASSES[i % 3]}/${i}.png`,
    content: classPicture(i % 3, i),
  }));
  const test = Array.from({ length: 5 }, (_, i) => ({
    name: `${i}.png`,
    content: classPicture(i % 3, 900 + i),
  }));
  return [writeZip(join(at, 'pictures.zip'), train), writeZip(join(at, 'test.zip'), test)];
}

const CASES: {
  name: string;
  files: (at: string) => string[];
  choice: Choice;
  recipe: string;
  testRows: number;
}[] = [
  {
    name: 'a zip with a labels CSV (the CNN)',
    files: labelledZip,
    choice: '1',
    recipe: 'image-cnn',
    testRows: 6,
  },
  { name: 'a folder-per-class zip (HOG)', files: folderZip, choice: '2', recipe: 'image-hog', testRows: 0 },
  { name: 'a zip and a test zip (PCA)', files: separateZips, choice: '3', recipe: 'image-pca', testRows: 5 },
];

describe('image tasks end to end', () => {
  for (const c of CASES) {
    it(c.name, { timeout: 300_000 }, async () => {
      const at = await mkdtemp(join(dir, 'case-'));
      const prepared = await core.intake({
        text: 'What is in each picture? Metric: accuracy.',
        files: c.files(at),
      });
      expect(prepared.task.dataType).toBe('image');
      const plan = await core.plan(prepared);
      const instruction = plan.instructions[Number(c.choice) - 1]!;
      expect(instruction.recipe?.id).toBe(c.recipe);
      const result = await core.run(plan, c.choice);
      expect(result.ok, result.error ?? '').toBe(true);
      expect(result.score).toBeGreaterThan(0.5);
      expect(result.cvScore).not.toBeNull();
      expect(result.artifacts.chart).toMatch(/chart\.png$/);
      expect((await readFile(result.artifacts.log!, 'utf8')).includes('holdout chart not drawn')).toBe(false);
      expect(result.artifacts.oofPredictions).toBeTruthy();
      if (c.testRows > 0) {
        const submission = parseCsvBytes(
          await readFile(result.artifacts.submission!),
          's',
          DEFAULT_INTAKE_LIMITS,
        );
        expect(submission.rows).toHaveLength(c.testRows);
      }

      const code = result.code;
      expect(code.split('\n').length).toBeLessThanOrEqual(250);
      const black = spawnSync('black', ['--check', '--quiet', '--line-length', '120', '-'], { input: code });
      expect(black.status, String(black.stderr)).toBe(0);
      const pyflakes = spawnSync('/usr/bin/python3', ['-m', 'pyflakes'], { input: code, encoding: 'utf8' });
      expect(pyflakes.stdout).toBe('');
      const harness = await prepareHarness(plan.task, plan.profile, DEFAULT_INTAKE_LIMITS);
      const measured = await measureScript(sandbox, harness.runFiles, code, { timeoutMs: 240_000 });
      expect(measured.executed, measured.error ?? '').toBeGreaterThanOrEqual(90);
    });
  }
});
