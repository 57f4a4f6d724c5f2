// Platform events already taken, across bot processes and restarts: one Redis key per event id, set once (SET NX)
// with an expiry, so a resend (a Slack retry, a Discord gateway replay) reaching any process is handled once.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/logger.ts';

/** Platforms resend within minutes; a day covers a resend that waits out a restart. */
const REMEMBER_S = 24 * 3600;

export class SeenEvents {
  private redis: Redis | undefined;

  /** The connection (named `connectionName`) is opened on first use: a surface needs it once it receives events. */
  constructor(
    private readonly connect: (name: string) => Redis,
    private readonly connectionName: string,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {}

  /**
   * True the first time `kind` + `id` is seen by any process. When Redis cannot answer, the event is taken (true):
   * the conversation keeps its own guard against a task message handled twice, and a lost event is worse.
   */
  async first(kind: string, id: string): Promise<boolean> {
    try {
      this.redis ??= this.connect(this.connectionName);
      const key = `${this.keyPrefix}:seen:${kind}:${id}`;
      return (await this.redis.set(key, '1', 'EX', REMEMBER_S, 'NX')) === 'OK';
    } catch (error) {
      this.logger.warn({ err: error, kind }, 'could not check Redis for a resent event; taking it');
      return true;
    }
  }

  /** Closes the connection, if one was opened. */
  async close(): Promise<void> {
    await this.redis?.quit().catch(() => {});
    this.redis = undefined;
  }
}
