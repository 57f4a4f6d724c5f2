// The Discord surface's entry point: one factory the bot calls when a Discord token is configured.
import type { ChatSurface } from '../../contract/surface.ts';
import type { DiscordAdapterOptions } from './discord-options.ts';
import { DiscordSurface } from './discord-surface.ts';

export type { DiscordAdapterOptions } from './discord-options.ts';
export { DiscordSurface } from './discord-surface.ts';

/** Gateway intents Guilds, GuildMessages and MessageContent; a thread per task. */
export function createDiscordSurface(options: DiscordAdapterOptions): ChatSurface {
  return new DiscordSurface({ ...options, logger: options.logger.child({ surface: 'discord' }) });
}
