// The web chat's way in: a fastify server with its routes, the access check and the request limits. What people
// post or press goes to the bot as an IncomingEvent; the page, the live stream and uploads are served from here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { LinguacodusError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { safeFileName } from '../../common/safe-file-name.ts';
import type { IncomingHandler } from '../../contract/surface.ts';
import type { LiveEvents } from './live-events.ts';
import { assetFile, assetType, PUBLIC_DIR } from './static-assets.ts';
import { messageToIncoming, pressToIncoming } from './translate-events.ts';
import { type Admission, authorize } from './web-auth.ts';
import { bodyOf, HttpError, MAX_JSON_BYTES, sendJson } from './web-http.ts';
import type { Identity, WebIdentity } from './web-identity.ts';
import type { WebAdapterOptions } from './web-options.ts';
import { newId, type Upload, type WebMessage, type WebStore } from './web-store.ts';
import { UploadTooLarge, type WebUploads } from './web-uploads.ts';
import {
  buttonsOf,
  type ChannelMessagesView,
  type ChannelsView,
  filesOf,
  type MeView,
  type PostedView,
  postMessageSchema,
  pressSchema,
  renameSchema,
  summarizeThread,
  type ThreadView,
  toView,
  type UploadRefusedView,
  type UploadView,
} from './web-views.ts';

/** `http://host:port`, with an IPv6 host in brackets. */
type PostMessage = ReturnType<typeof postMessageSchema.parse>;
type Press = ReturnType<typeof pressSchema.parse>;

export function chatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface WebReceiverParts {
  options: Pick<
    WebAdapterOptions,
    'host' | 'port' | 'accessToken' | 'members' | 'channels' | 'maxUploadMb' | 'operations'
  >;
  /** Who is behind a request: members by their token, guests by the signed cookie it issues. */
  identity: WebIdentity;
  /** Only files under it are ever served, whatever a message says. */
  dataRoot: string;
  vendorDir: string;
  store: () => WebStore;
  uploads: WebUploads;
  live: LiveEvents;
  handler: IncomingHandler;
  logger: Logger;
}

export class WebReceiver {
  private app: FastifyInstance | null = null;

  constructor(private readonly parts: WebReceiverParts) {}

  /** Binds host:port; a taken or forbidden port is an error naming the setting to change. */
  async listen(): Promise<void> {
    const { host, port } = this.parts.options;
    const app = await this.routes();
    this.app = app;
    try {
      await app.listen({ port, host });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'is in use by another program' : `cannot be opened (${code})`;
      throw new LinguacodusError(
        'internal',
        `Port ${port} on ${host} ${why}; set PORT (or HOST) to another one.`,
        {
          cause,
        },
      );
    }
  }

  /** The address the chat is served at; before listen, the configured one. */
  url(): string {
    const { host, port } = this.parts.options;
    const address = this.app?.server.address() as AddressInfo | null | undefined;
    return chatUrl(host, address?.port ?? port);
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
  }

