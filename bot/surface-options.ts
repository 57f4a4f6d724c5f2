// From the bot's Config to each chat surface's own options: the one place the adapters meet the configuration.
import type { DiscordAdapterOptions } from '../adapters/discord/index.ts';
import type { SlackAdapterOptions } from '../adapters/slack/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/** An unset token reaches the surface as '', which refuses to start with a message naming SLACK_BOT_TOKEN. */
export function slackSurfaceOptions(config: Config, logger: Logger): SlackAdapterOptions {
  return {
    botToken: config.SLACK_BOT_TOKEN ?? '',
    appToken: config.SLACK_APP_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    port: config.SLACK_PORT,
    channels: config.SLACK_CHANNELS,
    apiUrl: config.SLACK_API_URL,
    logger,
  };
}

/** An unset token reaches the surface as '', which refuses to start with a message naming DISCORD_TOKEN. */
export function discordSurfaceOptions(config: Config, logger: Logger): DiscordAdapterOptions {
  return {
    token: config.DISCORD_TOKEN ?? '',
    channels: config.DISCORD_CHANNELS,
    apiUrl: config.DISCORD_API_URL,
    gatewayUrl: config.DISCORD_GATEWAY_URL,
    logger,
  };
}
