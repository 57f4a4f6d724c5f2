// The Discord ChatSurface: discord.js gateway in, REST out; a thread per task; translation only, no business logic.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type AttachmentPayload,
  type ButtonInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Routes,
  type SendableChannels,
} from 'discord.js';
import { LinguacodusError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type {
  ChatSurface,
  IncomingEvent,
  IncomingHandler,
  PostedMessage,
  PostOptions,
} from '../../contract/surface.ts';
import { rememberNewest } from '../remember-newest.ts';
import { SeenEvents } from '../seen-events.ts';
import { discordApiError } from './discord-api-error.ts';
import type { DiscordAdapterOptions } from './discord-options.ts';
import { downloadDiscordAttachment } from './download-attachment.ts';
import { type DiscordUpload, renderDiscordMessage } from './render-components.ts';
import { attachmentsToFiles, buttonToIncoming, messageToIncoming, threadName } from './translate-events.ts';

/** How many posted messages we remember the attachments of, so edits do not attach a file twice. */
const UPLOAD_MEMORY = 1000;
/** Discord shows "is typing…" for 10 s after each call: renewed every 8 s, for at most a plan's usual time. */
const TYPING_EVERY_MS = 8000;
const TYPING_MAX_MS = 15 * 60_000;

/** Discord's error code for "A thread has already been created for this message". */
const THREAD_ALREADY_CREATED = 160004;

/** Threads archive after a day without messages (minutes, one of Discord's allowed values). */
const AUTO_ARCHIVE_MINUTES = 1440;

export class DiscordSurface implements ChatSurface {
  readonly name = 'discord' as const;
  private client: Client | undefined;
  private readonly uploaded = new Map<string, Set<string>>();
  /** The typing indicator's timer per channel (thread) where the bot is at work. */
  private readonly typists = new Map<string, NodeJS.Timeout>();
  private readonly seen: SeenEvents;
  private readonly apiHost: string | undefined;
  private readonly logger: Logger;

  // The messages name the settings the bot reads these options from: that is what a person fixes.
  constructor(private readonly options: DiscordAdapterOptions) {
    if (!options.token) {
      throw new LinguacodusError('bad_input', 'DISCORD_TOKEN is not set: the Discord surface cannot start.');
    }
    this.logger = options.logger;
    this.apiHost = options.apiUrl ? new URL(options.apiUrl).host : undefined;
    this.seen = new SeenEvents(options.connectRedis, 'linguacodus-discord', options.keyPrefix, this.logger);
  }

  async start(handler: IncomingHandler): Promise<void> {
    const client = new Client({
      // MessageContent is privileged: without it in the developer portal, content arrives empty except for mentions.
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      // Rendered text must never ping @everyone or a role by accident.
      allowedMentions: { parse: [] },
      ...(this.options.apiUrl ? { rest: { api: this.options.apiUrl } } : {}),
    });
    this.client = client;
    this.overrideGatewayUrl(client);
    client.on(Events.Error, (error) => this.logger.error({ err: error }, 'Discord client error'));
    client.on(Events.Warn, (message) => this.logger.warn(message));
    client.on(Events.MessageCreate, (message) => {
      this.onMessage(message, handler).catch((error: unknown) =>
        this.logger.error({ err: error }, 'Discord message handling failed'),
      );
    });
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isButton()) return;
      this.onButton(interaction, handler).catch((error: unknown) =>
        this.logger.error({ err: error }, 'Discord button handling failed'),
      );
    });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(this.options.token).catch(async (error: unknown) => {
      await client.destroy();
      this.client = undefined;
      const code = (error as { code?: unknown }).code;
      if (code === 'TokenInvalid' || (error as { status?: unknown }).status === 401) {
        throw new LinguacodusError('bad_input', 'Discord refused DISCORD_TOKEN; check the bot token.', {
          cause: error,
        });
      }
      // discord.js reports gateway close 4014 as DisallowedIntents, or @discordjs/ws as "Used disallowed intents".
      if (code === 'DisallowedIntents' || /disallowed intents/i.test(String((error as Error)?.message))) {
        throw new LinguacodusError(
          'bad_input',
          'Discord refused the Message Content intent: turn it on under Bot → Privileged Gateway Intents.',
          { cause: error },
        );
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new LinguacodusError('bad_input', `Could not connect to Discord (${detail}).`, {
        cause: error,
        retryable: true,
      });
    });
    await ready;
    this.logger.info(
      { user: client.user?.tag, guilds: client.guilds.cache.size },
      'Discord surface connected',
    );
  }

  /**
   * discord.js takes the gateway URL from GET /gateway/bot; `gatewayUrl` (a proxy, or a local gateway in tests)
   * replaces the URL in that answer, so the library's own connect, identify and resume logic is unchanged.
   */
  private overrideGatewayUrl(client: Client) {
    const gatewayUrl = this.options.gatewayUrl;
    if (!gatewayUrl) return;
    const rest = client.rest;
    const get = rest.get.bind(rest);
    rest.get = async (route, options) => {
      const data = await get(route, options);
      if (route === Routes.gatewayBot() && data && typeof data === 'object') {
        return { ...(data as Record<string, unknown>), url: gatewayUrl.replace(/\/$/, '') };
      }
      return data;
    };
  }

  private botId(): string {
    return this.client?.user?.id ?? '';
  }

  private async onMessage(message: Message, handler: IncomingHandler) {
    if (message.author.bot || message.system || !message.inGuild()) return;
    // A MESSAGE_CREATE replayed after a gateway resume, or seen by another bot process, is handled once.
    if (!(await this.seen.first('message', message.id))) return;
    const botId = this.botId();
    const mentioned = message.mentions.users.has(botId);
    const channel = message.channel;
    const files = attachmentsToFiles(message.attachments.values(), (a, dest, max) =>
      downloadDiscordAttachment({ name: a.name, url: a.url, bytes: a.size }, dest, max, this.apiHost),
    );
    if (channel.isThread()) {
      const parentId = channel.parentId ?? channel.id;
      const configured =
        this.options.channels.includes(parentId) || this.options.channels.includes(channel.id);
      // Replies in the bot's own task threads are for the bot even without a mention (help, status, cancel).
      if (!mentioned && !configured && channel.ownerId !== botId) return;
      const thread: ThreadRef = {
        surface: 'discord',
        space: message.guildId,
        channel: parentId,
        thread: channel.id,
      };
      await this.dispatch(handler, messageToIncoming(message, thread, false, mentioned || configured, files));
      return;
    }
    const configured = this.options.channels.includes(channel.id);
    if (!mentioned && !configured) return;
    const started = await message
      .startThread({ name: threadName(message.content), autoArchiveDuration: AUTO_ARCHIVE_MINUTES })
      .catch(async (error: unknown) => {
        // Started already (by an earlier process that stopped before answering): a message's thread has its id.
        if (error instanceof DiscordAPIError && error.code === THREAD_ALREADY_CREATED)
          return { id: message.id };
        const why = discordApiError(
          'POST /channels/{channel.id}/messages/{message.id}/threads',
          'start a thread',
          error,
        );
        this.logger.warn({ err: why, channel: channel.id }, 'could not start a thread');
        await message
          .reply({
            content: 'I need the Create Public Threads permission in this channel to work on a task.',
            allowedMentions: { parse: [] },
          })
          .catch((e: unknown) => this.logger.warn({ err: e }, 'could not tell the user why'));
        return undefined;
      });
    if (!started) return;
    const thread: ThreadRef = {
      surface: 'discord',
      space: message.guildId,
      channel: channel.id,
      thread: started.id,
    };
    await this.dispatch(handler, messageToIncoming(message, thread, true, true, files));
  }

  private async onButton(interaction: ButtonInteraction, handler: IncomingHandler) {
    const client = this.client;
    if (!client) return;
    const guildId = interaction.guildId;
    if (!guildId || !client.guilds.cache.has(guildId)) {
      this.logger.warn({ guild: guildId }, 'refused a button press from another server');
      await interaction.reply({
        content: 'This button belongs to a server this bot does not serve, so it cannot be used from here.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    // Discord drops an interaction not answered within 3 s: acknowledge before anything slow. Only the first
    // process to see it answers; a replay (another process, a gateway resume) is dropped unanswered.
    if (!(await this.seen.first('interaction', interaction.id))) return;
    await interaction.deferUpdate();
    const channel =
      interaction.channel ?? (await client.channels.fetch(interaction.channelId).catch(() => null));
    const parentId = channel?.isThread() ? (channel.parentId ?? channel.id) : interaction.channelId;
    const thread: ThreadRef = {
      surface: 'discord',
      space: guildId,
      channel: parentId,
      thread: interaction.channelId,
    };
    await this.dispatch(handler, buttonToIncoming(interaction, thread));
  }

  private async dispatch(handler: IncomingHandler, event: IncomingEvent): Promise<void> {
    try {
      await handler(event);
    } catch (error) {
      this.logger.error({ err: error, thread: event.thread }, 'the bot failed to take a Discord event');
    }
  }

  private async sendable(thread: ThreadRef): Promise<SendableChannels> {
    const client = this.client;
    if (!client) {
      // Retryable: a delivery that finds the surface stopped waits in the queue for the next process.
      throw new LinguacodusError('internal', 'The Discord surface is not connected.', { retryable: true });
    }
    const channel = await client.channels.fetch(thread.thread).catch((error: unknown) => {
      throw discordApiError('GET /channels/{thread.id}', 'find the thread', error);
    });
    if (!channel?.isSendable()) {
      throw new LinguacodusError('internal', `Discord channel ${thread.thread} cannot receive messages.`);
    }
    return channel;
  }

  /**
   * Discord's typing indicator while a message says the bot is at work (OutgoingMessage.busy): sent now and every
   * 8 s (it lasts 10 s), until a post or edit in the thread comes without `busy`, or TYPING_MAX_MS have passed.
   */
  private typing(channel: SendableChannels, busy: boolean | undefined): void {
    const running = this.typists.get(channel.id);
    if (!busy) {
      if (running) clearInterval(running);
      this.typists.delete(channel.id);
      return;
    }
    if (running) return;
    const started = Date.now();
    const type = () => {
      if (Date.now() - started > TYPING_MAX_MS) return this.typing(channel, false);
      channel
        .sendTyping()
        .catch((err: unknown) => this.logger.debug({ err, channel: channel.id }, 'typing indicator failed'));
    };
    const timer = setInterval(type, TYPING_EVERY_MS);
    timer.unref();
    this.typists.set(channel.id, timer);
    type();
  }

  async post(thread: ThreadRef, message: OutgoingMessage, options: PostOptions = {}): Promise<PostedMessage> {
    const channel = await this.sendable(thread);
    const rendered = renderDiscordMessage(message);
    const files = await Promise.all(rendered.files.map(toAttachment));
    const sent = await channel
      .send({
        // Discord returns the earlier message for a repeated nonce: a retried delivery cannot post twice.
        ...(options.idempotencyKey
          ? { nonce: discordNonce(options.idempotencyKey), enforceNonce: true }
          : {}),
        content: rendered.content,
        embeds: rendered.embeds,
        components: rendered.components,
        files,
        allowedMentions: { parse: [] },
      })
      .catch((error: unknown) => {
        throw discordApiError('POST /channels/{thread.id}/messages', 'post a message', error);
      });
    this.remember(sent.id, rendered.files);
    this.typing(channel, message.busy);
    return { messageId: sent.id };
  }

  async edit(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
    const channel = await this.sendable(thread);
    const rendered = renderDiscordMessage(message);
    await channel.messages
      .edit(messageId, {
        content: rendered.content,
        embeds: rendered.embeds,
        components: rendered.components,
        allowedMentions: { parse: [] },
      })
      .catch((error: unknown) => {
        throw discordApiError('PATCH /channels/{thread.id}/messages/{message.id}', 'edit a message', error);
      });
    this.typing(channel, message.busy);
    // Files new to this message go to the thread once, as a follow-up: an edit keeps its attachments as they were.
    const done = this.uploaded.get(messageId) ?? new Set<string>();
    const fresh = rendered.files.filter((f) => !done.has(uploadKey(f)));
    if (fresh.length === 0) return;
    await channel
      .send({ files: await Promise.all(fresh.map(toAttachment)), allowedMentions: { parse: [] } })
      .catch((error: unknown) => {
        throw discordApiError('POST /channels/{thread.id}/messages', 'attach files', error);
      });
    this.remember(messageId, fresh);
  }

  private remember(messageId: string, files: DiscordUpload[]) {
    const done = this.uploaded.get(messageId) ?? new Set<string>();
    for (const f of files) done.add(uploadKey(f));
    rememberNewest(this.uploaded, messageId, done, UPLOAD_MEMORY);
  }

  async stop(): Promise<void> {
    for (const timer of this.typists.values()) clearInterval(timer);
    this.typists.clear();
    await this.client?.destroy();
    this.client = undefined;
    await this.seen.close();
  }
}

/** A nonce is at most 25 characters; the idempotency key may be longer, so it is hashed. */
export function discordNonce(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

/**
 * A file is known to a message by its name: a later edit that carries a newer version of the same file (the plan's
 * instructions.md after its evidence lands) does not post it again under the message.
 */
function uploadKey(f: DiscordUpload): string {
  return f.name;
}

async function toAttachment(f: DiscordUpload): Promise<AttachmentPayload> {
  const attachment = f.path
    ? await readFile(f.path).catch((error: unknown) => {
        throw new LinguacodusError('internal', `A result file is missing (${f.path}).`, { cause: error });
      })
    : Buffer.from(f.content ?? '');
  return { attachment, name: f.name };
}