  /** The chat's routes: the operations' and /healthz before the access check, then the page, the API and files. */
  private async routes(): Promise<FastifyInstance> {
    const { options, store, live, uploads, identity } = this.parts;
    const app = Fastify({ logger: false, bodyLimit: MAX_JSON_BYTES, forceCloseConnections: true });
    const admissions = new WeakMap<FastifyRequest, Admission>();
    const admissionOf = (req: FastifyRequest): Admission => admissions.get(req) ?? { kind: 'guest' };
    // Loaded before the hooks below, so that the cookies are parsed when the access check reads them.
    await app.register(fastifyCookie);
    await app.register(fastifyStatic, { root: PUBLIC_DIR, serve: false });
    app.addHook('onRequest', async (req, reply) => {
      if (options.operations?.(req.raw, reply.raw)) return reply.hijack();
      if (req.routeOptions.url === '/healthz') return;
      const admission = authorize(req, reply, {
        token: options.accessToken,
        members: options.members,
      });
      // authorize answered (401, or the redirect that sets the token cookie).
      if (!admission) return reply;
      admissions.set(req, admission);
    });
    app.setErrorHandler((error: unknown, req, reply) => {
      if (error instanceof HttpError) return sendJson(reply, error.status, { error: error.message });
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return sendJson(reply, 413, { error: 'request too large' });
      if (status === 415) return sendJson(reply, 415, { error: 'expected application/json' });
      if (status === 400) return sendJson(reply, 400, { error: 'invalid JSON' });
      this.parts.logger.error({ err: error, url: req.url }, 'web chat request failed');
      return sendJson(reply, 500, { error: 'Something went wrong; see the server log.' });
    });
    app.setNotFoundHandler((_req, reply) => sendJson(reply, 404, { error: 'not found' }));

    app.get('/healthz', (_req, reply) => sendJson(reply, 200, { ok: true }));
    // The page's files, by the fixed table in static-assets.ts: nothing outside it is ever read.
    const asset = (req: FastifyRequest, reply: FastifyReply) => {
      const file = assetFile(new URL(req.url, 'http://localhost').pathname, this.parts.vendorDir);
      if (!file) return sendJson(reply, 404, { error: 'not found' });
      // The types and caching the page has always been served with (not send's own).
      return reply
        .sendFile(path.basename(file), path.dirname(file), {
          cacheControl: false,
          etag: false,
          lastModified: false,
          contentType: false,
        })
        .header('Content-Type', assetType(file))
        .header('Cache-Control', 'no-cache');
    };
    app.get('/', asset);
    app.get('/*', asset);
    app.get('/api/events', (req, reply) => {
      reply.hijack();
      live.open(req.raw, reply.raw);
    });
    app.get('/api/channels', (_req, reply) => {
      const view: ChannelsView = { channels: [...options.channels], maxUploadMb: options.maxUploadMb };
      return sendJson(reply, 200, view);
    });
    app.get('/api/me', (req, reply) => {
      const view: MeView = identity.identify(req, reply, admissionOf(req));
      return sendJson(reply, 200, view);
    });
    app.post('/api/me', (req, reply) => {
      const who = identity.identify(req, reply, admissionOf(req));
      const { name } = bodyOf(req, renameSchema);
      if (who.nameFixed) throw new HttpError(403, 'Your name comes from your access token (WEB_USERS).');
      const view: MeView = identity.rename(reply, who, name.trim() || who.user.name);
      return sendJson(reply, 200, view);
    });
    app.get<{ Params: { channel: string } }>('/api/channels/:channel/messages', async (req, reply) => {
      const { channel } = req.params;
      this.checkChannel(channel);
      const s = store();
      const roots = await s.roots(channel);
      const view: ChannelMessagesView = {
        messages: await Promise.all(
          roots.map(async (r) => toView(r, summarizeThread(r, await s.replies(r.id)))),
        ),
      };
      return sendJson(reply, 200, view);
    });
    app.get<{ Params: { id: string } }>('/api/threads/:id', async (req, reply) => {
      const s = store();
      const root = await s.get(req.params.id);
      if (!root) throw new HttpError(404, 'no such thread');
      const view: ThreadView = {
        root: toView(root),
        replies: (await s.replies(root.id)).map((r) => toView(r)),
      };
      return sendJson(reply, 200, view);
    });
    app.post('/api/messages', async (req, reply) => {
      const who = identity.identify(req, reply, admissionOf(req));
      const view: PostedView = {
        message: toView(await this.postFromPerson(bodyOf(req, postMessageSchema), who)),
      };
      return sendJson(reply, 200, view);
    });
    app.post('/api/actions', async (req, reply) => {
      const who = identity.identify(req, reply, admissionOf(req));
      await this.pressButton(bodyOf(req, pressSchema), who);
      return sendJson(reply, 200, { ok: true });
    });
    // Uploads stream to disk within MAX_UPLOAD_MB (web-uploads.ts): the body is left unread for it, whatever its type.
    app.register(async (raw) => {
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', (_req, _payload, done) => done(null));
      raw.post<{ Querystring: { name?: string } }>('/api/uploads', async (req, reply) => {
        const upload = await uploads
          .receive(req.raw, req.query.name ?? 'upload.csv')
          .catch((error: unknown) => {
            if (error instanceof UploadTooLarge) return error;
            throw error;
          });
        if (upload instanceof UploadTooLarge) {
          reply.hijack();
          return this.refuseUpload(req.raw, reply.raw, upload.upload);
        }
        const view: UploadView = { id: upload.id, name: upload.name, bytes: upload.bytes, refused: false };
        return sendJson(reply, 200, view);
      });
    });
    const file = (req: FastifyRequest<{ Params: { id: string; n: string } }>, reply: FastifyReply) => {
      if (!/^\d+$/.test(req.params.n)) return sendJson(reply, 404, { error: 'not found' });
      const download = (req.query as Record<string, unknown>).download !== undefined;
      return this.serveFile(reply, download, req.params.id, Number(req.params.n));
    };
    app.get('/files/:id/:n', file);
    app.get('/files/:id/:n/:name', file);
    return app;
  }

