// A local Slack: Web API over HTTP, the url_private file host, the upload host and Socket Mode over WebSocket; records all it receives.
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { readBody, WireFake } from './fake-server-kit.ts';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
  /** What the fake answered (e.g. the ts of a posted message). */
  response?: Record<string, unknown>;
}

export interface RecordedUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
}

export interface RecordedAck {
  envelopeId: string;
  payload: unknown;
  at: number;
}

export interface RecordedDownload {
  path: string;
  authorization: string | undefined;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
}

/** A message the fake holds, as conversations.replies returns it. */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

interface HostedFile {
  body: Buffer;
  contentType: string;
}

/** Methods whose fields arrive JSON-encoded inside a form body. */
const JSON_FIELDS = ['blocks', 'attachments', 'files', 'metadata'];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function parseArgs(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  let args: Record<string, unknown> = {};
  if (contentType?.includes('application/json')) {
    args = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } else {
    args = Object.fromEntries(new URLSearchParams(text));
  }
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value === 'string') {
      try {
        args[field] = JSON.parse(value);
      } catch {
        // Left as the string the client sent: the assertion will show it.
      }
    }
  }
  return args;
}

export class FakeSlackServer extends WireFake {
  readonly calls: RecordedCall[] = [];
  readonly uploads: RecordedUpload[] = [];
  readonly acks: RecordedAck[] = [];
  readonly downloads: RecordedDownload[] = [];
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  private readonly files = new Map<string, HostedFile>();
  private readonly pendingUploads = new Map<string, string>();
  private readonly rateLimits = new Map<string, number[]>();
  private readonly refusals = new Map<string, string[]>();
  /** Messages in channels: people's (from eventCallback) and the bot's (chat.postMessage), oldest first. */
  readonly messages: StoredMessage[] = [];
  /** People users.info knows, by id (display names). */
  private readonly people = new Map<string, string>([
    ['U0ALICE', 'Alice'],
    ['U0BOB', 'Bob'],
  ]);
  private tsCounter = 0;

  constructor(private readonly options: FakeSlackOptions) {
    super('fake Slack', (path) => path.startsWith('/socket'));
    this.teamId = options.teamId ?? 'T0OURTEAM';
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botId = options.botId ?? 'B0BOT';
  }

  /** The Web API base URL to give the WebClient (SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** Hosts a file the way Slack's url_private does: the bytes with the bot token, a login page without. */
  hostFile(name: string, body: Buffer | string, contentType: string): string {
    const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
    const path = `/files-pri/${this.teamId}-${id}/${encodeURIComponent(name)}`;
    this.files.set(path, { body: Buffer.from(body), contentType });
    return `${this.origin}${path}`;
  }

  /** The next `count` calls of a method answer 429 with Retry-After: seconds. */
  rateLimit(method: string, count: number, seconds: number): void {
    this.rateLimits.set(
      method,
      Array.from({ length: count }, () => seconds),
    );
  }

  /** Puts a message into a channel as if it had been posted earlier (e.g. a long thread). */
  addMessage(message: StoredMessage): void {
    this.messages.push(message);
  }

  /** The next call of a method answers ok: false with this error, as Slack does (e.g. missing_scope). */
  refuseNext(method: string, error: string): void {
    this.refusals.set(method, [...(this.refusals.get(method) ?? []), error]);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Sends a Socket Mode envelope to every connected client; returns its envelope id. */
  sendEnvelope(
    type: 'events_api' | 'interactive',
    payload: Record<string, unknown>,
    retryAttempt = 0,
  ): { envelopeId: string; sentAt: number } {
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type === 'interactive',
      ...(type === 'events_api'
        ? { retry_attempt: retryAttempt, retry_reason: retryAttempt ? 'timeout' : '' }
        : {}),
    };
    const sentAt = Date.now();
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
    return { envelopeId, sentAt };
  }

