// Shared by the bot's integration and browser tests: a config on a fresh Redis prefix and data folder, a
// free port, the bot with its web chat in this process, a small HTTP + SSE client for the web chat, and
// clean-up of everything the test wrote.

import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWebSurface, type WebSurface } from '../../adapters/web/index.ts';
import type { MessageView } from '../../adapters/web/web-views.ts';
import { type BotApp, createBotApp } from '../../bot/bot-app.ts';
import { type Config, parseConfig } from '../../bot/config.ts';
import type { QueueName } from '../../bot/jobs/workers.ts';
import { webSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import { BLUEBERRY } from './datasets.ts';
import { dropPrefix } from './redis-prefix.ts';
import { waitFor } from './wait-for.ts';

export { BLUEBERRY };
export const BLUEBERRY_TASK =
  'Predict bb_yield, the wild blueberry yield, from the pollination simulation features. Metric: mae';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface TestEnv {
  env: Record<string, string>;
  config: Config;
  dataDir: string;
  prefix: string;
  cleanup(): Promise<void>;
}

/** A config with its own Redis prefix, data folder and port; `extra` overrides any variable. */
export async function testEnv(extra: Record<string, string> = {}): Promise<TestEnv> {
  const prefix = `lctest-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lc-bot-test-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    EVIDENCE_TIMEOUT_S: '0',
    SHUTDOWN_GRACE_S: '5',
    ...extra,
  };
  const config = parseConfig(env);
  return {
    env,
    config,
    dataDir,
    prefix,
    async cleanup() {
      await dropPrefix(prefix, env.REDIS_URL);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface UserRef {
  id: string;
  name: string;
}

export const ANN: UserRef = { id: 'ann', name: 'Ann' };
export const BOB: UserRef = { id: 'bob', name: 'Bob' };

export interface WebBot {
  t: TestEnv;
  app: BotApp;
  web: WebSurface;
  chat: WebChatClient;
  /** Closes the chat client, stops the bot and removes what the test wrote. */
  stop(): Promise<void>;
}

/**
 * The bot with only the web chat, in this process, on a fresh test env (`extra` overrides any variable).
 * `workers: []` makes it a chat front whose jobs are left to other processes.
 */
export async function startWebBot(
  extra: Record<string, string> = {},
  options: { workers?: QueueName[] } = {},
): Promise<WebBot> {
  const t = await testEnv(extra);
  const logger = createLogger({ level: 'silent' });
  const web = createWebSurface(webSurfaceOptions(t.config, logger));
  const app = createBotApp({ config: t.config, logger, surfaces: [web], workers: options.workers });
  let chat: WebChatClient | undefined;
  const stop = async () => {
    chat?.close();
    await app.stop();
    await t.cleanup();
  };
  try {
    await app.start();
  } catch (error) {
    await stop();
    throw error;
  }
  chat = new WebChatClient(web.url());
  return { t, app, web, chat, stop };
}

// The web chat's own view types: the tests read exactly what the server sends to browsers.
export type { BlockView, FileView, MessageView } from '../../adapters/web/web-views.ts';

export interface SseEvent {
  type: 'message' | 'edit';
  message: MessageView;
}

/** The `name=value` of the identity cookie a response sets, if it sets one. */
function identityCookieOf(res: Response): string | undefined {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .find((c) => c.startsWith('lc_id='));
}

/**
 * The web chat as a browser script would use it: HTTP calls and the SSE feed. Each test user is a browser of their
 * own: the server issues it an identity cookie, which every request of that user carries (`headers` go on all of
 * them, e.g. an access token).
 */
export class WebChatClient {
  readonly events: SseEvent[] = [];
  /** How many times the server said "load again" (event: resync, after its Redis connection came back). */
  resyncs = 0;
  private request: http.ClientRequest | null = null;
  private listeners = new Set<() => void>();
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private async json<T>(pathname: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(new URL(pathname, this.baseUrl), {
      ...init,
      headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) },
    });
    const body = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${res.status}: ${body.error}`);
    return body;
  }

  /** The Cookie header of a test user's browser: the identity the server issued it, under the user's name. */
  async cookieOf(user: UserRef): Promise<string> {
    const known = this.cookies.get(user.id);
    if (known) return known;
    const first = await fetch(new URL('/api/me', this.baseUrl), { headers: this.headers });
    const issued = identityCookieOf(first);
    const view = (await first.json()) as { nameFixed?: boolean };
    // A member (WEB_USERS) is known by the token in `headers`: no cookie, and the name is the token's.
    if (!issued && view.nameFixed) return '';
    if (!issued) throw new Error(`GET /api/me set no identity cookie (${first.status})`);
    const renamed = await fetch(new URL('/api/me', this.baseUrl), {
      method: 'POST',
      headers: { ...this.headers, Cookie: issued, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: user.name }),
    });
    if (!renamed.ok) throw new Error(`POST /api/me answered ${renamed.status}`);
    const cookie = identityCookieOf(renamed) ?? issued;
    this.cookies.set(user.id, cookie);
    return cookie;
  }

  /** Who the server says a test user's browser is. */
  async me(user: UserRef): Promise<{ user: UserRef; nameFixed: boolean }> {
    return this.json('/api/me', { headers: { Cookie: await this.cookieOf(user) } });
  }

  /** An upload; one past MAX_UPLOAD_MB comes back refused (413, the transfer cut off at the limit). */
  async upload(name: string, content: Buffer | string): Promise<{ id: string; refused: boolean }> {
    const res = await fetch(new URL(`/api/uploads?name=${encodeURIComponent(name)}`, this.baseUrl), {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'text/csv' },
      body: typeof content === 'string' ? content : new Uint8Array(content),
    });
    const body = (await res.json()) as { id: string; refused: boolean; error?: string };
    if (!res.ok && !(res.status === 413 && body.refused)) throw new Error(`${res.status}: ${body.error}`);
    return body;
  }

  async uploadFile(filePath: string): Promise<string> {
    return (await this.upload(path.basename(filePath), await readFile(filePath))).id;
  }

  async post(
    user: UserRef,
    text: string,
    options: { channel?: string; thread?: string; uploads?: string[] } = {},
  ): Promise<MessageView> {
    const { message } = await this.json<{ message: MessageView }>('/api/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: await this.cookieOf(user) },
      body: JSON.stringify({
        channel: options.channel ?? 'general',
        thread: options.thread ?? null,
        text,
        uploads: options.uploads ?? [],
      }),
    });
    return message;
  }

  async press(user: UserRef, message: MessageView, label: string): Promise<void> {
    const button = buttonsOf(message).find((b) => b.label === label);
    if (!button) throw new Error(`no button "${label}" on message ${message.id}`);
    const res = await this.pressAction(user, message.id, button.action);
    if (!res.ok) throw new Error(`${res.status}: pressing "${label}" was refused`);
  }

  /** A press as the browser sends it, with any action id and any extra body fields (what a forger would send). */
  async pressAction(
    user: UserRef,
    messageId: string,
    action: string,
    extra: Record<string, unknown> = {},
  ): Promise<Response> {
    const res = await fetch(new URL('/api/actions', this.baseUrl), {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'application/json', Cookie: await this.cookieOf(user) },
      body: JSON.stringify({ messageId, action, ...extra }),
    });
    await res.body?.cancel();
    return res;
  }

  async thread(root: string): Promise<{ root: MessageView; replies: MessageView[] }> {
    return this.json(`/api/threads/${root}`);
  }

  /** Polls the thread until `find` returns something (the SSE feed is checked separately). */
  async waitForReply<T>(
    root: string,
    find: (replies: MessageView[]) => T | undefined | null | false,
    timeoutMs = 90_000,
  ): Promise<T> {
    let last: MessageView[] = [];
    return waitFor(
      async () => {
        last = (await this.thread(root)).replies;
        return find(last);
      },
      'a reply',
      timeoutMs,
      250,
    ).catch(() => {
      throw new Error(`timed out; the thread had:\n${last.map((m) => `- ${m.text}`).join('\n')}`);
    });
  }

  /**
   * Resolves with the first SSE event `find` accepts, already received or the moment it arrives: the wait ends on
   * the event itself, not on a poll. `timeoutMs` only bounds a failure.
   */
  waitForEvent(find: (event: SseEvent) => boolean, what: string, timeoutMs = 30_000): Promise<SseEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(find);
        if (!found) return false;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no SSE event for ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }

  openEvents(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request = http.get(new URL('/api/events', this.baseUrl), (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (type === 'resync') this.resyncs += 1;
            if ((type === 'message' || type === 'edit') && data) {
              this.events.push({ type, message: JSON.parse(data) as MessageView });
              for (const l of this.listeners) l();
            }
            cut = buffer.indexOf('\n\n');
          }
        });
        resolve();
      });
      this.request.on('error', (e) => {
        if (!this.request?.destroyed) reject(e);
      });
    });
  }

  close(): void {
    this.request?.destroy();
  }
}

