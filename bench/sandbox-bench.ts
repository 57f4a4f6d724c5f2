// Measures what each sandbox driver adds to a run: median wall time of print(1) through bwrap and through docker,
// against plain python. Run: npm run bench:sandbox -- [runs] [bwrap,docker]
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { checkSandbox, createSandbox, type Sandbox } from '../sandbox/index.ts';

const RUNS = Number(process.argv[2] ?? 20);
const PYTHON = '/usr/bin/python3';

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function plainPython(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', 'print(1)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`))));
  });
}

const DRIVERS = (process.argv[3] ?? 'bwrap,docker').split(',') as ('bwrap' | 'docker')[];

async function sandboxed(sandbox: Sandbox): Promise<void> {
  const execution = await sandbox.execute({
    files: [{ path: 'main.py', content: 'print(1)\n' }],
    entry: 'main.py',
  });
  if (execution.exitCode !== 0 || execution.stdout !== '1\n') {
    throw new Error(`sandboxed print(1) failed: ${execution.stderr}`);
  }
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

// Alternate the rows so a busy, shared machine slows them alike; one run at a time, never in parallel.
const sandboxes: { driver: string; sandbox: Sandbox; wall: number[] }[] = [];
for (const driver of DRIVERS) {
  const available = await checkSandbox({ driver, python: PYTHON }).then(
    () => true,
    (error: Error) => {
      console.error(`skipping ${driver}: ${error.message}`);
      return false;
    },
  );
  if (available) sandboxes.push({ driver, sandbox: createSandbox({ driver, python: PYTHON }), wall: [] });
}
await plainPython(); // warm the page cache
for (const { sandbox } of sandboxes) await sandboxed(sandbox); // and each driver's one-time host inspection
const plain: number[] = [];
for (let i = 0; i < RUNS; i++) {
  plain.push(await timed(plainPython));
  for (const entry of sandboxes) entry.wall.push(await timed(() => sandboxed(entry.sandbox)));
}

const columns = ['median', 'p90', 'min', 'added'];
const cell = (value: number) => value.toFixed(1).padStart(8);
const row = (name: string, wall: number[]) =>
  `| ${name.padEnd(34)} | ${[quantile(wall, 0.5), quantile(wall, 0.9), Math.min(...wall), quantile(wall, 0.5) - quantile(plain, 0.5)].map(cell).join(' | ')} |`;
console.log(
  `print(1), ${RUNS} runs each, alternating; wall time in ms; "added" is the median over plain python`,
);
console.log(`| ${'run'.padEnd(34)} | ${columns.map((name) => name.padStart(8)).join(' | ')} |`);
console.log(`|${'-'.repeat(36)}|${columns.map(() => '-'.repeat(10)).join('|')}|`);
console.log(row(`${PYTHON} -c 'print(1)'`, plain));
for (const { driver, wall } of sandboxes) console.log(row(`sandbox.execute (${driver})`, wall));
console.log(
  `host: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} (a busy host slows every row)`,
);
