// The local web chat: a node:http server with a single-page chat, SSE live updates and uploads; a ChatSurface.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Config } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import type { OutgoingMessage, ThreadRef } from '../../bot/messages.ts';
import { createRedis } from '../../bot/redis-connection.ts';
import type {
  ChatSurface,
  IncomingFile,
  IncomingHandler,
  PostedMessage,
  PostOptions,
} from '../../bot/surface.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { authorize } from './web-auth.ts';
import { newId, type Upload, type WebEvent, type WebMessage, WebStore, webUserSchema } from './web-store.ts';
import { filesOf, toView } from './web-views.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const HLJS_DIR = fileURLToPath(new URL('../../node_modules/highlight.js/', import.meta.url));
const HLJS_LANGUAGES = new Set(['python', 'bash', 'json', 'markdown', 'plaintext', 'ini', 'yaml']);
const BOT_USER = { id: 'linguacodus', name: 'Linguacodus' };
const MAX_JSON_BYTES = 64 * 1024;
const MB = 1024 * 1024;

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const postMessageSchema = z.object({
  channel: z.string(),
  thread: z.string().nullable().default(null),
  text: z.string().max(20_000).default(''),
  uploads: z.array(z.string()).max(10).default([]),
  user: webUserSchema,
});
const actionSchema = z.object({ messageId: z.string(), action: z.string().max(100), user: webUserSchema });

export interface WebSurface extends ChatSurface {
  /** The address the chat is served at (after start). */
  url(): string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createWebSurface(config: Config, logger: Logger): WebSurface {
  const log = logger.child({ surface: 'web' });
  const ttl = config.SESSION_TTL_HOURS * 3600;
  const dataRoot = path.resolve(config.DATA_DIR);
  const uploadRoot = path.join(dataRoot, 'web', 'uploads');
  const maxUpload = config.MAX_UPLOAD_MB * MB;
  let redis: Redis | null = null;
  let subscriber: Redis | null = null;
  let store: WebStore | null = null;
  let server: Server | null = null;
  let handler: IncomingHandler | null = null;
  const clients = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | null = null;

  // Posting works without start(): a worker-only process can still deliver into the chat through Redis.
  const getStore = (): WebStore => {
    if (!store) {
      redis = createRedis(config.REDIS_URL, 'linguacodus-web');
      store = new WebStore(redis, config.QUEUE_PREFIX, ttl);
    }
    return store;
  };

  function send(res: ServerResponse, status: number, body: unknown): void {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(json);
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    if (!(req.headers['content-type'] ?? '').includes('application/json')) {
      throw new HttpError(415, 'expected application/json');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_JSON_BYTES) throw new HttpError(413, 'request too large');
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid JSON');
    }
  }

