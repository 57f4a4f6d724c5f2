// Redis behind Sentinel (real redis-server processes of the test's own: a master, a replica and one sentinel on
// loopback ports): the bot finds the master through REDIS_SENTINELS, a plan and a run go through, and after a
// failover (the replica promoted) the same bot process plans and runs the next task on the new master.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  freePort,
  isPlan,
  isResult,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MASTER = 'lc-test';

async function answers(port: number): Promise<boolean> {
  const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

describe('Redis behind Sentinel', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  let ports: { master: number; replica: number; sentinel: number };
  let sentinel: Redis;
  let bot: WebBot;

  const masterPort = async () =>
    Number(((await sentinel.call('SENTINEL', 'get-master-addr-by-name', MASTER)) as string[])[1]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lc-sentinel-'));
    ports = { master: await freePort(), replica: await freePort(), sentinel: await freePort() };
    const server = (port: number, extra: string[] = []) =>
      spawn(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          ...extra,
        ],
        { stdio: 'ignore' },
      );
    children.push(server(ports.master));
    children.push(server(ports.replica, ['--replicaof', '127.0.0.1', String(ports.master)]));
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${ports.sentinel}`,
        'bind 127.0.0.1',
        `sentinel monitor ${MASTER} 127.0.0.1 ${ports.master} 1`,
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 5000`,
        '',
      ].join('\n'),
    );
    children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    await waitFor(async () => (await answers(ports.sentinel)) && (await answers(ports.replica)), 'redis up');
    sentinel = new Redis({ port: ports.sentinel });
    // The sentinel has found the replica (a failover needs one).
    await waitFor(
      async () => ((await sentinel.call('SENTINEL', 'replicas', MASTER)) as unknown[]).length > 0,
      'the sentinel sees the replica',
      20_000,
    );
    bot = await startWebBot({
      REDIS_SENTINELS: `127.0.0.1:${ports.sentinel}`,
      REDIS_SENTINEL_NAME: MASTER,
      // The bot must not fall back to the shared Redis: this one is not the master.
      REDIS_URL: `redis://127.0.0.1:${ports.replica}`,
    });
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    sentinel?.disconnect();
    for (const child of children) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const planAndRun = async () => {
    const { chat } = bot;
    // Right after a failover the producers fail fast until they reconnect: the page would show an error; retry.
    const root = await waitFor(
      async () =>
        chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] }).catch(() => null),
      'the task accepted',
      20_000,
    );
    const plan = await chat.waitForReply(root.id, (r) => r.find(isPlan));
    await chat.press(ANN, plan, 'Run 1');
    const result = await chat.waitForReply(root.id, (r) => r.find(isResult), 120_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
  };

  it('plans and runs on the master the sentinels name, before and after a failover', {
    timeout: 300_000,
  }, async () => {
    const master = new Redis({ port: ports.master });
    await planAndRun();
    // The bot's state is on the master, not on the shared Redis.
    expect((await master.keys(`${bot.t.prefix}:*`)).length).toBeGreaterThan(0);
    master.disconnect();

    await sentinel.call('SENTINEL', 'FAILOVER', MASTER);
    await waitFor(async () => (await masterPort()) === ports.replica, 'the replica promoted', 30_000);
    // The failover is over when the old master has been turned into a replica: a write acknowledged by it in between
    // is lost when it resyncs (Redis replicates asynchronously), which a person would see as a task that vanished.
    const old = new Redis({ port: ports.master });
    await waitFor(
      async () => ((await old.call('ROLE')) as unknown[])[0] === 'slave',
      'the old master demoted',
      30_000,
    );
    old.disconnect();
    await planAndRun();
    const promoted = new Redis({ port: ports.replica });
    expect((await promoted.call('ROLE')) as unknown[]).toContain('master');
    promoted.disconnect();
  });
});
