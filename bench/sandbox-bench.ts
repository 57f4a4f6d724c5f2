// Measures what the sandbox adds to a run: median wall time of print(1) through bwrap against plain python.
// Run: node --import tsx bench/sandbox-bench.ts [runs]
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { createSandbox } from '../sandbox/index.ts';

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

const sandbox = createSandbox({ driver: 'bwrap', python: PYTHON });

async function sandboxed(): Promise<void> {
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

// Alternate the two so a busy, shared machine slows both alike; one run at a time, never in parallel.
await plainPython(); // warm the page cache
await sandboxed(); // and the sandbox's one-time host inspection
const plain: number[] = [];
const boxed: number[] = [];
for (let i = 0; i < RUNS; i++) {
  plain.push(await timed(plainPython));
  boxed.push(await timed(sandboxed));
}

const columns = ['median', 'p90', 'min'];
const cell = (value: number) => value.toFixed(1).padStart(8);
const row = (name: string, wall: number[]) =>
  `| ${name.padEnd(34)} | ${[quantile(wall, 0.5), quantile(wall, 0.9), Math.min(...wall)].map(cell).join(' | ')} |`;
console.log(`print(1), ${RUNS} runs each, alternating; wall time in ms`);
console.log(`| ${'run'.padEnd(34)} | ${columns.map((name) => name.padStart(8)).join(' | ')} |`);
console.log(`|${'-'.repeat(36)}|${columns.map(() => '-'.repeat(10)).join('|')}|`);
console.log(row(`${PYTHON} -c 'print(1)'`, plain));
console.log(row('sandbox.execute (bwrap)', boxed));
console.log(`added at the median: ${(quantile(boxed, 0.5) - quantile(plain, 0.5)).toFixed(1)} ms`);
console.log(
  `host: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} (a busy host slows both rows)`,
);
