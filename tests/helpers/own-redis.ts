// A redis-server of a test's own, on a free port, as a child process: the tests that restart Redis use it and never
// touch the shared one on 6379. Started with the set-up step's own arguments (append-only file) or with none saved.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
// @ts-expect-error: plain JavaScript module (it runs before dependencies exist), no type declarations
import { localRedisArgs } from '../../scripts/setup.mjs';
import { freePort } from './bot-test-kit.ts';

export class OwnRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** 'aof': as the set-up step starts it (append-only file, noeviction); 'none': nothing saved. */
    readonly persistence: 'aof' | 'none',
  ) {}

  static async start(persistence: 'aof' | 'none'): Promise<OwnRedis> {
    const redis = new OwnRedis(
      await freePort(),
      mkdtempSync(path.join(tmpdir(), 'lc-own-redis-')),
      persistence,
    );
    await redis.spawn();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private args(): string[] {
    if (this.persistence === 'none') {
      return [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ];
    }
    // The set-up step's arguments, in the foreground so the test owns the process.
    const args = localRedisArgs(this.dir, this.port) as string[];
    args[args.indexOf('--daemonize') + 1] = 'no';
    return args;
  }

  private async spawn(): Promise<void> {
    this.child = spawn('redis-server', this.args(), { stdio: 'ignore' });
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    const deadline = Date.now() + 10_000;
    try {
      while (Date.now() < deadline) {
        if (
          await client.connect().then(
            () => client.ping(),
            () => null,
          )
        )
          return;
        client.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server on port ${this.port} did not answer`);
    } finally {
      client.disconnect();
    }
  }

  /** SHUTDOWN and wait for the process to end. */
  private async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    // A plain SHUTDOWN, as a service manager stops it: the append-only file is flushed first.
    await (this.persistence === 'aof' ? client.call('SHUTDOWN') : client.call('SHUTDOWN', 'NOSAVE')).catch(
      () => {},
    );
    client.disconnect();
    await exited;
    this.child = null;
  }

  /** Stops the server and starts it again on the same port and folder: with 'none', empty. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.spawn();
  }

  async stop(): Promise<void> {
    await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
