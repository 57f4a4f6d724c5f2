// `npm run bench:llm`: the suite's tasks through the model roles against the replay model server (real Llama 2
// answers from the paper's records, a critic and a coder answering in real styles, over HTTP): run rate, attempts,
// sequential model calls to the first plan and per run, tokens per plan and per run. Writes bench/results/llm.{md,json}.
// Options: --tasks id,id, --seed N (the replay's mix), --evidence-s N (0 skips the evidence), --out DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../common/pino-logger.ts';
import { METRICS } from '../core/harness/index.ts';
import { type CoreRoles, createCore, type LlmUsage, summarizeUsage } from '../core/index.ts';
import { DEFAULT_INTAKE_LIMITS } from '../core/intake/index.ts';
import { createSandbox } from '../sandbox/index.ts';
import { loadSuite, suiteTaskInput } from './suite.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
/** The replay server runs as its own process, as a model server would: the bench only speaks HTTP to it. */
const REPLAY_SERVER = join(ROOT, 'tests', 'helpers', 'replay-model-server.ts');

export interface LlmBenchRow {
  id: string;
  metric: string;
  higherIsBetter: boolean;
  ok: boolean;
  score: number | null;
  baseline: number | null;
  attempts: number;
  firstPlan: { calls: number; sequential: number; tokens: number; seconds: number };
  /** The plan with its evidence (the draft's calls included). */
  plan: { calls: number; tokens: number; seconds: number; agrees: boolean | null };
  run: { calls: number; sequential: number; tokens: number; seconds: number };
  /** Seconds from the task to the first plan with the offline engine (the default): intake and the draft. */
  offlineFirstPlanSeconds: number;
  /** Answers re-asked, trimmed, dropped, replaced, continued or shrunk, in the plan and the run. */
  notes: string[];
  error: string | null;
}

const tokens = (usage: LlmUsage[]) => summarizeUsage(usage).total.tokens;
const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

async function startReplay(seed: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', REPLAY_SERVER, '--seed', String(seed)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the replay server exited (${code}) before it listened`)));
  });
  return { url: first.trim(), child };
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : 0;
};
const fmt = (x: number | null) =>
  x === null ? '—' : Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
const k = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : Math.round(n).toLocaleString('en-US'));

