// What the web chat needs to run, handed in by the bot: address, access token, channels, limits, storage, Redis, a logger.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/logger.ts';
import type { WebMember } from './web-auth.ts';

export interface WebAdapterOptions {
  /** Where the chat listens; the bot's config allows a non-loopback host only with an access token. */
  host: string;
  /** 0: any free port (tests read it back from `url()`). */
  port: number;
  /** When set, every request must carry it or a member's token (header, or the cookie a ?token= link sets). */
  accessToken?: string;
  /** People with tokens of their own: each comes in under their name, which only they can post or press as. */
  members: readonly WebMember[];
  /** Signs the guests' identity cookies; unset: a secret kept under <dataDir>/web/, shared by every process on it. */
  cookieSecret?: string;
  /** The chat's channels, in the order the sidebar lists them. */
  channels: readonly string[];
  /** Uploads go under <dataDir>/web/uploads and vendor files under <dataDir>/web/vendor; no file outside is served. */
  dataDir: string;
  maxUploadMb: number;
  /** How long messages, threads and uploads are kept (the sessions' lifetime). */
  ttlSeconds: number;
  /** Prefix of the chat's Redis keys and pub/sub channel. */
  keyPrefix: string;
  /**
   * A new Redis connection, named for the server's client list. The chat opens one for its messages (at its first
   * post: a worker-only process delivers into the chat too) and one to subscribe to the live feed.
   */
  connectRedis(name: string): Redis;
  logger: Logger;
  /**
   * The process's operations routes (health, readiness, metrics, the queue dashboard), served on the chat's port
   * before its access check (they have their own token): true when it answered the request, false for a path of
   * the chat's. Unset: the chat answers /healthz itself.
   */
  operations?: (req: IncomingMessage, res: ServerResponse) => boolean;
}