  /** Wraps an event the way the Events API delivers it. */
  eventCallback(event: Record<string, unknown>, options: { eventId?: string; teamId?: string } = {}) {
    this.storeEventMessage(event);
    return {
      token: 'verification-token',
      team_id: options.teamId ?? this.teamId,
      api_app_id: 'A0APP',
      event,
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        { team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false },
      ],
    };
  }

  /**
   * An `assistant_thread_started` event: a person opened a new thread in the app's assistant container (a DM with
   * the app, `channel`), rooted at the message Slack posts for it (`threadTs`).
   */
  assistantThreadStarted(options: { channel: string; threadTs: string; userId?: string }) {
    return this.eventCallback({
      type: 'assistant_thread_started',
      assistant_thread: {
        user_id: options.userId ?? 'U0ALICE',
        context: { channel_id: 'C0DATATEAM', team_id: this.teamId, enterprise_id: null },
        channel_id: options.channel,
        thread_ts: options.threadTs,
      },
      event_ts: `${Date.now() / 1000}`,
    });
  }

  /** A block_actions payload for a button on a message the bot posted. */
  blockActions(options: {
    actionId: string;
    value: string;
    channel: string;
    messageTs: string;
    threadTs?: string;
    userId?: string;
    teamId?: string;
    /** The element pressed: a button (default) or one of a `feedback_buttons` element's two. */
    actionType?: 'button' | 'feedback_buttons';
  }) {
    const teamId = options.teamId ?? this.teamId;
    return {
      type: 'block_actions',
      team: { id: teamId, domain: 'team' },
      user: { id: options.userId ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: teamId },
      api_app_id: 'A0APP',
      token: 'verification-token',
      container: {
        type: 'message',
        message_ts: options.messageTs,
        channel_id: options.channel,
        is_ephemeral: false,
      },
      trigger_id: '1.2.3',
      channel: { id: options.channel, name: 'ml' },
      message: {
        type: 'message',
        user: this.botUserId,
        bot_id: this.botId,
        ts: options.messageTs,
        ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        text: '',
      },
      response_url: `${this.origin}/response/${randomUUID()}`,
      actions: [
        {
          type: options.actionType ?? 'button',
          action_id: options.actionId,
          block_id: 'b1',
          value: options.value,
          ...(options.actionType === 'feedback_buttons' ? {} : { text: { type: 'plain_text', text: 'x' } }),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
  }

  /** A person's message event becomes part of the channel, so conversations.replies can return it. */
  private storeEventMessage(event: Record<string, unknown>) {
    const { channel, ts, thread_ts: threadTs, user, text } = event;
    if (typeof channel !== 'string' || typeof ts !== 'string') return;
    if (this.messages.some((m) => m.channel === channel && m.ts === ts)) return;
    this.messages.push({
      channel,
      ts,
      ...(typeof threadTs === 'string' ? { thread_ts: threadTs } : {}),
      ...(typeof user === 'string' ? { user } : {}),
      text: typeof text === 'string' ? text : '',
    });
  }

  /**
   * conversations.replies: the thread's root (when known) and its replies, oldest first, cursor-paginated;
   * metadata only with include_all_metadata, as Slack does.
   */
  private replies(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel);
    const ts = String(args.ts);
    const thread = this.messages.filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts));
    if (thread.length === 0) return { ok: false, error: 'thread_not_found' };
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const limit = Math.max(1, Math.min(1000, Number(args.limit ?? 1000) || 1000));
    const offset = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString('utf8')) : 0;
    const page = thread.slice(offset, offset + limit).map(({ channel: _channel, metadata, ...m }) => ({
      type: 'message',
      ...m,
      ...(withMetadata && metadata ? { metadata } : {}),
    }));
    const next = offset + limit;
    const hasMore = next < thread.length;
    return {
      ok: true,
      messages: page,
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? Buffer.from(String(next)).toString('base64') : '' },
    };
  }

  protected onSocket(ws: WebSocket) {
    ws.on('close', () => this.notify());
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (message.envelope_id) {
        this.acks.push({ envelopeId: message.envelope_id, payload: message.payload, at: Date.now() });
        this.notify();
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0APP' },
      }),
    );
    this.notify();
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  protected routeFailed(res: ServerResponse, error: unknown): void {
    json(res, 500, { ok: false, error: String(error) });
  }

  protected async route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    if (url.pathname.startsWith('/files-pri/')) return this.serveFile(req, res, url.pathname);
    if (url.pathname.startsWith('/upload/')) return this.receiveUpload(req, res, url.pathname, body);
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(body, req.headers['content-type']);
    const authorization = req.headers.authorization;
    const call: RecordedCall = { method, args, authorization, at: Date.now() };
    this.calls.push(call);
    const pendingLimits = this.rateLimits.get(method);
    if (pendingLimits && pendingLimits.length > 0) {
      const seconds = pendingLimits.shift() as number;
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(seconds) });
      this.notify();
      return;
    }
    const token = authorization?.replace(/^Bearer /, '') ?? (args.token as string | undefined);
    const expected = method === 'apps.connections.open' ? this.options.appToken : this.options.botToken;
    if (token !== expected) {
      call.response = { ok: false, error: 'invalid_auth' };
      json(res, 200, call.response);
      this.notify();
      return;
    }
    const refusal = this.refusals.get(method)?.shift();
    call.response = refusal ? { ok: false, error: refusal } : this.answer(method, args);
    json(res, 200, call.response);
    this.notify();
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://ourteam.slack.com/',
          team: 'Our Team',
          user: 'linguacodus',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket?ticket=${randomUUID()}` };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const metadata = args.metadata as StoredMessage['metadata'] | undefined;
        const message: StoredMessage = {
          channel: String(args.channel),
          ts,
          ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
          user: this.botUserId,
          bot_id: this.botId,
          text: String(args.text ?? ''),
          ...(metadata ? { metadata } : {}),
        };
        this.messages.push(message);
        return {
          ok: true,
          channel: args.channel,
          ts,
          message: { type: 'message', ts, text: args.text, ...(metadata ? { metadata } : {}) },
        };
      }
      case 'chat.update': {
        const stored = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (stored) stored.text = String(args.text ?? '');
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      }
      case 'conversations.replies':
        return this.replies(args);
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'files.getUploadURLExternal': {
        const fileId = `F${randomUUID().slice(0, 8).toUpperCase()}`;
        this.pendingUploads.set(fileId, String(args.filename));
        return { ok: true, upload_url: `${this.origin}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        const missing = files.filter((f) => !this.uploads.some((u) => u.fileId === f.id));
        if (missing.length > 0) return { ok: false, error: 'file_not_found' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'users.info': {
        const name = this.people.get(String(args.user));
        if (!name) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: args.user,
            team_id: this.teamId,
            name: name.toLowerCase(),
            real_name: name,
            profile: { display_name: name, real_name: name },
          },
        };
      }
      // The AI-app container's thread calls: recorded (callsOf) and answered as Slack does.
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setSuggestedPrompts':
      case 'assistant.threads.setTitle':
        if (!args.channel_id || !args.thread_ts) return { ok: false, error: 'invalid_arguments' };
        return { ok: true };
      case 'conversations.info':
        return { ok: true, channel: { id: args.channel, name: 'ml', is_channel: true } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private serveFile(req: IncomingMessage, res: ServerResponse, path: string) {
    this.downloads.push({ path, authorization: req.headers.authorization });
    this.notify();
    const file = this.files.get(path);
    if (req.headers.authorization !== `Bearer ${this.options.botToken}`) {
      // Slack answers an unauthenticated url_private request with its sign-in page and status 200.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length) });
    res.end(file.body);
  }

  private async receiveUpload(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) {
    const fileId = path.slice('/upload/'.length);
    const filename = this.pendingUploads.get(fileId);
    if (!filename) {
      res.writeHead(404).end('unknown upload');
      return;
    }
    let bytes = body;
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': contentType },
      }).formData();
      let first: FormDataEntryValue | undefined;
      form.forEach((value) => {
        first ??= value;
      });
      bytes =
        typeof first === 'string' ? Buffer.from(first) : Buffer.from(await (first as Blob).arrayBuffer());
    }
    this.uploads.push({ fileId, filename, bytes });
    this.notify();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${bytes.length}`);
  }
}

/** Signs a request body the way Slack does (v0 HMAC-SHA256 over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Sends a request to an HTTP-mode app the way Slack's Events API or Interactivity would. */
export async function sendSignedRequest(
  url: string,
  payload: Record<string, unknown>,
  options: {
    secret?: string;
    timestamp?: number;
    retryNum?: number;
    form?: boolean;
    signature?: string;
  },
): Promise<{ status: number; body: string; elapsedMs: number }> {
  const body = options.form
    ? new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
    : JSON.stringify(payload);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature =
    options.signature ?? (options.secret ? slackSignature(options.secret, timestamp, body) : undefined);
  if (signature) headers['x-slack-signature'] = signature;
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), elapsedMs: Date.now() - started };
}
