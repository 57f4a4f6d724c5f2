// A local Discord: the REST API over HTTP, a CDN for attachments, and the gateway over WebSocket; records all it receives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { readBody, WireFake } from './fake-server-kit.ts';

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, e.g. /channels/123/messages. */
  path: string;
  query: string;
  /** JSON body, or payload_json of a multipart body. */
  body: Record<string, unknown> | undefined;
  files: { field: string; name: string; bytes: Buffer }[];
  authorization: string | undefined;
  at: number;
  /** What the fake answered (e.g. the posted message, with its id). */
  response?: unknown;
}

export interface GatewayPayload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

interface Channel {
  id: string;
  type: number;
  name: string;
  guild_id: string;
  parent_id?: string;
  owner_id?: string;
}

const GUILD_TEXT = 0;
const PUBLIC_THREAD = 11;

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  const request = (res as ServerResponse & { recorded?: RecordedRequest }).recorded;
  if (request) request.response = body;
}

export class FakeDiscordServer extends WireFake {
  readonly requests: RecordedRequest[] = [];
  readonly gatewayReceived: GatewayPayload[] = [];
  readonly token: string;
  readonly botUser = {
    id: '900000000000000001',
    username: 'linguacodus',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };
  readonly applicationId = '900000000000000002';
  readonly guildId = '900000000000000010';
  readonly channelId = '900000000000000020';
  readonly otherChannelId = '900000000000000021';
  readonly user = {
    id: '900000000000000100',
    username: 'alice',
    discriminator: '0',
    global_name: 'Alice',
    avatar: null,
  };
  private readonly channels = new Map<string, Channel>();
  private readonly messages = new Map<string, Record<string, unknown>>();
  /** False makes the gateway refuse IDENTIFY as Discord does when Message Content is off in the portal. */
  privilegedIntentsAllowed = true;
  private readonly rateLimits: { method: string; pattern: RegExp; count: number; seconds: number }[] = [];
  private readonly nonces = new Map<string, Record<string, unknown>>();
  private readonly cdn = new Map<string, { body: Buffer; contentType: string }>();
  private sequence = 0;
  private snowflake = 1_000_000n;

  /** heartbeat_interval sent in HELLO (ms); short in tests so heartbeats and ACKs happen while they run. */
  constructor(
    token: string,
    private readonly heartbeatIntervalMs = 41_250,
  ) {
    super('fake Discord');
    this.token = token;
    for (const [id, name] of [
      [this.channelId, 'ml-tasks'],
      [this.otherChannelId, 'general'],
    ] as const) {
      this.channels.set(id, { id, type: GUILD_TEXT, name, guild_id: this.guildId });
    }
  }

  /** REST base for DISCORD_API_URL (discord.js appends /v10). */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  /** Gateway URL for DISCORD_GATEWAY_URL (GET /gateway/bot answers Discord's real one, as Discord would). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  nextId(): string {
    this.snowflake += 1n;
    return (900_000_000_000_000_000n + this.snowflake).toString();
  }

  /** Serves bytes from the fake CDN; returns the attachment object a message would carry. */
  hostAttachment(filename: string, body: Buffer | string, contentType: string, declaredSize?: number) {
    const id = this.nextId();
    const path = `/attachments/${this.channelId}/${id}/${encodeURIComponent(filename)}`;
    const bytes = Buffer.from(body);
    this.cdn.set(path, { body: bytes, contentType });
    return {
      id,
      filename,
      size: declaredSize ?? bytes.length,
      url: `${this.origin}${path}`,
      proxy_url: `${this.origin}${path}`,
      content_type: contentType,
    };
  }

  /** The next `count` requests matching method and path answer 429 with Retry-After: seconds. */
  rateLimit(method: string, pattern: RegExp, count: number, seconds: number): void {
    this.rateLimits.push({ method, pattern, count, seconds });
  }

