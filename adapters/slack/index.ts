// The Slack surface's entry point: one factory the bot calls when Slack tokens are configured.
import type { ChatSurface } from '../../contract/surface.ts';
import type { SlackAdapterOptions } from './slack-options.ts';
import { SlackSurface } from './slack-surface.ts';

export type { SlackAdapterOptions } from './slack-options.ts';
export { SlackSurface } from './slack-surface.ts';

/** Socket Mode when an app token is given, else signed HTTP requests on the port. */
export function createSlackSurface(options: SlackAdapterOptions): ChatSurface {
  return new SlackSurface({ ...options, logger: options.logger.child({ surface: 'slack' }) });
}
