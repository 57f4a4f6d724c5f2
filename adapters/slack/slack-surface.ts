// The Slack ChatSurface: Bolt (Socket Mode or signed HTTP) in, Web API out; translation only, no business logic.
import { readFile } from 'node:fs/promises';
import { App, HTTPReceiver, type webApi } from '@slack/bolt';
import { LinguacodusError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type {
  ChatSurface,
  IncomingFile,
  IncomingHandler,
  PostedMessage,
  PostOptions,
} from '../../contract/surface.ts';
import { rememberNewest } from '../remember-newest.ts';
import { SeenEvents } from '../seen-events.ts';
import { isAssistantChannel, slackAssistant, WORKING_STATUS } from './assistant-thread.ts';
import { toSlackLogger } from './bolt-logger.ts';
import { deliveryMetadata, findDeliveredMessage } from './delivery-key.ts';
import { downloadSlackFile } from './download-file.ts';
import { renderSlackMessage, type SlackUpload } from './render-blocks.ts';
import { refuseSkewedRequests } from './request-time.ts';
import { slackApiError } from './slack-api-error.ts';
import type { SlackAdapterOptions } from './slack-options.ts';
import {
  actionTeam,
  actionToIncoming,
  isPersonMessage,
  messageToIncoming,
  type SlackMessageEvent,
  slackBlockActionsSchema,
  slackMessageEventSchema,
} from './translate-events.ts';

/** Retries for 5xx and network failures; 429s additionally wait out Retry-After inside the WebClient. */
const RETRY_CONFIG = { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 30_000, randomize: true };

/** How many posted messages (uploads, keys) and names we remember, so edits do not upload a file twice. */
const UPLOAD_MEMORY = 1000;

/** How long a looked-up display name is reused before asking users.info again. */
const NAME_TTL_MS = 60 * 60 * 1000;

export type SlackMode = 'socket' | 'http';

export class SlackSurface implements ChatSurface {
  readonly name = 'slack' as const;
  readonly mode: SlackMode;
  private app: App | undefined;
  private receiving = false;
  private teamId = '';
  private botUserId = '';
  private readonly seen: SeenEvents;
  private readonly uploaded = new Map<string, Set<string>>();
  /** Idempotency key → ts of posts this process made, so an in-process retry needs no lookup. */
  private readonly keyed = new Map<string, string>();
  private readonly names = new Map<string, { name: string; at: number }>();
  private readonly logger: Logger;
  private readonly apiHost: string | undefined;

  // The messages name the settings the bot reads these options from: that is what a person fixes.
  constructor(private readonly options: SlackAdapterOptions) {
    if (!options.botToken) {
      throw new LinguacodusError('bad_input', 'SLACK_BOT_TOKEN is not set: the Slack surface cannot start.');
    }
    if (!options.appToken && !options.signingSecret) {
      throw new LinguacodusError(
        'bad_input',
        'Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).',
      );
    }
    this.logger = options.logger;
    this.seen = new SeenEvents(options.connectRedis, 'linguacodus-slack', options.keyPrefix, this.logger);
    this.mode = options.appToken ? 'socket' : 'http';
    this.apiHost = options.apiUrl ? new URL(options.apiUrl).host : undefined;
  }

  /** The HTTP-mode port actually bound (for logs and tests); undefined in Socket Mode. */
  port: number | undefined;

  async start(handler: IncomingHandler): Promise<void> {
    const slackLogger = toSlackLogger(this.logger);
    const clientOptions: webApi.WebClientOptions = {
      retryConfig: RETRY_CONFIG,
      logger: slackLogger,
      ...(this.options.apiUrl ? { slackApiUrl: this.options.apiUrl } : {}),
    };
    const common = {
      token: this.options.botToken,
      logger: slackLogger,
      clientOptions,
      // Bolt would otherwise verify the token at construction, before our own auth.test reports a clear error.
      deferInitialization: true,
    };
    const app =
      this.mode === 'socket'
        ? new App({
            ...common,
            appToken: this.options.appToken,
            socketMode: true,
            // apps.connections.open goes through this client: the same API URL as the bot's calls.
            installerOptions: { clientOptions },
          })
        : new App({ ...common, receiver: this.httpReceiver(slackLogger) });
    this.app = app;

    const auth = await app.client.auth.test().catch((error: unknown) => {
      this.app = undefined;
      const e = error as { code?: string; data?: { error?: string } };
      if (e.code === 'slack_webapi_platform_error') {
        throw new LinguacodusError(
          'bad_input',
          `Slack refused SLACK_BOT_TOKEN (${e.data?.error ?? 'auth.test failed'}); check the xoxb- token.`,
          { cause: error },
        );
      }
      throw new LinguacodusError(
        'bad_input',
        `Could not reach Slack (${String(error)}); check the network.`,
        {
          cause: error,
          retryable: true,
        },
      );
    });
    this.teamId = String(auth.team_id ?? '');
    this.botUserId = String(auth.user_id ?? '');
    await app.init();
    this.register(app, handler);
    const started = (await (this.mode === 'http' ? app.start(this.options.port) : app.start()).catch(
      (error: unknown) => {
        throw startError(this.mode, this.options.port, error);
      },
    )) as unknown;
    this.receiving = true;
    const address = (started as { address?: () => unknown } | undefined)?.address?.();
    if (address && typeof address === 'object' && 'port' in address) this.port = Number(address.port);
    this.logger.info(
      { mode: this.mode, team: this.teamId, port: this.port },
      `Slack surface connected (${this.mode === 'socket' ? 'Socket Mode' : `HTTP on port ${this.port}`})`,
    );
  }

  /** Bolt's signed-request receiver, with requests stamped more than five minutes off either way refused first. */
  private httpReceiver(logger: ReturnType<typeof toSlackLogger>): HTTPReceiver {
    const receiver = new HTTPReceiver({
      signingSecret: this.options.signingSecret ?? '',
      port: this.options.port,
      processBeforeResponse: false,
      logger,
    });
    receiver.requestListener = refuseSkewedRequests(receiver.requestListener);
    return receiver;
  }

  private register(app: App, handler: IncomingHandler) {
    // Events are acked by Bolt before middleware runs; this drops resends of an event any process already took.
    app.use(async ({ body, next }) => {
      const eventId = (body as { event_id?: unknown }).event_id;
      if (typeof eventId === 'string' && !(await this.seen.first('event', eventId))) {
        this.logger.debug({ eventId }, 'Slack event resent; already handled');
        return;
      }
      await next();
    });

    // The AI-app container (app installed with the assistant feature): its threads are DMs with the app, every
    // message in one addressed to the bot, and then the same path as a mention.
    app.assistant(
      slackAssistant({
        prompts: this.options.assistantPrompts ?? [],
        ...(this.options.assistantPromptsTitle ? { promptsTitle: this.options.assistantPromptsTitle } : {}),
        logger: this.logger,
        onMessage: async (event) => {
          const parsed = slackMessageEventSchema.safeParse(event);
          if (!parsed.success || !isPersonMessage(parsed.data, this.botUserId)) return false;
          const name = await this.userName(parsed.data.user);
          await this.dispatch(
            handler,
            messageToIncoming(parsed.data, this.teamId, true, this.files(parsed.data), name),
          );
          return true;
        },
      }),
    );

    app.event('app_mention', async ({ event }) => {
      const parsed = slackMessageEventSchema.safeParse(event);
      if (!parsed.success)
        return this.logger.warn({ issues: parsed.error.issues }, 'unreadable app_mention event');
      if (!isPersonMessage(parsed.data, this.botUserId)) return;
      const name = await this.userName(parsed.data.user);
      await this.dispatch(
        handler,
        messageToIncoming(parsed.data, this.teamId, true, this.files(parsed.data), name),
      );
    });

    app.event('message', async ({ event }) => {
      const parsed = slackMessageEventSchema.safeParse(event);
      if (!parsed.success)
        return this.logger.debug({ issues: parsed.error.issues }, 'ignored Slack message event');
      const message = parsed.data;
      if (!isPersonMessage(message, this.botUserId)) return;
      // A mention also arrives as app_mention: take it from there only, so it is handled once.
      if (message.text.includes(`<@${this.botUserId}>`)) return;
      const configured = this.options.channels.includes(message.channel);
      const threadReply = !!message.thread_ts && message.thread_ts !== message.ts;
      if (!configured && !threadReply) return;
      const name = await this.userName(message.user);
      await this.dispatch(
        handler,
        messageToIncoming(message, this.teamId, configured, this.files(message), name),
      );
    });

    app.action(/.*/, async ({ ack, body, client }) => {
      await ack();
      const parsed = slackBlockActionsSchema.safeParse(body);
      if (!parsed.success)
        return this.logger.warn({ issues: parsed.error.issues }, 'unreadable Slack action');
      const team = actionTeam(parsed.data);
      if (team !== this.teamId) {
        this.logger.warn({ team, ours: this.teamId }, 'refused a button press from another workspace');
        const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
        if (channel) {
          await client.chat
            .postEphemeral({
              channel,
              user: parsed.data.user.id,
              text: 'This button belongs to another workspace, so it cannot be used from here.',
              ...(parsed.data.message?.thread_ts ? { thread_ts: parsed.data.message.thread_ts } : {}),
            })
            .catch((error: unknown) => this.logger.warn({ err: error }, 'could not tell the user why'));
        }
        return;
      }
      const incoming = actionToIncoming(parsed.data, this.teamId);
      if (!incoming) return;
      // The same display name as on messages, so "started by" reads alike whichever way a person acted.
      const name = await this.userName(incoming.user.id);
      await this.dispatch(handler, {
        ...incoming,
        user: { id: incoming.user.id, name: name ?? incoming.user.name },
      });
    });

    app.error(async (error) => {
      this.logger.error({ err: error }, 'Slack event handling failed');
    });
  }

  /**
   * A person's display name for the bot's replies ("started by Ann"); events carry only the id. Cached; on any
   * failure (e.g. a workspace that withheld users:read) the id stands in, which Slack users still recognise.
   */
  private async userName(id: string | undefined): Promise<string | undefined> {
    if (!id || !this.app) return id;
    const cached = this.names.get(id);
    if (cached && Date.now() - cached.at < NAME_TTL_MS) return cached.name;
    const name = await this.app.client.users
      .info({ user: id })
      .then((r) => r.user?.profile?.display_name || r.user?.real_name || r.user?.name || id)
      .catch((error: unknown) => {
        this.logger.debug({ err: error, user: id }, 'users.info failed; using the user id as the name');
        return id;
      });
    rememberNewest(this.names, id, { name, at: Date.now() }, UPLOAD_MEMORY);
    return name;
  }

  private async dispatch(handler: IncomingHandler, event: Parameters<IncomingHandler>[0]): Promise<void> {
    try {
      await handler(event);
    } catch (error) {
      this.logger.error({ err: error, thread: event.thread }, 'the bot failed to take a Slack event');
    }
  }

  /** Files Slack still holds (not deleted, "tombstone"), each downloadable on request with the bot token. */
  private files(event: SlackMessageEvent): IncomingFile[] {
    return event.files.flatMap((f) => {
      const url = f.url_private_download ?? f.url_private;
      if (!url || f.mode === 'tombstone') return [];
      return [
        {
          name: f.name,
          bytes: f.size,
          mime: f.mimetype,
          download: (destPath: string, maxBytes: number) =>
            downloadSlackFile(
              { name: f.name, url, bytes: f.size },
              this.options.botToken,
              destPath,
              maxBytes,
              this.apiHost,
            ),
        },
      ];
    });
  }

  private requireApp(): App {
    // Retryable: a delivery that arrives before start (or after a failed one) waits in the queue instead of being lost.
    if (!this.app)
      throw new LinguacodusError('internal', 'The Slack surface is not started.', { retryable: true });
    return this.app;
  }

  async post(thread: ThreadRef, message: OutgoingMessage, options: PostOptions = {}): Promise<PostedMessage> {
    const app = this.requireApp();
    const rendered = renderSlackMessage(message);
    const key = options.idempotencyKey;
    const earlier = key ? await this.earlierPost(thread, key) : undefined;
    if (earlier) {
      // A retry after a crash: the message is there; finish its uploads (the crash may have cut them short).
      await this.upload(thread, earlier, rendered.uploads);
      return { messageId: earlier };
    }
    const result = await app.client.chat
      .postMessage({
        channel: thread.channel,
        thread_ts: thread.thread,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        ...(key ? { metadata: deliveryMetadata(key) } : {}),
      })
      .catch((error: unknown) => {
        throw slackApiError('chat.postMessage', 'post a message', error);
      });
    const messageId = String(result.ts);
    if (key) rememberNewest(this.keyed, key, messageId, UPLOAD_MEMORY);
    // Slack clears an assistant thread's status when the app posts in it; a post still at work sets it again.
    if (message.busy) await this.assistantStatus(thread, WORKING_STATUS);
    await this.upload(thread, messageId, rendered.uploads);
    return { messageId };
  }

  /**
   * The ts of a message already posted under `key`: from memory, else from the thread, where the key travels as
   * message metadata. Slack has no idempotent post, and after a crash only the thread knows, so every keyed post
   * reads it (bounded pages; bot threads are short). A transient failure is retried by the deliver queue; a
   * refusal (e.g. a workspace without the history scopes) is logged and the post goes ahead: a rare double beats
   * a lost message.
   */
  private async earlierPost(thread: ThreadRef, key: string): Promise<string | undefined> {
    const known = this.keyed.get(key);
    if (known) return known;
    try {
      const lookup = await findDeliveredMessage(this.requireApp().client, thread.channel, thread.thread, key);
      if (lookup.found) {
        this.logger.info(
          { key, ts: lookup.ts },
          'Slack message already posted under this key; not posting again',
        );
        rememberNewest(this.keyed, key, lookup.ts, UPLOAD_MEMORY);
        return lookup.ts;
      }
      if (!lookup.complete)
        this.logger.warn({ key, thread }, 'thread too long to check fully for an earlier post');
      return undefined;
    } catch (error) {
      const e = error as { code?: string; data?: { error?: string } };
      if (e.code === 'slack_webapi_platform_error') {
        // thread_not_found: nothing of ours can be in it; other refusals: see above.
        if (e.data?.error !== 'thread_not_found')
          this.logger.warn({ err: error, key }, 'could not read the thread to check for an earlier post');
        return undefined;
      }
      throw slackApiError('conversations.replies', 'read the thread before posting', error);
    }
  }

  async edit(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
    const app = this.requireApp();
    const rendered = renderSlackMessage(message);
    await app.client.chat
      .update({ channel: thread.channel, ts: messageId, text: rendered.text, blocks: rendered.blocks })
      .catch((error: unknown) => {
        throw slackApiError('chat.update', 'edit a message', error);
      });
    // An edit does not clear the status line: one that is no longer at work clears it.
    await this.assistantStatus(thread, message.busy ? WORKING_STATUS : '');
    await this.upload(thread, messageId, rendered.uploads);
  }

  /**
   * The status line under an assistant thread ('' clears it), as Bolt's setStatus does. Only assistant threads
   * have one; a refusal (a DM that is not one, an app without assistant:write) costs the message nothing.
   */
  private async assistantStatus(thread: ThreadRef, status: string): Promise<void> {
    if (!isAssistantChannel(thread.channel)) return;
    await this.requireApp()
      .client.assistant.threads.setStatus({ channel_id: thread.channel, thread_ts: thread.thread, status })
      .catch((error: unknown) =>
        this.logger.debug({ err: error, thread }, 'could not set the assistant thread status'),
      );
  }

  /** Uploads into the thread with files.uploadV2; a file already uploaded for this message is not sent again. */
  private async upload(thread: ThreadRef, messageId: string, uploads: SlackUpload[]): Promise<void> {
    const done = this.uploaded.get(messageId) ?? new Set<string>();
    const fresh = uploads.filter((u) => !done.has(uploadKey(u)));
    if (fresh.length === 0) return;
    const fileUploads = await Promise.all(
      fresh.map(async (u) => ({
        filename: u.filename,
        title: u.title,
        file: u.path ? await readUpload(u.path) : Buffer.from(u.content ?? ''),
      })),
    );
    await this.requireApp()
      .client.filesUploadV2({
        channel_id: thread.channel,
        thread_ts: thread.thread,
        file_uploads: fileUploads,
      })
      .catch((error: unknown) => {
        throw slackApiError('files.uploadV2', 'upload files', error);
      });
    for (const u of fresh) done.add(uploadKey(u));
    rememberNewest(this.uploaded, messageId, done, UPLOAD_MEMORY);
  }

  /**
   * Stops receiving (closes the socket or the HTTP server). Posting keeps working: the Web API client needs no
   * connection, so deliveries still in flight during a shutdown reach Slack.
   */
  async stop(): Promise<void> {
    if (this.receiving) {
      this.receiving = false;
      await this.app?.stop();
    }
    await this.seen.close();
  }
}

/** Says which setting to fix when the receiver cannot start. */
function startError(mode: SlackMode, port: number, error: unknown): LinguacodusError {
  const e = error as { code?: string; data?: { error?: string } };
  if (mode === 'socket') {
    const detail = e.data?.error ?? (error instanceof Error ? error.message : String(error));
    return new LinguacodusError(
      'bad_input',
      `Slack refused the Socket Mode connection (${detail}): check SLACK_APP_TOKEN (an xapp- token with connections:write).`,
      { cause: error },
    );
  }
  const detail = e.code === 'EADDRINUSE' ? `port ${port} is already in use` : String(error);
  return new LinguacodusError(
    'bad_input',
    `The Slack HTTP receiver could not start (${detail}): check SLACK_PORT.`,
    {
      cause: error,
    },
  );
}

function uploadKey(u: SlackUpload): string {
  return `${u.filename}\u0000${u.path ?? ''}\u0000${u.content?.length ?? 0}\u0000${u.content?.slice(0, 200) ?? ''}`;
}

async function readUpload(path: string): Promise<Buffer> {
  return readFile(path).catch((error: unknown) => {
    throw new LinguacodusError('internal', `A result file is missing (${path}).`, { cause: error });
  });
}
