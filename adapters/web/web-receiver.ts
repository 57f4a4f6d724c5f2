// The web chat's way in: a node:http server with its routes, the access check and the request limits. What people
// post or press goes to the bot as an IncomingEvent; the page, the live stream and uploads are served from here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LinguacodusError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { safeFileName } from '../../common/safe-file-name.ts';
import type { IncomingHandler } from '../../contract/surface.ts';
import type { LiveEvents } from './live-events.ts';
import { serveAsset } from './static-assets.ts';
import { messageToIncoming, pressToIncoming } from './translate-events.ts';
import { type Admission, authorize } from './web-auth.ts';
import { HttpError, readBody, sendJson } from './web-http.ts';
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
  private server: Server | null = null;

  constructor(private readonly parts: WebReceiverParts) {}

  /** Binds host:port; a taken or forbidden port is an error naming the setting to change. */
  async listen(): Promise<void> {
    const { host, port } = this.parts.options;
    const server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => this.fail(req, res, error));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why =
          error.code === 'EADDRINUSE' ? 'is in use by another program' : `cannot be opened (${error.code})`;
        reject(
          new LinguacodusError(
            'internal',
            `Port ${port} on ${host} ${why}; set PORT (or HOST) to another one.`,
            {
              cause: error,
            },
          ),
        );
      });
      server.listen(port, host, () => resolve());
    });
  }

  /** The address the chat is served at; before listen, the configured one. */
  url(): string {
    const { host, port } = this.parts.options;
    const address = this.server?.address() as AddressInfo | null | undefined;
    return chatUrl(host, address?.port ?? port);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof HttpError) {
      if (!res.headersSent) sendJson(res, error.status, { error: error.message });
      else res.end();
      return;
    }
    this.parts.logger.error({ err: error, url: req.url }, 'web chat request failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'Something went wrong; see the server log.' });
    else res.end();
  }

  private checkChannel(channel: string): void {
    if (!this.parts.options.channels.includes(channel)) throw new HttpError(404, `no channel #${channel}`);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { options, store, live, uploads } = this.parts;
    if (options.operations?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
    const admission = authorize(req, res, url, { token: options.accessToken, members: options.members });
    if (!admission) return;
    const method = req.method ?? 'GET';
    const s = store();
    if (method === 'GET' && (await serveAsset(res, url.pathname, this.parts.vendorDir))) return;
    if (method === 'GET' && url.pathname === '/api/events') return live.open(req, res);
    if (method === 'GET' && url.pathname === '/api/channels') {
      const view: ChannelsView = { channels: [...options.channels], maxUploadMb: options.maxUploadMb };
      return sendJson(res, 200, view);
    }
    if (url.pathname === '/api/me' && (method === 'GET' || method === 'POST')) {
      const view: MeView = await this.me(req, res, admission, method === 'POST');
      return sendJson(res, 200, view);
    }
    let m = /^\/api\/channels\/([^/]+)\/messages$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const channel = decodeURIComponent(m[1] as string);
      this.checkChannel(channel);
      const roots = await s.roots(channel);
      const view: ChannelMessagesView = {
        messages: await Promise.all(
          roots.map(async (r) => toView(r, summarizeThread(r, await s.replies(r.id)))),
        ),
      };
      return sendJson(res, 200, view);
    }
    m = /^\/api\/threads\/([^/]+)$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const root = await s.get(decodeURIComponent(m[1] as string));
      if (!root) throw new HttpError(404, 'no such thread');
      const view: ThreadView = {
        root: toView(root),
        replies: (await s.replies(root.id)).map((r) => toView(r)),
      };
      return sendJson(res, 200, view);
    }
    if (method === 'POST' && url.pathname === '/api/uploads') {
      const upload = await uploads
        .receive(req, url.searchParams.get('name') ?? 'upload.csv')
        .catch((error: unknown) => {
          if (error instanceof UploadTooLarge) return error;
          throw error;
        });
      if (upload instanceof UploadTooLarge) return this.refuseUpload(req, res, upload.upload);
      const view: UploadView = { id: upload.id, name: upload.name, bytes: upload.bytes, refused: false };
      return sendJson(res, 200, view);
    }
    if (method === 'POST' && url.pathname === '/api/messages') {
      const who = this.parts.identity.identify(req, res, admission);
      const view: PostedView = { message: toView(await this.postFromPerson(req, who)) };
      return sendJson(res, 200, view);
    }
    if (method === 'POST' && url.pathname === '/api/actions') {
      await this.pressButton(req, this.parts.identity.identify(req, res, admission));
      return sendJson(res, 200, { ok: true });
    }
    m = /^\/files\/([^/]+)\/(\d+)(?:\/[^/]*)?$/.exec(url.pathname);
    if (method === 'GET' && m)
      return this.serveFile(res, url, decodeURIComponent(m[1] as string), Number(m[2]));
    throw new HttpError(404, 'not found');
  }

  /** GET /api/me says who this browser is (issuing a guest identity if it has none); POST renames a guest. */
  private async me(
    req: IncomingMessage,
    res: ServerResponse,
    admission: Admission,
    rename: boolean,
  ): Promise<MeView> {
    const who = this.parts.identity.identify(req, res, admission);
    if (!rename) return who;
    const { name } = await readBody(req, renameSchema);
    if (who.nameFixed) throw new HttpError(403, 'Your name comes from your access token (WEB_USERS).');
    return this.parts.identity.rename(res, who, name.trim() || who.user.name);
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
    sendJson(res, 413, view);
    const linger = setTimeout(() => req.socket.destroy(), 5000);
    linger.unref();
    req.socket.once('close', () => clearTimeout(linger));
  }

  /** Stores the message (shown at once through the live feed), then hands it to the bot. */
  private async postFromPerson(req: IncomingMessage, who: Identity): Promise<WebMessage> {
    const body = await readBody(req, postMessageSchema);
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
  private async pressButton(req: IncomingMessage, who: Identity): Promise<void> {
    const body = await readBody(req, pressSchema);
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
  private async serveFile(res: ServerResponse, url: URL, messageId: string, index: number): Promise<void> {
    const message = await this.parts.store().get(messageId);
    const ref = message ? filesOf(message)[index] : undefined;
    if (!ref) throw new HttpError(404, 'no such file');
    const resolved = path.resolve(ref.path);
    if (!resolved.startsWith(this.parts.dataRoot + path.sep)) throw new HttpError(404, 'no such file');
    const info = await stat(resolved).catch(() => null);
    if (!info?.isFile()) throw new HttpError(404, 'the file is gone (its session expired)');
    const inline = url.searchParams.get('download') === null && ref.mime.startsWith('image/');
    res.writeHead(200, {
      'Content-Type': ref.mime,
      'Content-Length': info.size,
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${safeFileName(ref.name)}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    await pipeline(createReadStream(resolved), res);
  }
}
