// Measures what the sandbox adds to a run: median wall time of print(1) through bwrap against plain python.
// Run: node --import tsx bench/sandbox-bench.ts [runs]
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { createSandbox } from '../sandbox/index.ts';

const RUNS = Number(process.argv[2] ?? 20);
const PYTHON = '/usr/bin/python3';

function plainPython(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', 'print(1)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`python exited ${code}`)),
    );
  });
}

const sandbox = createSandbox({ driver: 'bwrap', python: PYTHON });

async function sandboxed(): Promise<number> {
  const started = performance.now();
  const execution = await sandbox.execute({
    files: [{ path: 'main.py', content: 'print(1)\n' }],
    entry: 'main.py',
  });
  if (execution.exitCode !== 0 || execution.stdout !== '1\n') {
    throw new Error(`sandboxed print(1) failed: ${execution.stderr}`);
  }
  return performance.now() - started;
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
  plain.push(await plainPython());
  boxed.push(await sandboxed());
}
const row = (name: string, samples: number[]) =>
  `| ${name.padEnd(34)} | ${quantile(samples, 0.5).toFixed(1).padStart(8)} | ${quantile(samples, 0.9).toFixed(1).padStart(8)} | ${Math.min(
    ...samples,
  )
    .toFixed(1)
    .padStart(8)} |`;
console.log(`print(1), ${RUNS} runs each, wall time in ms`);
console.log(
  `| ${'run'.padEnd(34)} | ${'median'.padStart(8)} | ${'p90'.padStart(8)} | ${'min'.padStart(8)} |`,
);
console.log(`|${'-'.repeat(36)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`);
console.log(row(`${PYTHON} -c 'print(1)'`, plain));
console.log(row('sandbox.execute (bwrap)', boxed));
console.log(`added at the median: ${(quantile(boxed, 0.5) - quantile(plain, 0.5)).toFixed(1)} ms`);
console.log(
  `host: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} (a busy host slows both rows)`,
);
