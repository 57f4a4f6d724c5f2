// The Discord surface's entry point: one factory the bot calls when DISCORD_TOKEN is configured.
import type { Config } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import type { ChatSurface } from '../../bot/surface.ts';
import { DiscordSurface } from './discord-surface.ts';

export { DiscordSurface } from './discord-surface.ts';

/** True when the configuration has what the Discord surface needs to start. */
export function discordConfigured(config: Config): boolean {
  return !!config.DISCORD_TOKEN;
}

/** Gateway intents Guilds, GuildMessages and MessageContent; a thread per task. */
export function createDiscordSurface(config: Config, logger: Logger): ChatSurface {
  return new DiscordSurface(config, logger.child({ surface: 'discord' }));
}
