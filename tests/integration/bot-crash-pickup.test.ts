// How soon a killed worker's job is taken by another: the figure the README gives for JOB_LOCK_S. Two real worker
// processes with the product's lease and stall settings (bot/jobs/workers.ts) on the shared Redis; the first is killed
// with SIGKILL while it holds a job, and the time until the second takes it is printed. The bound checked is loose
// (JOB_LOCK_S plus 3 s; the settings aim at five sixths of it): it catches a regression to the old 45-70 s, not jitter.
// More samples or another lease: CRASH_PICKUP_RUNS=5 CRASH_PICKUP_JOB_LOCK_S=30 npx vitest run <this file>
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseTimings } from '../../bot/jobs/workers.ts';
import { type TestEnv, testEnv } from '../helpers/bot-test-kit.ts';
import { dropPrefix } from '../helpers/redis-prefix.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Number(process.env.CRASH_PICKUP_RUNS ?? 1);
const JOB_LOCK_S = Number(process.env.CRASH_PICKUP_JOB_LOCK_S ?? 30);

interface HangingWorker {
  child: ChildProcess;
  /** Resolves with the time (epoch ms) the worker took the job. */
  took(jobId: string): Promise<number>;
}

async function startWorker(env: Record<string, string>): Promise<HangingWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/hanging-worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d) => {
    output += String(d);
    for (const w of waiters) w();
  });
  const until = <T>(find: () => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          waiters.delete(check);
          resolve(found);
        } else if (child.exitCode !== null) reject(new Error(`worker exited:\n${output}`));
      };
      waiters.add(check);
      check();
    });
  await until(() => (output.includes('ready\n') ? true : undefined));
  return {
    child,
    took: (jobId) =>
      until(() => {
        const m = new RegExp(`^took ${jobId} (\\d+)$`, 'm').exec(output);
        return m ? Number(m[1]) : undefined;
      }),
  };
}

describe(`a killed worker's job is taken by another within JOB_LOCK_S (${JOB_LOCK_S} s)`, () => {
  let t: TestEnv;
  let redis: Redis;
  const children: ChildProcess[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    t = await testEnv({ JOB_LOCK_S: String(JOB_LOCK_S) });
    redis = new Redis(t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await redis?.quit();
    for (const prefix of prefixes) await dropPrefix(prefix);
    await t?.cleanup();
  });

  it('measures the pickup time', { timeout: RUNS * (JOB_LOCK_S + 30) * 1000 }, async () => {
    const pickups: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A queue of its own per sample: the last sample's job, held by a killed worker, must not be taken instead.
      const prefix = `${t.prefix}-s${i}`;
      prefixes.push(prefix);
      const env = { ...t.env, QUEUE_PREFIX: prefix };
      const queue = new Queue('run', { connection: redis, prefix });
      const first = await startWorker(env);
      children.push(first.child);
      const job = await queue.add('run', { sample: i }, { jobId: `pickup-${i}` });
      const tookAt = await first.took(job.id as string);
      const second = await startWorker(env);
      children.push(second.child);
      // Kills fall at spread points of the lease's renewal cycle (the lease is renewed every lockDuration / 2).
      const renewEveryMs = leaseTimings(JOB_LOCK_S).lockDuration / 2;
      let killAt = tookAt + (i / RUNS) * renewEveryMs;
      while (killAt < Date.now()) killAt += renewEveryMs;
      await new Promise((r) => setTimeout(r, killAt - Date.now()));
      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      const pickup = (await second.took(job.id as string)) - killedAt;
      pickups.push(pickup);
      second.child.kill('SIGKILL');
      await queue.close();
      expect(pickup).toBeLessThan((JOB_LOCK_S + 3) * 1000);
    }
    const seconds = pickups.map((ms) => (ms / 1000).toFixed(1));
    process.stdout.write(`crash pickup with JOB_LOCK_S=${JOB_LOCK_S}: ${seconds.join(', ')} s\n`);
  });
});