export function buttonsOf(message: MessageView): { action: string; label: string }[] {
  return (message.blocks ?? []).flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
}

export function textOf(message: MessageView): string {
  const parts = (message.blocks ?? []).map((b) =>
    'text' in b
      ? b.text
      : b.kind === 'progress'
        ? `${b.label} ${b.detail ?? ''}`
        : b.kind === 'option'
          ? `**${b.title}**\n${b.summary}${b.note ? `\n${b.note}` : ''}`
          : '',
  );
  return [message.text, ...parts].join('\n');
}

/** The vote tally lines of a plan, one per option and the resolver's choice (each card's note starts with it). */
export const votesOf = (m: MessageView) =>
  (m.blocks ?? []).flatMap((b) =>
    b.kind === 'context' && b.text.startsWith('Votes')
      ? [b.text]
      : b.kind === 'option' && b.note?.startsWith('Votes')
        ? [b.note.split(' · ')[0] as string]
        : [],
  );

export const isPlan = (m: MessageView) => buttonsOf(m).some((b) => b.label === 'Run resolver');
export const isProgress = (m: MessageView) => (m.blocks ?? []).some((b) => b.kind === 'progress');
/** A run's result: headed by its number and option ('#2 · option 1'), with its score or 'No score'. */
export const isResult = (m: MessageView) =>
  (m.blocks ?? []).some((b) => b.kind === 'heading' && /^(#\d+ · |Score|No score)/.test(b.text)) &&
  /Score: |No score/.test(textOf(m));
/** The thread's leaderboard message. */
export const isBoard = (m: MessageView) =>
  (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text.startsWith('Leaderboard'));

/** Posts the blueberry task with its CSV, presses `button` on the plan and waits until the run is under way. */
export async function startBlueberryRun(
  chat: WebChatClient,
  user: UserRef,
  button: string,
): Promise<MessageView> {
  const task = await chat.post(user, BLUEBERRY_TASK, { uploads: [await chat.uploadFile(BLUEBERRY)] });
  const plan = await chat.waitForReply(task.id, (r) => r.find(isPlan));
  await chat.press(user, plan, button);
  await chat.waitForReply(task.id, (r) => r.find((m) => isProgress(m) && textOf(m).includes(': running')));
  return task;
}
