// `npm run bench`: the offline engine on every task of the suite, written to bench/results/suite.{md,json}.
// Options: --tasks id,id (a subset), --out DIR (results folder), --evidence-s N (evidence time box per option),
// --panel-s N (the strong panel's search time box per member; 0 skips the panel),
// --auto (an Auto column: Auto's search per task within --auto-s N seconds, default 300),
// --render (rewrite suite.md from suite.json), --merge a.json,b.json (one report from parallel partial runs),
// --reblend (the blends again from the run folders under out/bench, after a change to the blend).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../common/pino-logger.ts';
import { METRICS } from '../core/harness/index.ts';
import { createCore } from '../core/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../core/intake/index.ts';
import { createSandbox } from '../sandbox/index.ts';
import { loadSuite } from './suite.ts';
import { type BenchRow, benchTask, reblendTask, renderBenchMarkdown } from './suite-bench.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      tasks: { type: 'string' },
      out: { type: 'string' },
      'evidence-s': { type: 'string', default: '120' },
      'timeout-s': { type: 'string', default: '900' },
      'panel-s': { type: 'string', default: '20' },
      /** Auto's search per task (issue 23), within --auto-s seconds (default 300): the bench's Auto column. */
      auto: { type: 'boolean', default: false },
      'auto-s': { type: 'string', default: '300' },
      /** Rewrite suite.md from an existing suite.json (after a change to the report's layout). */
      render: { type: 'boolean', default: false },
      /** Combine partial runs (suite.json files of runs with --tasks) into one report, in suite order. */
      merge: { type: 'string' },
      /** Blend again from the run folders of the report in --out (after a change to the blend): runs nothing else. */
      reblend: { type: 'boolean', default: false },
    },
  });
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    production: true,
    destination: process.stderr,
  });
  const outDir = resolve(values.out ?? join(HERE, 'results'));
  if (values.merge) {
    const suite = await loadSuite();
    const parts = await Promise.all(
      values.merge.split(',').map(async (path) => JSON.parse(await readFile(resolve(path.trim()), 'utf8'))),
    );
    const byId = new Map<string, BenchRow>(parts.flatMap((p) => p.rows as BenchRow[]).map((r) => [r.id, r]));
    const rows = suite.tasks.flatMap((t) => (byId.has(t.id) ? [byId.get(t.id)!] : []));
    // Parts that overlapped in time ran side by side; otherwise one after another (a later part re-running some
    // tasks of an earlier one: its rows win). Wall time is the span from the first start to the last end either way
    // when side by side, else the sum of the parts' own wall times.
    const spans = parts
      .map((p) => ({ p, end: Date.parse(p.date), start: Date.parse(p.date) - p.wallSeconds * 1000 }))
      .sort((a, b) => a.start - b.start);
    const sequential = spans.every((x, i) => i === 0 || x.start >= spans[i - 1]!.end);
    const meta = {
      command: parts.map((p) => p.command).join(sequential ? ', then ' : ' and, in parallel, '),
      wallSeconds: sequential
        ? parts.reduce((n, p) => n + p.wallSeconds, 0)
        : (Math.max(...spans.map((x) => x.end)) - Math.min(...spans.map((x) => x.start))) / 1000,
      date: parts
        .map((p) => p.date)
        .sort()
        .at(-1),
    };
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'suite.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
    await writeFile(join(outDir, 'suite.md'), renderBenchMarkdown(rows, meta));
    return 0;
  }
  if (values.render) {
    const saved = JSON.parse(await readFile(join(outDir, 'suite.json'), 'utf8'));
    await writeFile(join(outDir, 'suite.md'), renderBenchMarkdown(saved.rows, saved));
    return 0;
  }
  const suite = await loadSuite();
  const wanted = values.tasks?.split(',').map((t) => t.trim());
  const tasks = wanted ? suite.tasks.filter((t) => wanted.includes(t.id)) : suite.tasks;
  if (wanted && tasks.length !== wanted.length) {
    process.stderr.write(`bench: unknown task id among ${wanted.join(', ')}\n`);
    return 2;
  }
  const sandboxLimits = { timeoutMs: Number(values['timeout-s']) * 1000 };
  const sandbox = createSandbox({ driver: 'bwrap', limits: sandboxLimits });
  const runsRoot = resolve('out', 'bench');
  const intakeLimits = DEFAULT_INTAKE_LIMITS;
  const core = createCore({
    sandbox,
    roles: {},
    logger,
    limits: {
      ...intakeLimits,
      maxRepairs: 3,
      sandbox: sandboxLimits,
      evidenceTimeoutMs: Number(values['evidence-s']) * 1000,
    },
    workRoot: runsRoot,
  });

  if (values.reblend) {
    const saved = JSON.parse(await readFile(join(outDir, 'suite.json'), 'utf8'));
    const deps = { core, sandbox, sandboxLimits, outRoot: runsRoot, intakeLimits, logger };
    const rows: BenchRow[] = [];
    for (const row of saved.rows as BenchRow[]) {
      const task = suite.tasks.find((t) => t.id === row.id);
      rows.push(task && (!wanted || wanted.includes(row.id)) ? await reblendTask(task, row, deps) : row);
      logger.info({ task: row.id, blend: rows.at(-1)?.blend }, 'blend scored again');
    }
    const meta = {
      ...saved,
      command: `${saved.command}; blends again with \`npm run bench -- --reblend${values.tasks ? ` --tasks ${values.tasks}` : ''}\` (${new Date().toISOString()})`,
    };
    await writeFile(join(outDir, 'suite.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
    await writeFile(join(outDir, 'suite.md'), renderBenchMarkdown(rows, meta));
    return 0;
  }
  const started = Date.now();
  const rows: BenchRow[] = [];
  await mkdir(outDir, { recursive: true });
  const extra = [
    ...(values.tasks ? [`--tasks ${values.tasks}`] : []),
    ...(values['panel-s'] !== '20' ? [`--panel-s ${values['panel-s']}`] : []),
    ...(values.auto ? [`--auto${values['auto-s'] !== '300' ? ` --auto-s ${values['auto-s']}` : ''}`] : []),
  ];
  const command = `npm run bench${extra.length > 0 ? ` -- ${extra.join(' ')}` : ''}`;
  const write = async () => {
    const wallSeconds = (Date.now() - started) / 1000;
    const meta = { command, wallSeconds, date: new Date().toISOString() };
    await writeFile(join(outDir, 'suite.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
    await writeFile(join(outDir, 'suite.md'), renderBenchMarkdown(rows, meta));
  };
  for (const task of tasks) {
    logger.info({ task: task.id }, 'bench task started');
    try {
      rows.push(
        await benchTask(task, {
          core,
          sandbox,
          sandboxLimits,
          outRoot: runsRoot,
          intakeLimits,
          logger,
          panelBudgetS: Number(values['panel-s']),
          autoBudgetS: values.auto ? Number(values['auto-s']) : 0,
        }),
      );
    } catch (error) {
      logger.error({ task: task.id, err: error }, 'bench task failed');
      rows.push({
        id: task.id,
        dataType: task.dataType,
        targetType: '?',
        metric: task.metric,
        higherIsBetter: METRICS[task.metric].higherIsBetter,
        trainRows: 0,
        heldOutRows: 0,
        baseline: null,
        linear: { score: null, seconds: 0, error: null },
        choices: [],
        resolverChose: null,
        evidence: [],
        planSeconds: 0,
        seconds: 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    // Written after every task so a long run can be watched and a crash loses nothing.
    await write();
  }
  process.stdout.write(
    renderBenchMarkdown(rows, { command, wallSeconds: (Date.now() - started) / 1000, date: '' }),
  );
  const unscored = rows.filter((r) => r.error || r.choices.some((c) => c.score === null));
  return unscored.length === 0 ? 0 : 1;
}

process.exitCode = await main();
