// Starts one bot process in its role (bot/process-role.ts): reads the config, starts the surfaces the role holds and
// the workers it takes, prints what it does, and stops gracefully on SIGTERM/SIGINT.
import { createWebSurface, type WebSurface } from '../adapters/web/index.ts';
import { createLogger, type Logger } from '../common/pino-logger.ts';
import type { ChatSurface } from '../contract/surface.ts';
import { createBotApp } from './bot-app.ts';
import { type Config, ConfigError, configSecrets, loadDotEnv, parseConfig } from './config.ts';
import { Operations } from './ops/operations.ts';
import { describeRole, holdsSurfaces, type ProcessRole, workersOf } from './process-role.ts';
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
  operations: Operations,
): Promise<{ surfaces: ChatSurface[]; web?: WebSurface }> {
  const surfaces: ChatSurface[] = [];
  const web = config.WEB_CHAT
    ? createWebSurface(webSurfaceOptions(config, logger, operations.handle))
    : undefined;
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

/** Runs until a signal stops it; exits the process itself when it cannot start. */
export async function startProcess(role: ProcessRole): Promise<void> {
  const config = readConfig();
  const logger = createLogger({
    level: config.LOG_LEVEL,
    production: config.NODE_ENV === 'production',
    secrets: configSecrets(config),
  });
  const operations = new Operations({
    adminToken: config.ADMIN_TOKEN,
    allowRetry: config.ADMIN_ALLOW_RETRY,
    logger,
  });
  const { surfaces, web } = holdsSurfaces(role)
    ? await chatSurfaces(config, logger, operations)
    : { surfaces: [] };
  if (role.kind === 'serve' && surfaces.length === 0) {
    process.stderr.write(
      'linguacodus serve: no chat surface to serve. Set WEB_CHAT=true, SLACK_BOT_TOKEN or DISCORD_TOKEN.\n',
    );
    process.exit(2);
  }
  const app = createBotApp({ config, logger, surfaces, workers: workersOf(role), operations });
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
    if (config.OPS_PORT) {
      const opsUrl = await operations.listen(config.OPS_PORT, config.OPS_HOST);
      process.stdout.write(`Linguacodus operations: ${opsUrl}/readyz, /metrics, /admin/queues\n`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.debug({ err: error }, 'could not start');
    // Nothing has started that needs a graceful stop, and closing half-open Redis clients can hang.
    process.stderr.write(`linguacodus: ${message}\n`);
    process.exit(1);
  }
  const names = surfaces.map((s) => s.name);
  const does = describeRole(role, names);
  // A serve process never loads the pipeline (no plan or run work): it has no engines to name.
  const engines = role.kind === 'serve' ? undefined : (await app.ctx.pipeline()).engines;
  logger.info(
    { role: role.kind, engines, surfaces: names, queues: workersOf(role) },
    `Linguacodus is running: ${does}`,
  );
  process.stdout.write(`Linguacodus ${role.kind === 'all' ? 'process' : role.kind} ready: ${does}\n`);
  if (web) {
    const token = config.WEB_ACCESS_TOKEN ? '/?token=<WEB_ACCESS_TOKEN>' : '';
    process.stdout.write(`Linguacodus web chat: ${web.url()}${token}\n`);
  }
}