  requestsTo(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  /** Sends a dispatch (op 0) to every connected gateway client. */
  dispatch(t: string, d: unknown): void {
    this.sequence += 1;
    const payload = JSON.stringify({ op: 0, t, s: this.sequence, d });
    for (const ws of this.sockets) ws.send(payload);
  }

  /** A user's message as MESSAGE_CREATE; returns the message id. */
  userMessage(options: {
    /** Reuse an id to replay a message, as the gateway does after a resume. */
    id?: string;
    content: string;
    channelId?: string;
    mentionBot?: boolean;
    attachments?: ReturnType<FakeDiscordServer['hostAttachment']>[];
    author?: Record<string, unknown>;
  }): string {
    const id = options.id ?? this.nextId();
    const author = options.author ?? this.user;
    const message = {
      id,
      channel_id: options.channelId ?? this.channelId,
      guild_id: this.guildId,
      author,
      member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
      content: options.mentionBot ? `<@${this.botUser.id}> ${options.content}` : options.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: options.mentionBot ? [this.botUser] : [],
      mention_roles: [],
      attachments: options.attachments ?? [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
    };
    this.messages.set(id, message);
    this.dispatch('MESSAGE_CREATE', message);
    return id;
  }

  /** Starts a thread on a message (as Discord does for POST .../threads, or as an earlier bot process did). */
  createThread(parentId: string, messageId: string, name: string) {
    // A thread started from a message takes that message's id.
    const thread = {
      id: messageId,
      type: PUBLIC_THREAD,
      guild_id: this.guildId,
      parent_id: parentId,
      owner_id: this.botUser.id,
      name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
    };
    this.channels.set(messageId, thread);
    this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  /** A button press as INTERACTION_CREATE on a message the bot posted. */
  pressButton(options: { messageId: string; customId: string; guildId?: string; channelId?: string }): {
    id: string;
    token: string;
    sentAt: number;
  } {
    const id = this.nextId();
    const token = `interaction-token-${id}`;
    const message = this.messages.get(options.messageId) ?? {
      id: options.messageId,
      channel_id: options.channelId ?? this.channelId,
      author: this.botUser,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      components: [],
    };
    const channelId = options.channelId ?? String(message.channel_id);
    const guildId = options.guildId ?? this.guildId;
    const channel = this.channels.get(channelId);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type: 3,
      token,
      version: 1,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: channel ?? { id: channelId, type: GUILD_TEXT, guild_id: guildId, name: 'elsewhere' },
      member: {
        user: this.user,
        roles: [],
        permissions: '2248473465835073',
        joined_at: new Date(0).toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
      message,
      data: { custom_id: options.customId, component_type: 2 },
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10485760,
    });
    return { id, token, sentAt: Date.now() };
  }

  protected onSocket(ws: WebSocket) {
    ws.on('message', (data) => {
      const payload = JSON.parse(String(data)) as GatewayPayload;
      this.gatewayReceived.push(payload);
      if (payload.op === 1) ws.send(JSON.stringify({ op: 11, d: null }));
      if (payload.op === 2 && this.privilegedIntentsAllowed) this.ready(ws);
      // Discord closes with 4014 when the app asks for a privileged intent it was not granted in the portal.
      else if (payload.op === 2) ws.close(4014, 'Disallowed intent(s).');
      this.notify();
    });
    ws.send(
      JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }),
    );
  }

