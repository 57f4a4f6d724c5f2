// Starts the real bot (conversation, BullMQ on the real Redis, offline core, bwrap sandbox) on one chat platform's
// surface, pointed at that platform's wire-level fake; for the whole-session tests of Slack and Discord.
import type { BotApp } from '../../bot/bot-app.ts';
import { createBotApp } from '../../bot/bot-app.ts';
import type { Config } from '../../bot/config.ts';
import { createLogger, type Logger } from '../../common/pino-logger.ts';
import type { ChatSurface } from '../../contract/surface.ts';
import { type TestEnv, testEnv } from './bot-test-kit.ts';

export { BLUEBERRY, BLUEBERRY_TASK } from './bot-test-kit.ts';

/** The pipeline runs real Python in the sandbox: generous on a loaded 2-core machine, though a run takes ~20 s. */
export const SESSION_TIMEOUT_MS = 300_000;

export interface PlatformBot {
  app: BotApp;
  env: TestEnv;
  /** Stops the bot, then (once the fake is down too) `cleanup` removes its Redis keys and data folder. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * The bot with only this surface (no web chat), on a fresh Redis prefix and data folder, uploads capped at 1 MB so
 * the oversized-file refusal is cheap to provoke. `vars` are the platform's settings (tokens, fake URLs).
 */
export async function startPlatformBot(
  vars: Record<string, string>,
  createSurface: (config: Config, logger: Logger) => ChatSurface,
): Promise<PlatformBot> {
  const env = await testEnv({ WEB_CHAT: 'false', MAX_UPLOAD_MB: '1', ...vars });
  const logger = createLogger({ level: 'silent' });
  const app = createBotApp({ config: env.config, logger, surfaces: [createSurface(env.config, logger)] });
  try {
    await app.start();
  } catch (error) {
    await env.cleanup();
    throw error;
  }
  return { app, env, stop: () => app.stop(), cleanup: () => env.cleanup() };
}
