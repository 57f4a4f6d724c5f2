// Starts `bot/main.ts` (what `npm start` runs), or `linguacodus serve` / `linguacodus worker`, as a child process for
// the multi-process tests, alone or as the worker behind a chat front in the test's own process.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startWebBot, type WebBot } from './bot-test-kit.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BotProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the web chat answers (or, without it, once the process says it runs). */
  ready: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** True once something accepts connections on the port (a bot without the web chat: its Slack receiver). */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `bot/main.ts` with `env`, or with `role` the `linguacodus` command in that role (`args` after it). It is ready when
 * it prints the web chat's address, or, with `readyPort` (a process without the web chat), when that port takes
 * connections, or for a role when it prints its readiness line.
 */
export function startBotProcess(
  env: Record<string, string>,
  options: { readyPort?: number; role?: 'serve' | 'worker'; args?: string[] } = {},
): BotProcess {
  const argv = options.role
    ? ['bin/linguacodus.js', options.role, ...(options.args ?? [])]
    : ['--import', 'tsx', 'bot/main.ts'];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = setInterval(async () => {
      const up = options.readyPort
        ? await portAnswers(options.readyPort)
        : options.role
          ? output.includes(`Linguacodus ${options.role} ready:`)
          : output.includes('Linguacodus web chat:');
      if (up) {
        clearInterval(check);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`bot process exited:\n${output}`));
      }
    }, 100);
  });
  return {
    child,
    output: () => output,
    ready,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface FrontAndWorkers extends WebBot {
  /** The run queue, to look at the jobs a worker holds. */
  runs: Queue;
  /** Starts a `bot/main.ts` worker on its own free port and waits until it is ready. */
  startWorker(): Promise<BotProcess>;
}

/**
 * A chat front in this process that takes chat events only: plan, run and deliver jobs all go to worker
 * processes. stop() also kills any worker still running.
 */
export async function startFrontAndWorkers(extra: Record<string, string> = {}): Promise<FrontAndWorkers> {
  const front = await startWebBot(extra, { workers: [] });
  const redis = new Redis(front.t.env.REDIS_URL as string, { maxRetriesPerRequest: null });
  const runs = new Queue('run', { connection: redis, prefix: front.t.prefix });
  const workers: BotProcess[] = [];
  return {
    ...front,
    runs,
    async startWorker() {
      const worker = startBotProcess({ ...front.t.env, PORT: String(await freePort()) });
      workers.push(worker);
      await worker.ready;
      return worker;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
      await runs.close();
      await redis.quit();
      await front.stop();
    },
  };
}
