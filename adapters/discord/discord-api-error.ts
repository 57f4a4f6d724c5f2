// discord.js failures as PlatformErrors: the route called, Discord's error code, the HTTP status and Retry-After.
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { LinguacodusError, PlatformError } from '../../common/errors.ts';

/** `POST /channels/1/messages`: the request as Discord's documentation names it, without host or API version. */
function route(method: string, url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname.replace(/^\/api(\/v\d+)?/, '');
  } catch {
    // Not a full URL (a route already): keep it.
  }
  return `${method.toUpperCase()} ${path}`;
}

/**
 * `method` is the call as Discord documents it (`POST /channels/{channel.id}/messages`), reported when the error has
 * no request of its own; `what` is the bot's words for it ("post a message"). Retryable when the server failed,
 * asked us to wait, or did not answer.
 */
export function discordApiError(method: string, what: string, error: unknown): LinguacodusError {
  if (error instanceof LinguacodusError) return error;
  if (error instanceof DiscordAPIError) {
    // A 429 that reached us carries Discord's retry_after (seconds) in its body.
    const retryAfterS = (error.rawError as { retry_after?: unknown }).retry_after;
    return new PlatformError(
      {
        platform: 'discord',
        method: route(error.method, error.url),
        status: error.status,
        retryAfterMs: typeof retryAfterS === 'number' ? retryAfterS * 1000 : undefined,
        platformCode: error.code,
      },
      what,
      `${error.code} ${error.message}`,
      { cause: error, retryable: error.status >= 500 || error.status === 429 },
    );
  }
  if (error instanceof RateLimitError) {
    const call = route(error.method, error.url);
    return new PlatformError(
      { platform: 'discord', method: call, status: 429, retryAfterMs: error.retryAfter },
      what,
      error.global ? 'global rate limit' : 'rate limited',
      { cause: error, retryable: true },
    );
  }
  if (error instanceof HTTPError) {
    return new PlatformError(
      { platform: 'discord', method: route(error.method, error.url), status: error.status },
      what,
      error.message,
      { cause: error, retryable: true },
    );
  }
  return new PlatformError(
    { platform: 'discord', method },
    what,
    error instanceof Error ? error.message : undefined,
    { cause: error, retryable: true },
  );
}
