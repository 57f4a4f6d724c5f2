// Slack Web API failures as PlatformErrors: the method called, Slack's error code, the HTTP status and Retry-After.
import { PlatformError } from '../../common/errors.ts';

/** The fields @slack/web-api sets on its errors (platform, HTTP, request and rate-limited errors). */
interface SlackClientError {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  /** Seconds, on a rate-limited error. */
  retryAfter?: number;
  headers?: Record<string, unknown>;
}

/**
 * `method` is the Web API method (`chat.postMessage`), `what` the bot's words for it ("post a message"). Retryable
 * when the failure is transient: the network, a 5xx, or a 429 the client's own retries did not outlast.
 */
export function slackApiError(method: string, what: string, error: unknown): PlatformError {
  const e = (error && typeof error === 'object' ? error : {}) as SlackClientError;
  const rateLimited = e.code === 'slack_webapi_rate_limited_error';
  const retryAfterS = typeof e.retryAfter === 'number' ? e.retryAfter : Number(e.headers?.['retry-after']);
  return new PlatformError(
    {
      platform: 'slack',
      method,
      status: rateLimited ? 429 : e.statusCode,
      retryAfterMs: Number.isFinite(retryAfterS) ? retryAfterS * 1000 : undefined,
      platformCode: e.data?.error ?? e.code,
    },
    what,
    e.data?.error ?? e.code ?? (error instanceof Error ? error.message : String(error)),
    {
      cause: error,
      retryable:
        rateLimited || e.code === 'slack_webapi_request_error' || e.code === 'slack_webapi_http_error',
    },
  );
}
