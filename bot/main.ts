// `npm start`: read the config, start the Redis-backed workers and the chat surfaces (the local web chat by default).
import { createWebSurface, type WebSurface } from '../adapters/web/index.ts';
import { createBotApp } from './bot-app.ts';
import { type Config, ConfigError, configSecrets, loadDotEnv, parseConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import type { ChatSurface } from './surface.ts';
import { discordSurfaceOptions, slackSurfaceOptions, webSurfaceOptions } from './surface-options.ts';

function readConfig(): Config {
  try {
    loadDotEnv();
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Slack and Discord load only when their tokens are set: their SDKs are heavy and need network. */
async function chatSurfaces(
  config: Config,
  logger: Logger,
): Promise<{ surfaces: ChatSurface[]; web?: WebSurface }> {
  const surfaces: ChatSurface[] = [];
  const web = config.WEB_CHAT ? createWebSurface(webSurfaceOptions(config, logger)) : undefined;
  if (web) surfaces.push(web);
  if (config.SLACK_BOT_TOKEN) {
    const { createSlackSurface } = await import('../adapters/slack/index.ts');
    surfaces.push(createSlackSurface(slackSurfaceOptions(config, logger)));
  }
  if (config.DISCORD_TOKEN) {
    const { createDiscordSurface } = await import('../adapters/discord/index.ts');
    surfaces.push(createDiscordSurface(discordSurfaceOptions(config, logger)));
  }
  return { surfaces, web };
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger({
    level: config.LOG_LEVEL,
    production: config.NODE_ENV === 'production',
    secrets: configSecrets(config),
  });
  const { surfaces, web } = await chatSurfaces(config, logger);
  if (surfaces.length === 0) logger.info('no chat surface configured: this process only works on the queues');
  const app = createBotApp({ config, logger, surfaces });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_S }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await app.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.debug({ err: error }, 'could not start');
    // Nothing has started that needs a graceful stop, and closing half-open Redis clients can hang.
    process.stderr.write(`linguacodus: ${message}\n`);
    process.exit(1);
  }
  const engines = (await app.ctx.pipeline()).engines;
  logger.info({ engines, surfaces: surfaces.map((s) => s.name) }, 'Linguacodus is running');
  if (web) {
    const token = config.WEB_ACCESS_TOKEN ? '/?token=<WEB_ACCESS_TOKEN>' : '';
    process.stdout.write(`Linguacodus web chat: ${web.url()}${token}\n`);
  }
}

await main();
