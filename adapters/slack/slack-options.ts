// What the Slack surface needs to run, handed in by the bot: tokens, the HTTP port, channels, the API URL, Redis, a logger.
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/logger.ts';
import type { AssistantPrompt } from './assistant-thread.ts';

export interface SlackAdapterOptions {
  /** The xoxb- bot token: every Web API call and every file download. */
  botToken: string;
  /** The xapp- app token: when set, events arrive over Socket Mode. */
  appToken?: string;
  /** Verifies signed HTTP requests: events arrive on `port` when there is no app token. */
  signingSecret?: string;
  /** The HTTP-mode port (0: any free one). */
  port: number;
  /** Channels where every message is a task, not only mentions. */
  channels: readonly string[];
  /** Another Web API base (a proxy, or a local fake in tests); file downloads may come from its host too. */
  apiUrl?: string;
  /** A new Redis connection, for remembering event ids across processes (a resent event is handled once). */
  connectRedis(name: string): Redis;
  /** Prefix of the surface's Redis keys. */
  keyPrefix: string;
  logger: Logger;
  /** Suggested prompts on a new assistant thread (the app installed with the assistant feature); none: no prompts. */
  assistantPrompts?: readonly AssistantPrompt[];
  /** The line above the suggested prompts. */
  assistantPromptsTitle?: string;
}
