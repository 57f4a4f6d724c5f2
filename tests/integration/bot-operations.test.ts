// The operator's side on the web chat's port, with real Redis, core and sandbox: /healthz and /readyz (503 while a
// Redis of the test's own is stopped, 200 once it is back), the queue dashboard behind ADMIN_TOKEN, and the
// Prometheus counters after a plan and a run in the web chat, and after a run that fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSurface } from '../../adapters/web/index.ts';
import { type BotApp, createBotApp } from '../../bot/bot-app.ts';
import { Operations } from '../../bot/ops/operations.ts';
import type { Readiness } from '../../bot/ops/readiness.ts';
import { webSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import {
  ANN,
  BLUEBERRY,
  BLUEBERRY_TASK,
  isPlan,
  isProgress,
  isResult,
  startBlueberryRun,
  type TestEnv,
  testEnv,
  textOf,
  WebChatClient,
} from '../helpers/bot-test-kit.ts';
import { OwnRedis } from '../helpers/own-redis.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TOKEN = 'admin-token-for-the-tests';
const bearer = { Authorization: `Bearer ${TOKEN}` };
const basic = { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };

interface OpsBot {
  t: TestEnv;
  app: BotApp;
  url: string;
  chat: WebChatClient;
  stop(): Promise<void>;
}

/** The bot with its web chat in this process, as `npm start` wires it: one Operations for the chat and the app. */
async function startOpsBot(extra: Record<string, string> = {}): Promise<OpsBot> {
  const t = await testEnv({ ADMIN_TOKEN: TOKEN, ...extra });
  const logger = createLogger({ level: 'silent' });
  const operations = new Operations({ adminToken: TOKEN, allowRetry: false, logger });
  const web = createWebSurface(webSurfaceOptions(t.config, logger, operations.handle));
  const app = createBotApp({ config: t.config, logger, surfaces: [web], operations });
  const chat = new WebChatClient(web.url());
  const stop = async () => {
    chat.close();
    await app.stop();
    await t.cleanup();
  };
  try {
    await app.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { t, app, url: web.url(), chat, stop };
}

/** A sample's value in the text format, by its name and exact labels; 0 when absent. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of scrape.split('\n')) {
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort();
    if (have.join(',') === wanted.join(',')) return Number(m[3]);
  }
  return 0;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: bearer });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

describe('health and readiness', () => {
  let redis: OwnRedis;
  let bot: OpsBot;

  beforeAll(async () => {
    redis = await OwnRedis.start('aof');
    bot = await startOpsBot({ REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
  });

  it('says 503 and why while Redis is stopped, and 200 once it is back', { timeout: 120_000 }, async () => {
    const live = await fetch(`${bot.url}/healthz`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${bot.url}/readyz`);
    const body = (await ready.json()) as Readiness;
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.redis.ok).toBe(true);
    expect(body.checks.sandbox.ok).toBe(true);
    expect(body.checks.sandbox.detail).toMatch(/bwrap|docker/);
    for (const w of ['plan', 'run', 'deliver-web']) expect(body.checks.workers.detail).toContain(w);

    // The test's own Redis stops (its append-only file kept), as a service manager stops it.
    await (redis as unknown as { shutdown(): Promise<void> }).shutdown();
    const down = await waitFor(async () => {
      const res = await fetch(`${bot.url}/readyz`);
      return res.status === 503 ? ((await res.json()) as Readiness) : null;
    }, '/readyz to say 503');
    expect(down.ready).toBe(false);
    expect(down.checks.redis.ok).toBe(false);
    expect(down.checks.redis.detail).toMatch(/does not answer/);
    // The process lives on: liveness stays 200 (an orchestrator must not restart it for Redis).
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    await (redis as unknown as { spawn(): Promise<void> }).spawn();
    const back = await waitFor(
      async () => {
        const res = await fetch(`${bot.url}/readyz`);
        return res.status === 200 ? ((await res.json()) as Readiness) : null;
      },
      '/readyz to say 200 again',
      30_000,
    );
    expect(back.checks.redis).toEqual({ ok: true, detail: 'answers' });
  });
});

describe('the queue dashboard and the metrics behind ADMIN_TOKEN', () => {
  let bot: OpsBot;

  beforeAll(async () => {
    bot = await startOpsBot();
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('refuses without the token and lists the plan, run and deliver queues with it', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/metrics']) {
      const none = await fetch(`${bot.url}${path}`);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
      const wrong = await fetch(`${bot.url}${path}`, { headers: { Authorization: 'Bearer not-the-token' } });
      expect(wrong.status, path).toBe(401);
    }
    // A browser: basic auth as admin gets the page.
    const page = await fetch(`${bot.url}/admin/queues`, { headers: basic });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Linguacodus queues</title>');
    const api = await fetch(`${bot.url}/admin/queues/api/queues`, { headers: bearer });
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    const names = queues.map((q) => q.name);
    for (const name of ['plan', 'run', 'deliver-web']) expect(names).toContain(name);
    // Read-only unless ADMIN_ALLOW_RETRY=true.
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('moves the plan and run counters after a plan and a run in the web chat', {
    timeout: 240_000,
  }, async () => {
    const before = await scrape(bot.url);
    expect(sample(before, 'linguacodus_plans_total', { outcome: 'planned' })).toBe(0);
    await bot.chat.openEvents();
    const task = await startBlueberryRun(bot.chat, ANN, 'Run resolver');
    await bot.chat.waitForReply(task.id, (r) => r.find(isResult), 180_000);
    const after = await waitFor(async () => {
      const text = await scrape(bot.url);
      return sample(text, 'linguacodus_runs_total', { engine: 'offline', outcome: 'ok' }) === 1 ? text : null;
    }, 'the run counted');
    expect(sample(after, 'linguacodus_plans_total', { outcome: 'planned' })).toBe(1);
    expect(sample(after, 'linguacodus_plan_seconds_count')).toBe(1);
    expect(sample(after, 'linguacodus_run_seconds_count')).toBe(1);
    expect(sample(after, 'linguacodus_sandbox_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'linguacodus_ack_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'linguacodus_queue_jobs', { queue: 'run', state: 'completed' })).toBe(1);
    expect(sample(after, 'linguacodus_runs_total', { engine: 'offline', outcome: 'failed' })).toBe(0);
    // The process defaults are there too.
    expect(after).toContain('process_cpu_user_seconds_total');
    expect(after).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('a run that fails', () => {
  let bot: OpsBot;

  beforeAll(async () => {
    // A run has one second: the blueberry run takes longer, so it times out and fails for good.
    bot = await startOpsBot({ RUN_TIMEOUT_S: '1' });
  });

  afterAll(async () => {
    await bot?.stop();
  });

  it('moves the failure outcome', { timeout: 180_000 }, async () => {
    await bot.chat.openEvents();
    const task = await bot.chat.post(ANN, BLUEBERRY_TASK, {
      uploads: [await bot.chat.uploadFile(BLUEBERRY)],
    });
    const plan = await bot.chat.waitForReply(task.id, (r) => r.find(isPlan), 120_000);
    await bot.chat.press(ANN, plan, 'Run 1');
    const status = await bot.chat.waitForReply(
      task.id,
      (r) => r.find((m) => isProgress(m) && /timed out|failed/i.test(textOf(m))),
      60_000,
    );
    expect(textOf(status)).toMatch(/timed out/i);
    const text = await waitFor(
      async () => {
        const t = await scrape(bot.url);
        return sample(t, 'linguacodus_runs_total', { engine: 'offline', outcome: 'failed' }) === 1 ? t : null;
      },
      'the failed run counted',
      60_000,
    );
    expect(sample(text, 'linguacodus_runs_total', { engine: 'offline', outcome: 'ok' })).toBe(0);
    expect(sample(text, 'linguacodus_plans_total', { outcome: 'planned' })).toBe(1);
  });
});
