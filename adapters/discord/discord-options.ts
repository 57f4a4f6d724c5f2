// What the Discord surface needs to run, handed in by the bot: the token, channels, API and gateway URLs, Redis, a logger.
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/logger.ts';

export interface DiscordAdapterOptions {
  /** The bot token. */
  token: string;
  /** Channels where every message is a task, not only mentions. */
  channels: readonly string[];
  /** Another REST base (a proxy, or a local fake in tests); attachments may come from its host too. */
  apiUrl?: string;
  /** Replaces the gateway URL Discord hands out (a proxy, or a local gateway in tests). */
  gatewayUrl?: string;
  /** A new Redis connection, for remembering message and interaction ids across processes and restarts. */
  connectRedis(name: string): Redis;
  /** Prefix of the surface's Redis keys. */
  keyPrefix: string;
  logger: Logger;
}
