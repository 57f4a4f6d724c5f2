// The Slack surface's entry point: one factory the bot calls when Slack tokens are configured.
import type { Config } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import type { ChatSurface } from '../../bot/surface.ts';
import { SlackSurface } from './slack-surface.ts';

export { SlackSurface } from './slack-surface.ts';

/** True when the configuration has what the Slack surface needs to start. */
export function slackConfigured(config: Config): boolean {
  return !!config.SLACK_BOT_TOKEN && !!(config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET);
}

/** Socket Mode when SLACK_APP_TOKEN is set, else signed HTTP requests on SLACK_PORT. */
export function createSlackSurface(config: Config, logger: Logger): ChatSurface {
  return new SlackSurface(config, logger.child({ surface: 'slack' }));
}
