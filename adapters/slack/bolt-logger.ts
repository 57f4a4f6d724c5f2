// Lets Bolt, the Web API client and the Socket Mode client log through our pino logger (and its redaction).
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../common/logger.ts';

/** Wraps a pino logger in the @slack/logger interface; Slack's info chatter is logged at debug. */
export function toSlackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => logger.debug(join(msg)),
    info: (...msg: unknown[]) => logger.debug(join(msg)),
    warn: (...msg: unknown[]) => logger.warn(join(msg)),
    error: (...msg: unknown[]) => logger.error(join(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