  private ready(ws: WebSocket) {
    const send = (t: string, d: unknown) => {
      this.sequence += 1;
      ws.send(JSON.stringify({ op: 0, t, s: this.sequence, d }));
    };
    send('READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: 'fake-session-1',
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    send('GUILD_CREATE', {
      id: this.guildId,
      name: 'Data Team',
      icon: null,
      owner_id: this.user.id,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      system_channel_flags: 0,
      nsfw_level: 0,
      preferred_locale: 'en-US',
      features: [],
      roles: [
        {
          id: this.guildId,
          name: '@everyone',
          permissions: '2248473465835073',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      channels: [...this.channels.values()]
        .filter((c) => c.type === GUILD_TEXT)
        .map((c, position) => ({ ...c, position, permission_overwrites: [], nsfw: false, topic: null })),
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      member_count: 2,
      large: false,
      unavailable: false,
      joined_at: new Date(0).toISOString(),
      lazy: true,
    });
  }

  protected routeFailed(res: ServerResponse, error: unknown): void {
    json(res, 500, { message: String(error), code: 0 });
  }

  protected async route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/attachments/')) {
      const file = this.cdn.get(url.pathname);
      if (!file) return json(res, 404, { message: 'Not found' });
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length) });
      res.end(file.body);
      return;
    }
    const prefix = '/api/v10';
    if (!url.pathname.startsWith(prefix)) return json(res, 404, { message: '404: Not Found', code: 0 });
    const path = url.pathname.slice(prefix.length);
    const recorded = await this.record(req, path, url.search, raw);
    this.requests.push(recorded);
    (res as ServerResponse & { recorded?: RecordedRequest }).recorded = recorded;
    const limit = this.rateLimits.find((l) => l.method === req.method && l.pattern.test(path) && l.count > 0);
    if (limit) {
      // Discord's 429: Retry-After plus the bucket headers and body that @discordjs/rest reads.
      limit.count -= 1;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(limit.seconds),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(limit.seconds),
        'x-ratelimit-bucket': 'fakebucket',
        'x-ratelimit-scope': 'user',
      });
      res.end(
        JSON.stringify({ message: 'You are being rate limited.', retry_after: limit.seconds, global: false }),
      );
      this.notify();
      return;
    }
    const interactionPath = /^\/interactions\/\d+\/[^/]+\/callback$/;
    const webhookPath = /^\/webhooks\/\d+\/[^/]+/;
    if (
      !interactionPath.test(path) &&
      !webhookPath.test(path) &&
      req.headers.authorization !== `Bot ${this.token}`
    ) {
      json(res, 401, { message: '401: Unauthorized', code: 0 });
      this.notify();
      return;
    }
    this.answer(req.method ?? 'GET', path, recorded, res);
    this.notify();
  }

  private async record(
    req: IncomingMessage,
    path: string,
    query: string,
    raw: Buffer,
  ): Promise<RecordedRequest> {
    const contentType = req.headers['content-type'] ?? '';
    let body: Record<string, unknown> | undefined;
    const files: RecordedRequest['files'] = [];
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': contentType },
      }).formData();
      const entries: [string, FormDataEntryValue][] = [];
      form.forEach((value, key) => {
        entries.push([key, value]);
      });
      for (const [key, value] of entries) {
        if (key === 'payload_json' && typeof value === 'string')
          body = JSON.parse(value) as Record<string, unknown>;
        else if (typeof value !== 'string') {
          files.push({
            field: key,
            name: (value as File).name,
            bytes: Buffer.from(await value.arrayBuffer()),
          });
        }
      }
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    }
    return {
      method: req.method ?? 'GET',
      path,
      query,
      body,
      files,
      authorization: req.headers.authorization,
      at: Date.now(),
    };
  }

  private botMessage(
    channelId: string,
    body: Record<string, unknown> | undefined,
    files: RecordedRequest['files'],
    id?: string,
  ) {
    return {
      id: id ?? this.nextId(),
      channel_id: channelId,
      author: this.botUser,
      content: body?.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: id ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: files.map((f) => ({
        id: this.nextId(),
        filename: f.name,
        size: f.bytes.length,
        url: `${this.origin}/attachments/${channelId}/${f.name}`,
        proxy_url: `${this.origin}/attachments/${channelId}/${f.name}`,
      })),
      embeds: body?.embeds ?? [],
      components: body?.components ?? [],
      pinned: false,
      type: 0,
      flags: 0,
    };
  }

  private answer(method: string, path: string, request: RecordedRequest, res: ServerResponse) {
    for (const [verb, pattern, handle] of this.routes()) {
      const match = path.match(pattern);
      if ((verb === '*' || verb === method) && match) return handle(match, request, res);
    }
    return json(res, 404, { message: '404: Not Found', code: 0 });
  }

  private routes(): [
    string,
    RegExp,
    (m: RegExpMatchArray, r: RecordedRequest, res: ServerResponse) => void,
  ][] {
    return [
      [
        'GET',
        /^\/gateway\/bot$/,
        (_m, _r, res) =>
          // Real Discord's answer: only DISCORD_GATEWAY_URL brings the client to this fake gateway.
          json(res, 200, {
            url: 'wss://gateway.discord.gg',
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 60_000, max_concurrency: 1 },
          }),
      ],
      ['GET', /^\/users\/@me$/, (_m, _r, res) => json(res, 200, this.botUser)],
      [
        'GET',
        /^\/channels\/(\d+)$/,
        (m, _r, res) => {
          const channel = this.channels.get(m[1] as string);
          json(res, channel ? 200 : 404, channel ?? { message: 'Unknown Channel', code: 10003 });
        },
      ],
      [
        'POST',
        /^\/channels\/(\d+)\/typing$/,
        (m, _r, res) => {
          if (!this.channels.has(m[1] as string))
            return json(res, 404, { message: 'Unknown Channel', code: 10003 });
          res.writeHead(204).end();
        },
      ],
      [
        'POST',
        /^\/channels\/(\d+)\/messages$/,
        (m, request, res) => {
          const channelId = m[1] as string;
          if (!this.channels.has(channelId))
            return json(res, 404, { message: 'Unknown Channel', code: 10003 });
          const nonce = request.body?.enforce_nonce ? String(request.body.nonce ?? '') : '';
          const earlier = nonce ? this.nonces.get(nonce) : undefined;
          if (earlier) return json(res, 200, earlier);
          const message = {
            ...this.botMessage(channelId, request.body, request.files),
            nonce: nonce || undefined,
          };
          if (nonce) this.nonces.set(nonce, message);
          this.messages.set(message.id, message);
          json(res, 200, message);
          // Discord echoes the bot's own messages over the gateway too.
          this.dispatch('MESSAGE_CREATE', { ...message, guild_id: this.guildId });
        },
      ],
      [
        'PATCH',
        /^\/channels\/(\d+)\/messages\/(\d+)$/,
        (m, request, res) => {
          const [, channelId, messageId] = m as unknown as [string, string, string];
          if (!this.messages.has(messageId))
            return json(res, 404, { message: 'Unknown Message', code: 10008 });
          const message = this.botMessage(channelId, request.body, request.files, messageId);
          this.messages.set(messageId, message);
          json(res, 200, message);
        },
      ],
      [
        'POST',
        /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
        (m, request, res) => {
          const [, parentId, messageId] = m as unknown as [string, string, string];
          if (this.channels.has(messageId)) {
            return json(res, 400, {
              message: 'A thread has already been created for this message',
              code: 160004,
            });
          }
          const thread = this.createThread(parentId, messageId, String(request.body?.name ?? 'thread'));
          json(res, 201, thread);
        },
      ],
      ['POST', /^\/interactions\/\d+\/[^/]+\/callback$/, (_m, _r, res) => void res.writeHead(204).end()],
      [
        '*',
        /^\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/,
        (_m, request, res) => json(res, 200, this.botMessage(this.channelId, request.body, request.files)),
      ],
    ];
  }
}
