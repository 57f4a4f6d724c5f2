// Errors as values, shared by every room: a code, a message a user can act on, and the cause for the log.
export type ErrorCode =
  | 'bad_input'
  | 'bad_csv'
  | 'too_large'
  | 'unknown_metric'
  | 'no_target'
  | 'empty_task'
  | 'llm_error'
  | 'llm_bad_output'
  | 'sandbox_error'
  | 'sandbox_timeout'
  | 'bad_submission'
  | 'run_failed'
  | 'cancelled'
  | 'internal';

/** An error whose message is fit to show in a chat thread; `cause` holds the detail for the log. */
export class LinguacodusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LinguacodusError';
    this.retryable = options.retryable ?? false;
  }
  readonly retryable: boolean;

  /** The line a user sees. */
  get userMessage(): string {
    return this.message;
  }
}

/**
 * A fault of the bot's own infrastructure, not of the user's task or file: a file that should be in the store is
 * not there, a store or service that does not answer. Retryable, and told as what it is ("the worker could not
 * reach the uploaded file …"), never as a problem with what the user sent.
 */
export class InfrastructureError extends LinguacodusError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('internal', message, { cause: options.cause, retryable: true });
    this.name = 'InfrastructureError';
  }
}

/** Wraps anything thrown into a LinguacodusError, keeping the original as the cause. */
export function asLinguacodusError(error: unknown, code: ErrorCode = 'internal'): LinguacodusError {
  if (error instanceof LinguacodusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LinguacodusError(code, code === 'internal' ? `Something went wrong: ${message}` : message, {
    cause: error,
  });
}

export type ChatPlatform = 'slack' | 'discord';

/** Where a platform call failed, and what the platform said about it. */
export interface PlatformCall {
  platform: ChatPlatform;
  /** The API method or route: Slack's `chat.postMessage`, Discord's `POST /channels/1/messages`. */
  method: string;
  /** The HTTP status, when the platform answered at all (Slack's refusals come with 200). */
  status?: number;
  /** How long the platform asked us to wait before calling again (a 429's Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The platform's own error code (Slack's `channel_not_found`, Discord's 50013). */
  platformCode?: string | number;
}

const PLATFORM_NAMES: Record<ChatPlatform, string> = { slack: 'Slack', discord: 'Discord' };

/** "POST /channels/1/messages, HTTP 429, retry after 2 s": the facts of a failed call, for a message or a log. */
export function describeCall(call: PlatformCall): string {
  const parts = [call.method];
  if (call.status !== undefined) parts.push(`HTTP ${call.status}`);
  if (call.retryAfterMs !== undefined) parts.push(`retry after ${Math.ceil(call.retryAfterMs / 1000)} s`);
  return parts.join(', ');
}

/**
 * A chat platform refused or failed a call (discord.js's DiscordAPIError): the fields say which platform, method,
 * status and wait, and the message says them too ("Slack would not let me post a message (chat.postMessage:
 * channel_not_found)"), since a log line or a thread may show only the message. Code `internal`: to the bot it is
 * a failure outside the task, like any other of ours.
 */
export class PlatformError extends LinguacodusError implements PlatformCall {
  readonly platform: ChatPlatform;
  readonly method: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly platformCode: string | number | undefined;

  /** `what` is the bot's words for the call ("post a message"); `detail` what the platform said, if anything. */
  constructor(
    call: PlatformCall,
    what: string,
    detail: string | undefined,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    const facts = [describeCall(call), detail].filter(Boolean).join(': ');
    super('internal', `${PLATFORM_NAMES[call.platform]} would not let me ${what} (${facts}).`, options);
    this.name = 'PlatformError';
    this.platform = call.platform;
    this.method = call.method;
    this.status = call.status;
    this.retryAfterMs = call.retryAfterMs;
    this.platformCode = call.platformCode;
  }
}
