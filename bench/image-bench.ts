// The image tasks' bench (datasets/suite/images.json): each task taken in from its zip, planned offline and its
// three options run in the bwrap sandbox: the small CNN, HOG with boosting, and PCA with a linear model (the plain
// reference). Each row: the harness's holdout score, the script's own CV score, the run's wall time, and the
// script's peak memory (ru_maxrss of a second run of the same script on the same files in the sandbox).
// Run: node --import tsx bench/image-bench.ts [--tasks a,b] [--out bench/results/images.md]
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareHarness } from '../core/harness/index.ts';
import { createCore } from '../core/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../core/intake/index.ts';
import type { Choice } from '../core/types.ts';
import { createSandbox, type Sandbox } from '../sandbox/index.ts';
import { loadSuite, suiteTaskInput } from './suite.ts';

const PEAK_RUNNER = `import resource, runpy, sys
try:
    runpy.run_path("solution.py", run_name="__main__")
finally:
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
`;

interface Row {
  task: string;
  option: string;
  score: number | null;
  cv: number | null;
  seconds: number;
  peakMb: number | null;
  error: string | null;
}

async function peakMemoryMb(
  sandbox: Sandbox,
  files: Parameters<Sandbox['execute']>[0]['files'],
  code: string,
) {
  const run = await sandbox.execute({
    files: [...files, { path: 'solution.py', content: code }, { path: 'peak.py', content: PEAK_RUNNER }],
    entry: 'peak.py',
    limits: { timeoutMs: 600_000 },
  });
  const kb = /PEAK_KB (\d+)/.exec(run.stderr)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : null;
}

export function renderImageBench(rows: Row[]): string {
  const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(4));
  return [
    '| task | option | holdout | own CV | wall s | peak MB |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.task} | ${r.option} | ${r.error ? `failed: ${r.error.slice(0, 60)}` : fmt(r.score)} | ${fmt(r.cv)} | ${r.seconds.toFixed(0)} | ${r.peakMb ?? '–'} |`,
    ),
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { tasks: { type: 'string' }, out: { type: 'string', default: 'bench/results/images.md' } },
  });
  const suite = await loadSuite(undefined, 'images.json');
  const wanted = values.tasks?.split(',');
  const tasks = suite.tasks.filter((t) => !wanted || wanted.includes(t.id));
  const workRoot = await mkdtemp(join(tmpdir(), 'lc-image-bench-'));
  const sandbox = createSandbox({ driver: 'bwrap' });
  const core = createCore({
    sandbox,
    roles: {},
    limits: {
      ...DEFAULT_INTAKE_LIMITS,
      maxRepairs: 2,
      sandbox: { timeoutMs: 600_000 },
      evidenceTimeoutMs: 0,
    },
    workRoot,
  });
  const rows: Row[] = [];
  try {
    for (const task of tasks) {
      // Each task unpacks into its own copy, so the suite's folder stays as committed.
      const copy = join(workRoot, task.id, 'upload.zip');
      await mkdir(dirname(copy), { recursive: true });
      await copyFile(task.file, copy);
      const prepared = await core.intake({ ...suiteTaskInput(task), files: [copy] });
      const plan = await core.plan(prepared);
      const harness = await prepareHarness(plan.task, plan.profile, DEFAULT_INTAKE_LIMITS);
      for (const choice of ['1', '2', '3'] as Choice[]) {
        const title = plan.instructions[Number(choice) - 1]?.title ?? choice;
        const started = Date.now();
        const result = await core.run(plan, choice);
        const seconds = (Date.now() - started) / 1000;
        const peakMb = result.ok ? await peakMemoryMb(sandbox, harness.runFiles, result.code) : null;
        const row = {
          task: task.id,
          option: title.split(',')[0]!,
          score: result.score,
          cv: result.cvScore,
          seconds,
          peakMb,
          error: result.ok ? null : result.error,
        };
        rows.push(row);
        process.stderr.write(`${renderImageBench([row]).split('\n').at(-1)}\n`);
      }
    }
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
  const table = renderImageBench(rows);
  const text = `# Image tasks bench\n\nOffline engine, bwrap sandbox, ${new Date().toISOString().slice(0, 10)}; holdout = the harness's score on the held-out pictures (accuracy).\n\n${table}\n`;
  await writeFile(values.out!, text);
  process.stdout.write(`${table}\n`);
  return rows.every((r) => r.error === null) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