  private checkChannel(channel: string): void {
    if (!this.parts.options.channels.includes(channel)) throw new HttpError(404, `no channel #${channel}`);
  }

  /**
   * 413 for an upload past the limit, with the recorded refusal (the page posts it, and the bot answers with the
   * size and the limit). The rest of the body is never read: the connection closes once the answer is out, or
   * after a short wait for a client that keeps sending.
   */
  private refuseUpload(req: IncomingMessage, res: ServerResponse, upload: Upload): void {
    const view: UploadRefusedView = {
      id: upload.id,
      name: upload.name,
      bytes: upload.bytes,
      refused: true,
      error: `${upload.name} is over the ${this.parts.options.maxUploadMb} MB upload limit.`,
    };
    res.setHeader('Connection', 'close');
    res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(view));
    const linger = setTimeout(() => req.socket.destroy(), 5000);
    linger.unref();
    req.socket.once('close', () => clearTimeout(linger));
  }

  /** Stores the message (shown at once through the live feed), then hands it to the bot. */
  private async postFromPerson(body: PostMessage, who: Identity): Promise<WebMessage> {
    this.checkChannel(body.channel);
    const s = this.parts.store();
    if (body.thread) {
      const root = await s.get(body.thread);
      if (!root || root.channel !== body.channel || root.thread) throw new HttpError(404, 'no such thread');
    }
    const attached: Upload[] = [];
    for (const id of body.uploads) {
      const upload = await s.getUpload(id);
      if (!upload) throw new HttpError(400, 'unknown upload (it may have expired); attach the file again');
      attached.push(upload);
    }
    const message = await s.add({
      id: newId(),
      channel: body.channel,
      thread: body.thread,
      user: who.user,
      bot: false,
      text: body.text,
      blocks: null,
      files: attached.flatMap((u) =>
        u.path ? [{ name: u.name, path: u.path, mime: u.mime, bytes: u.bytes }] : [],
      ),
      ts: Date.now(),
      editedTs: null,
    });
    await this.parts.handler(
      messageToIncoming(
        message,
        attached.map((u) => this.parts.uploads.toIncomingFile(u)),
      ),
    );
    return message;
  }

  /** Only a button the message carries can be pressed on it: an action id from elsewhere is refused unread. */
  private async pressButton(body: Press, who: Identity): Promise<void> {
    const message = await this.parts.store().get(body.messageId);
    if (!message) throw new HttpError(404, 'That message is gone (the chat history expired).');
    if (!message.bot || !buttonsOf(message).some((b) => b.action === body.action)) {
      this.parts.logger.warn(
        { messageId: message.id },
        'refused a press of a button the message does not carry',
      );
      throw new HttpError(400, 'That message has no such button.');
    }
    await this.parts.handler(pressToIncoming(message, body.action, who.user, newId()));
  }

  /** A file a message refers to, by its place in the message; only ever from under DATA_DIR. */
  private async serveFile(reply: FastifyReply, download: boolean, messageId: string, index: number) {
    const message = await this.parts.store().get(messageId);
    const ref = message ? filesOf(message)[index] : undefined;
    if (!ref) throw new HttpError(404, 'no such file');
    const resolved = path.resolve(ref.path);
    if (!resolved.startsWith(this.parts.dataRoot + path.sep)) throw new HttpError(404, 'no such file');
    const info = await stat(resolved).catch(() => null);
    if (!info?.isFile()) throw new HttpError(404, 'the file is gone (its session expired)');
    const inline = !download && ref.mime.startsWith('image/');
    return reply
      .code(200)
      .headers({
        'Content-Type': ref.mime,
        'Content-Length': info.size,
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${safeFileName(ref.name)}"`,
        'X-Content-Type-Options': 'nosniff',
      })
      .send(createReadStream(resolved));
  }
}