/** "re-asked 2, continued 3": the notes of a task counted by what was done. */
function noteCounts(notes: string[]): string {
  const counts = new Map<string, number>();
  for (const n of notes) {
    const action = n.split(' ').at(-1) ?? n;
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  return counts.size ? [...counts].map(([a, n]) => `${a} ${n}`).join(', ') : '—';
}

export function renderLlmBench(
  rows: LlmBenchRow[],
  meta: { command: string; wallSeconds: number; date: string; styles: Record<string, number> },
): string {
  const ran = rows.filter((r) => r.ok).length;
  const styles = Object.entries(meta.styles)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const lines = [
    '# Model roles against the replay model server',
    '',
    `Command: \`${meta.command}\`; wall time ${Math.round(meta.wallSeconds)} s on this machine (2 cores, shared); ${meta.date}.`,
    '',
    `Run rate **${ran}/${rows.length}** tasks ended with a harness score; mean attempts ${(rows.reduce((n, r) => n + r.attempts, 0) / Math.max(1, rows.length)).toFixed(2)}; ` +
      `sequential model calls to the first plan: median ${median(rows.map((r) => r.firstPlan.sequential))} (max ${Math.max(0, ...rows.map((r) => r.firstPlan.sequential))}); ` +
      `tokens per first plan median ${k(median(rows.map((r) => r.firstPlan.tokens)))}, per plan with evidence ${k(median(rows.map((r) => r.plan.tokens)))}, per run ${k(median(rows.map((r) => r.run.tokens)))}. ` +
      `With the offline engine (the default) the first plan is ready ${Math.max(0, ...rows.map((r) => r.offlineFirstPlanSeconds))} s after the task at most (intake included).`,
    '',
    `Replayed answers (style: count): ${styles}.`,
    '',
  ];
  const header = [
    'task',
    'metric',
    'run',
    'score (baseline)',
    'attempts',
    'first plan: calls (seq.)',
    'first plan tokens',
    'first plan s',
    'offline first plan s',
    'plan+evidence tokens',
    'evidence agrees',
    'run calls (seq.)',
    'run tokens',
    'answers handled',
  ];
  const body = rows.map((r) => [
    r.id,
    `${r.metric} ${r.higherIsBetter ? '↑' : '↓'}`,
    r.ok ? 'scored' : r.error ? `error: ${r.error.slice(0, 60)}` : 'failed',
    `${fmt(r.score)} (${fmt(r.baseline)})`,
    String(r.attempts),
    `${r.firstPlan.calls} (${r.firstPlan.sequential})`,
    k(r.firstPlan.tokens),
    String(r.firstPlan.seconds),
    String(r.offlineFirstPlanSeconds),
    k(r.plan.tokens),
    r.plan.agrees === null ? '—' : r.plan.agrees ? 'yes' : 'no',
    `${r.run.calls} (${r.run.sequential})`,
    k(r.run.tokens),
    noteCounts(r.notes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line));
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      tasks: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'evidence-s': { type: 'string', default: '60' },
      out: { type: 'string' },
    },
  });
  const logger = createLogger({
    level: process.env.LOG_LEVEL ?? 'warn',
    production: true,
    destination: process.stderr,
  });
  const suite = await loadSuite();
  const wanted = values.tasks?.split(',').map((t) => t.trim());
  const tasks = wanted ? suite.tasks.filter((t) => wanted.includes(t.id)) : suite.tasks;
  const outDir = resolve(values.out ?? join(HERE, 'results'));
  const replay = await startReplay(Number(values.seed));
  const control = replay.url.replace(/\/v1$/, '');
  try {
    const base = { baseURL: replay.url, apiKey: 'replay', timeoutMs: 120_000 };
    // As deployed: the released adapter on vLLM (plain completions, exactly Fig. 6, the paper's 1,024 tokens), a
    // chat critic, and a chat coder with room for a whole script.
    const roles: CoreRoles = {
      instructor: {
        ...base,
        model: 'llama-2-7b-supercode',
        api: 'completions',
        maxTokens: 1024,
        prompt: 'paper',
      },
      critic: { ...base, model: 'critic', api: 'chat', maxTokens: 2048 },
      coder: { ...base, model: 'coder', api: 'chat', maxTokens: 16_384 },
    };
    const sandboxLimits = { timeoutMs: 900_000 };
    const deps = {
      sandbox: createSandbox({ driver: 'bwrap', limits: sandboxLimits }),
      logger,
      limits: {
        ...DEFAULT_INTAKE_LIMITS,
        maxRepairs: 3,
        sandbox: sandboxLimits,
        evidenceTimeoutMs: Number(values['evidence-s']) * 1000,
      },
      workRoot: resolve('out', 'bench-llm'),
    };
    const core = createCore({ ...deps, roles });
    // The same core with no endpoints: how soon the default (offline) engine has a plan to show.
    const offline = createCore({ ...deps, roles: {} });
    const started = Date.now();
    const rows: LlmBenchRow[] = [];
    let styles: Record<string, number> = {};
    const command = `npm run bench:llm${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    await mkdir(outDir, { recursive: true });
    for (const task of tasks) {
      const row: LlmBenchRow = {
        id: task.id,
        metric: task.metric,
        higherIsBetter: METRICS[task.metric].higherIsBetter,
        ok: false,
        score: null,
        baseline: null,
        attempts: 0,
        firstPlan: { calls: 0, sequential: 0, tokens: 0, seconds: 0 },
        plan: { calls: 0, tokens: 0, seconds: 0, agrees: null },
        run: { calls: 0, sequential: 0, tokens: 0, seconds: 0 },
        offlineFirstPlanSeconds: 0,
        notes: [],
        error: null,
      };
      process.stderr.write(`bench:llm ${task.id} ...\n`);
      try {
        const t = Date.now();
        await offline.draftPlan(await offline.intake(suiteTaskInput(task)));
        row.offlineFirstPlanSeconds = seconds(t);
        const prepared = await core.intake(suiteTaskInput(task));
        await post(`${control}/replay/task`, prepared);
        const t0 = Date.now();
        const draft = await core.draftPlan(prepared);
        const first = summarizeUsage(draft.usage);
        row.firstPlan = {
          calls: first.total.calls,
          sequential: first.sequentialCalls,
          tokens: first.total.tokens,
          seconds: seconds(t0),
        };
        const { plan, verdict } = await core.addEvidence(draft);
        row.plan = {
          calls: plan.usage.length,
          tokens: tokens(plan.usage),
          seconds: seconds(t0),
          agrees: verdict.agrees,
        };
        const t1 = Date.now();
        const run = await core.run(plan, 'resolver', { outDir: resolve('out', 'bench-llm', task.id) });
        const used = summarizeUsage(run.usage);
        row.run = {
          calls: used.total.calls,
          sequential: used.sequentialCalls,
          tokens: used.total.tokens,
          seconds: seconds(t1),
        };
        row.ok = run.ok;
        row.score = run.score;
        row.baseline = run.baseline?.score ?? null;
        row.attempts = run.attempts.length;
        row.error = run.ok ? null : (run.error?.split('\n')[0] ?? 'failed');
        row.notes = [...(plan.notes ?? []), ...(run.notes ?? [])].map((n) => `${n.purpose} ${n.action}`);
      } catch (error) {
        row.error = error instanceof Error ? error.message : String(error);
      }
      rows.push(row);
      styles = {};
      for (const a of (await post(`${control}/replay/answered`, {})) as { kind: string; style: string }[]) {
        const key = `${a.kind} ${a.style}`;
        styles[key] = (styles[key] ?? 0) + 1;
      }
      const meta = {
        command,
        wallSeconds: (Date.now() - started) / 1000,
        date: new Date().toISOString(),
        styles,
      };
      // Written after every task, so that a long run can be watched.
      await writeFile(join(outDir, 'llm.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
      await writeFile(join(outDir, 'llm.md'), renderLlmBench(rows, meta));
    }
    process.stdout.write(
      renderLlmBench(rows, {
        command,
        wallSeconds: (Date.now() - started) / 1000,
        date: new Date().toISOString(),
        styles,
      }),
    );
    return rows.every((r) => r.ok) ? 0 : 1;
  } finally {
    replay.child.kill('SIGTERM');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
