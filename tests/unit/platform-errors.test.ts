// A failed Slack or Discord call says what failed and where: platform, method, status and how long to wait.
import { DiscordAPIError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordApiError } from '../../adapters/discord/discord-api-error.ts';
import { slackApiError } from '../../adapters/slack/slack-api-error.ts';
import { LinguacodusError, PlatformError } from '../../common/errors.ts';

describe('Slack API errors', () => {
  it('a refusal names the method and Slack’s error, and is final', () => {
    const refused = Object.assign(new Error('An API error occurred: channel_not_found'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'channel_not_found' },
    });
    const error = slackApiError('chat.postMessage', 'post a message', refused);
    expect(error).toBeInstanceOf(LinguacodusError);
    expect(error).toMatchObject({
      platform: 'slack',
      method: 'chat.postMessage',
      platformCode: 'channel_not_found',
      retryable: false,
      cause: refused,
    });
    expect(error.userMessage).toBe(
      'Slack would not let me post a message (chat.postMessage: channel_not_found).',
    );
  });

  it('a rate limit the client could not outlast carries its wait and is retryable', () => {
    const limited = Object.assign(new Error('rate limited'), {
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 30,
    });
    const error = slackApiError('chat.update', 'edit a message', limited);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 30_000, retryable: true });
    expect(error.userMessage).toContain('chat.update, HTTP 429, retry after 30 s');
  });

  it('a 5xx is retryable and names its status', () => {
    const failed = Object.assign(new Error('HTTP 503'), { code: 'slack_webapi_http_error', statusCode: 503 });
    expect(slackApiError('files.uploadV2', 'upload files', failed)).toMatchObject({
      status: 503,
      retryable: true,
    });
  });
});

describe('Discord API errors', () => {
  const body = { files: undefined, body: undefined };

  it('an API refusal names the route (without host or version), status and Discord’s code', () => {
    const refused = new DiscordAPIError(
      { code: 50013, message: 'Missing Permissions' },
      50013,
      403,
      'POST',
      'https://discord.com/api/v10/channels/123/messages',
      body,
    );
    const error = discordApiError('POST /channels/{thread.id}/messages', 'post a message', refused);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({
      platform: 'discord',
      method: 'POST /channels/123/messages',
      status: 403,
      platformCode: 50013,
      retryable: false,
    });
    expect(error.userMessage).toBe(
      'Discord would not let me post a message (POST /channels/123/messages, HTTP 403: 50013 Missing Permissions).',
    );
  });

  it('a rate limit carries Discord’s retry-after in milliseconds and is retryable', () => {
    const limited = new RateLimitError({
      timeToReset: 2000,
      limit: 5,
      method: 'PATCH',
      hash: 'h',
      url: 'https://discord.com/api/v10/channels/1/messages/2',
      route: '/channels/1/messages/:id',
      majorParameter: '1',
      global: false,
      retryAfter: 2000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    const error = discordApiError(
      'PATCH /channels/{thread.id}/messages/{message.id}',
      'edit a message',
      limited,
    );
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000, retryable: true });
  });

  it('a failure before any request reports the documented route and stays retryable', () => {
    const error = discordApiError(
      'GET /channels/{thread.id}',
      'find the thread',
      new Error('socket hang up'),
    );
    expect(error).toMatchObject({ method: 'GET /channels/{thread.id}', retryable: true });
    expect(error.userMessage).toBe(
      'Discord would not let me find the thread (GET /channels/{thread.id}: socket hang up).',
    );
  });

  it('passes our own errors through unchanged', () => {
    const ours = new LinguacodusError('internal', 'The Discord surface is not connected.', {
      retryable: true,
    });
    expect(discordApiError('GET /channels/{thread.id}', 'find the thread', ours)).toBe(ours);
  });
});
