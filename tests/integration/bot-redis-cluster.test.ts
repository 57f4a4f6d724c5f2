// A Redis Cluster of the test's own (three masters on loopback ports, Debian's redis-server in cluster mode): the
// bot reaches it through REDIS_CLUSTER_NODES, and with QUEUE_PREFIX's hash tag every key lands in one slot, so
// BullMQ's scripts and the bot's own multi-key commands work; a plan and a run go through.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
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

const run = promisify(execFile);

describe('a Redis Cluster', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  let ports: number[];
  let bot: WebBot;
  const prefix = `{lctest-cluster-${process.pid}}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lc-cluster-'));
    ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      children.push(
        spawn(
          'redis-server',
          [
            '--bind',
            '127.0.0.1',
            '--port',
            String(port),
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    await waitFor(async () => {
      const pings = ports.map(async (port) => {
        const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => {});
        const ok = await c.connect().then(
          () => c.ping(),
          () => null,
        );
        c.disconnect();
        return ok === 'PONG';
      });
      return (await Promise.all(pings)).every(Boolean);
    }, 'the three nodes');
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor(async () => {
      const { stdout } = await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'info']);
      return stdout.includes('cluster_state:ok');
    }, 'the cluster ok');
    bot = await startWebBot({
      REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(','),
      QUEUE_PREFIX: prefix,
    });
  }, 60_000);

  afterAll(async () => {
    await bot?.stop().catch(() => {});
    for (const child of children) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plans and runs a task, every key of it in the prefix’s one slot', { timeout: 180_000 }, async () => {
    const { chat } = bot;
    const root = await chat.post(ANN, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
    const plan = await chat.waitForReply(root.id, (r) => r.find(isPlan));
    await chat.press(ANN, plan, 'Run 1');
    const result = await chat.waitForReply(root.id, (r) => r.find(isResult), 150_000);
    expect(textOf(result)).toMatch(/Score: mae \d/);
    // All of it on the one node that holds the hash tag's slot; the others hold none of the bot's keys.
    const counts = await Promise.all(
      ports.map(async (port) => {
        const node = new Redis({ port });
        const keys = await node.keys(`${prefix}*`);
        node.disconnect();
        return keys.length;
      }),
    );
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    expect(Math.max(...counts)).toBeGreaterThan(10);
  });

  it('is why the prefix carries a hash tag: without one, BullMQ’s scripts span slots and fail', async () => {
    const cluster = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
    const plain = new Queue('plan', { connection: cluster, prefix: `lctest-plain-${process.pid}` });
    await expect(plain.add('plan', {})).rejects.toThrow(/CROSSSLOT/);
    await plain.close();
    await cluster.quit();
  });
});