  function parse<T>(schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value);
    if (!result.success) throw new HttpError(400, result.error.issues.map((i) => i.message).join('; '));
    return result.data;
  }

  function checkChannel(channel: string): void {
    if (!config.WEB_CHANNELS.includes(channel)) throw new HttpError(404, `no channel #${channel}`);
  }

  async function receiveUpload(req: IncomingMessage, url: URL): Promise<Upload> {
    const name = (url.searchParams.get('name') ?? 'upload.csv').slice(0, 200);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const id = newId();
    const mime = String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0] ?? '';
    if (Number.isFinite(declared) && declared > maxUpload) {
      // Refused, but recorded: the bot answers in the thread with the size and the limit.
      req.resume();
      await new Promise((r) => req.on('end', r));
      const upload: Upload = { id, name, mime, bytes: declared, path: null };
      await getStore().saveUpload(upload);
      return upload;
    }
    const dir = path.join(uploadRoot, id);
    await mkdir(dir, { recursive: true });
    const dest = path.join(dir, safeName(name));
    let bytes = 0;
    let tooLarge = false;
    const out = createWriteStream(dest);
    // Past the limit, keep reading (so the browser gets its answer) but stop writing.
    for await (const chunk of req) {
      bytes += (chunk as Buffer).length;
      if (bytes > maxUpload) tooLarge = true;
      else if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    if (tooLarge) {
      await rm(dir, { recursive: true, force: true });
      const upload: Upload = { id, name, mime, bytes, path: null };
      await getStore().saveUpload(upload);
      return upload;
    }
    const upload: Upload = { id, name, mime, bytes, path: dest };
    await getStore().saveUpload(upload);
    return upload;
  }

  function incomingFile(upload: Upload): IncomingFile {
    return {
      name: upload.name,
      bytes: upload.bytes,
      mime: upload.mime,
      async download(destPath, maxBytes) {
        if (!upload.path || upload.bytes > maxBytes) {
          throw new LinguacodusError(
            'too_large',
            `The file ${upload.name} is ${(upload.bytes / MB).toFixed(1)} MB; the limit is ${(maxBytes / MB).toFixed(0)} MB.`,
          );
        }
        await mkdir(path.dirname(destPath), { recursive: true });
        await copyFile(upload.path, destPath);
      },
    };
  }

  async function postFromPerson(req: IncomingMessage): Promise<WebMessage> {
    const body = parse(postMessageSchema, await readJson(req));
    checkChannel(body.channel);
    const s = getStore();
    if (body.thread) {
      const root = await s.get(body.thread);
      if (!root || root.channel !== body.channel || root.thread) throw new HttpError(404, 'no such thread');
    }
    const uploads: Upload[] = [];
    for (const id of body.uploads) {
      const upload = await s.getUpload(id);
      if (!upload) throw new HttpError(400, 'unknown upload (it may have expired); attach the file again');
      uploads.push(upload);
    }
    const message = await s.add({
      id: newId(),
      channel: body.channel,
      thread: body.thread,
      user: body.user,
      bot: false,
      text: body.text,
      blocks: null,
      files: uploads.flatMap((u) =>
        u.path ? [{ name: u.name, path: u.path, mime: u.mime, bytes: u.bytes }] : [],
      ),
      ts: Date.now(),
      editedTs: null,
    });
    await handler?.({
      type: 'message',
      thread: { surface: 'web', space: '', channel: body.channel, thread: body.thread ?? message.id },
      isRoot: body.thread === null,
      messageId: message.id,
      user: body.user,
      text: body.text,
      files: uploads.map(incomingFile),
      addressed: true,
    });
    return message;
  }

  async function pressButton(req: IncomingMessage): Promise<void> {
    const body = parse(actionSchema, await readJson(req));
    const message = await getStore().get(body.messageId);
    if (!message) throw new HttpError(404, 'That message is gone (the chat history expired).');
    await handler?.({
      type: 'action',
      thread: { surface: 'web', space: '', channel: message.channel, thread: message.thread ?? message.id },
      messageId: message.id,
      user: body.user,
      action: body.action,
    });
  }

  async function serveFile(res: ServerResponse, url: URL, messageId: string, index: number): Promise<void> {
    const message = await getStore().get(messageId);
    const ref = message ? filesOf(message)[index] : undefined;
    if (!ref) throw new HttpError(404, 'no such file');
    const resolved = path.resolve(ref.path);
    // Only files under DATA_DIR are ever served, whatever a message says.
    if (!resolved.startsWith(dataRoot + path.sep)) throw new HttpError(404, 'no such file');
    const info = await stat(resolved).catch(() => null);
    if (!info?.isFile()) throw new HttpError(404, 'the file is gone (its session expired)');
    const inline = url.searchParams.get('download') === null && ref.mime.startsWith('image/');
    res.writeHead(200, {
      'Content-Type': ref.mime,
      'Content-Length': info.size,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${safeName(ref.name)}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    await pipeline(createReadStream(resolved), res);
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<boolean> {
    let file: string | null = null;
    let type = 'text/plain';
    let wrapCommonJs = false;
    if (STATIC[pathname]) {
      file = path.join(PUBLIC_DIR, STATIC[pathname] as string);
      type = TYPES[path.extname(file)] ?? type;
    } else if (pathname === '/vendor/hljs.js') {
      // highlight.js ships its core as CommonJS; wrapped here into an ES module the browser can import.
      file = path.join(HLJS_DIR, 'lib', 'core.js');
      type = TYPES['.js'] as string;
      wrapCommonJs = true;
    } else if (pathname === '/vendor/hljs.css') {
      file = path.join(HLJS_DIR, 'styles', 'github.min.css');
      type = TYPES['.css'] as string;
    } else {
      const lang = /^\/vendor\/lang\/([a-z]+)\.js$/.exec(pathname)?.[1];
      if (lang && HLJS_LANGUAGES.has(lang)) {
        file = path.join(HLJS_DIR, 'es', 'languages', `${lang}.js`);
        type = TYPES['.js'] as string;
      }
    }
    if (!file) return false;
    let body = await readFile(file, 'utf8');
    if (wrapCommonJs) {
      body = `const module = { exports: {} }; const exports = module.exports;\n${body}\nexport default module.exports;\n`;
    }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    res.end(body);
    return true;
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (!authorize(req, res, url, config.WEB_ACCESS_TOKEN)) return;
    const method = req.method ?? 'GET';
    const s = getStore();
    if (method === 'GET' && (await serveStatic(res, url.pathname))) return;
    if (method === 'GET' && url.pathname === '/api/events') return openEvents(req, res);
    if (method === 'GET' && url.pathname === '/api/channels') {
      return send(res, 200, { channels: config.WEB_CHANNELS, maxUploadMb: config.MAX_UPLOAD_MB });
    }
    let m = /^\/api\/channels\/([^/]+)\/messages$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const channel = decodeURIComponent(m[1] as string);
      checkChannel(channel);
      const roots = await s.roots(channel);
      const views = await Promise.all(roots.map(async (r) => toView(r, await s.replyCount(r.id))));
      return send(res, 200, { messages: views });
    }
    m = /^\/api\/threads\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const root = await s.get(decodeURIComponent(m[1] as string));
      if (!root) throw new HttpError(404, 'no such thread');
      return send(res, 200, {
        root: toView(root),
        replies: (await s.replies(root.id)).map((r) => toView(r)),
      });
    }
    if (method === 'POST' && url.pathname === '/api/uploads') {
      const upload = await receiveUpload(req, url);
      return send(res, 200, {
        id: upload.id,
        name: upload.name,
        bytes: upload.bytes,
        refused: upload.path === null,
      });
    }
    if (method === 'POST' && url.pathname === '/api/messages') {
      const message = await postFromPerson(req);
      return send(res, 200, { message: toView(message) });
    }
    if (method === 'POST' && url.pathname === '/api/actions') {
      await pressButton(req);
      return send(res, 200, { ok: true });
    }
    m = /^\/files\/([^/]+)\/(\d+)(?:\/[^/]*)?$/.exec(url.pathname);
    if (method === 'GET' && m) return serveFile(res, url, decodeURIComponent(m[1] as string), Number(m[2]));
    throw new HttpError(404, 'not found');
  }

  function broadcast(raw: string): void {
    let event: WebEvent;
    try {
      event = JSON.parse(raw) as WebEvent;
    } catch {
      return;
    }
    const data = `event: ${event.type}\ndata: ${JSON.stringify(toView(event.message))}\n\n`;
    for (const res of clients) res.write(data);
  }

  async function sweepUploads(): Promise<void> {
    const s = getStore();
    const names = await readdir(uploadRoot).catch(() => [] as string[]);
    for (const id of names) {
      if (!(await s.getUpload(id))) await rm(path.join(uploadRoot, id), { recursive: true, force: true });
    }
  }

  return {
    name: 'web',
    url() {
      const address = server?.address() as AddressInfo | null;
      const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
      return `http://${host}:${address?.port ?? config.PORT}`;
    },
    async start(h) {
      handler = h;
      const s = getStore();
      subscriber = createRedis(config.REDIS_URL, 'linguacodus-web-events');
      subscriber.on('message', (channel: string, raw: string) => {
        if (channel === s.eventsChannel) broadcast(raw);
      });
      await subscriber.subscribe(s.eventsChannel);
      await sweepUploads().catch((err) => log.warn({ err }, 'upload sweep failed'));
      server = createServer((req, res) => {
        route(req, res).catch((error: unknown) => {
          if (error instanceof HttpError) {
            if (!res.headersSent) send(res, error.status, { error: error.message });
            else res.end();
            return;
          }
          log.error({ err: error, url: req.url }, 'web chat request failed');
          if (!res.headersSent) send(res, 500, { error: 'Something went wrong; see the server log.' });
          else res.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', (error: NodeJS.ErrnoException) => {
          const why =
            error.code === 'EADDRINUSE' ? 'is in use by another program' : `cannot be opened (${error.code})`;
          reject(
            new LinguacodusError(
              'internal',
              `Port ${config.PORT} on ${config.HOST} ${why}; set PORT (or HOST) to another one.`,
              {
                cause: error,
              },
            ),
          );
        });
        server?.listen(config.PORT, config.HOST, () => resolve());
      });
      let beats = 0;
      heartbeat = setInterval(() => {
        for (const res of clients) res.write(': ping\n\n');
        // Hourly: uploads whose record expired (with their sessions) leave the disk too.
        if (++beats % 240 === 0) sweepUploads().catch((err) => log.warn({ err }, 'upload sweep failed'));
      }, 15_000);
      heartbeat.unref();
      log.info({ url: this.url() }, 'web chat listening');
    },
    async post(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedMessage> {
      const stored = await getStore().add(
        {
          id: newId(),
          channel: thread.channel,
          thread: thread.thread,
          user: BOT_USER,
          bot: true,
          text: message.text,
          blocks: message.blocks,
          files: [],
          ts: Date.now(),
          editedTs: null,
        },
        options?.idempotencyKey,
      );
      return { messageId: stored.id };
    },
    async edit(_thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
      const done = await getStore().replace(messageId, { text: message.text, blocks: message.blocks });
      if (!done) log.warn({ messageId }, 'edit of a message that is gone (its history expired)');
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
      if (server) {
        const s = server;
        server = null;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      await Promise.allSettled([subscriber?.quit(), redis?.quit()]);
      subscriber = null;
      redis = null;
      store = null;
    },
  };
}

function safeName(name: string): string {
  const base = path
    .basename(name)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '');
  return (base || 'file').slice(0, 120);
}
