// From the bot's Config to each chat surface's own options: the one place the adapters meet the configuration.
import type { DiscordAdapterOptions } from '../adapters/discord/index.ts';
import type { SlackAdapterOptions } from '../adapters/slack/index.ts';
import type { WebAdapterOptions } from '../adapters/web/index.ts';
import type { Logger } from '../common/pino-logger.ts';
import type { Config } from './config.ts';
import { createRedis, redisTarget } from './state/redis-connection.ts';

/** `operations`: the process's health, metrics and dashboard routes, served on the chat's port too. */
export function webSurfaceOptions(
  config: Config,
  logger: Logger,
  operations?: WebAdapterOptions['operations'],
): WebAdapterOptions {
  return {
    host: config.HOST,
    port: config.PORT,
    accessToken: config.WEB_ACCESS_TOKEN,
    members: config.WEB_USERS,
    cookieSecret: config.WEB_COOKIE_SECRET,
    channels: config.WEB_CHANNELS,
    dataDir: config.DATA_DIR,
    maxUploadMb: config.MAX_UPLOAD_MB,
    // The chat's history lives as long as the sessions it shows.
    ttlSeconds: config.SESSION_TTL_HOURS * 3600,
    keyPrefix: config.QUEUE_PREFIX,
    connectRedis: (name) => createRedis(redisTarget(config), name),
    logger,
    operations,
  };
}

/** An unset token reaches the surface as '', which refuses to start with a message naming SLACK_BOT_TOKEN. */
export function slackSurfaceOptions(config: Config, logger: Logger): SlackAdapterOptions {
  return {
    botToken: config.SLACK_BOT_TOKEN ?? '',
    appToken: config.SLACK_APP_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    port: config.SLACK_PORT,
    channels: config.SLACK_CHANNELS,
    apiUrl: config.SLACK_API_URL,
    connectRedis: (name) => createRedis(redisTarget(config), name),
    keyPrefix: `${config.QUEUE_PREFIX}:slack`,
    logger,
    assistantPrompts: ASSISTANT_PROMPTS,
    assistantPromptsTitle: 'Describe an ML task in plain words and attach its CSV, for example:',
  };
}

/** Suggested prompts on a new Slack assistant thread: tasks the bot takes as they are (each asks for its CSV). */
const ASSISTANT_PROMPTS = [
  { title: 'Predict churn from my CSV', message: 'Predict churn from my CSV' },
  { title: 'Forecast a number', message: 'Predict the price column of my CSV; metric rmse' },
  { title: 'How does this work?', message: 'help' },
] as const;

/** An unset token reaches the surface as '', which refuses to start with a message naming DISCORD_TOKEN. */
export function discordSurfaceOptions(config: Config, logger: Logger): DiscordAdapterOptions {
  return {
    token: config.DISCORD_TOKEN ?? '',
    channels: config.DISCORD_CHANNELS,
    apiUrl: config.DISCORD_API_URL,
    gatewayUrl: config.DISCORD_GATEWAY_URL,
    connectRedis: (name) => createRedis(redisTarget(config), name),
    keyPrefix: `${config.QUEUE_PREFIX}:discord`,
    logger,
  };
}
