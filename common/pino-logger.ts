// The product's logger, the one place pino is imported: JSON lines by default, pretty on a terminal outside production, secrets redacted.
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, at any depth pino can address. */
const REDACTED_KEYS = [
  'token',
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'signingSecret',
  'botToken',
  'appToken',
  'accessToken',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN',
  'OPENAI_API_KEY',
  'INSTRUCTOR_API_KEY',
  'CRITIC_API_KEY',
  'CODER_API_KEY',
  'WEB_ACCESS_TOKEN',
  'WEB_USERS',
  'WEB_COOKIE_SECRET',
  'cookieSecret',
  'cookie',
];

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k.toLowerCase()}`]);

/** Token shapes that must not survive even inside a free-text message. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]{6,}/g,
  /xapp-[A-Za-z0-9-]{6,}/g,
  /sk-[A-Za-z0-9_-]{12,}/g,
  /Bearer\s+[A-Za-z0-9._~+/-]{8,}=*/g,
  /[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}/g,
];

/** Replaces known secrets and token-shaped strings in a text with [REDACTED]. */
function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join('[REDACTED]');
  for (const re of SECRET_PATTERNS) out = out.replace(re, '[REDACTED]');
  return out;
}

export interface LoggerOptions {
  level?: string;
  production?: boolean;
  /** Exact secret values (from the config) to scrub from any message. */
  secrets?: readonly string[];
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 6);
  const pretty = !options.destination && !options.production && process.stdout.isTTY === true;
  const opts: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    hooks: {
      // Scrub free-text arguments too: a token pasted into a message is still a token.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a, secrets) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    formatters: {
      log(obj) {
        return scrubObject(obj, secrets) as Record<string, unknown>;
      },
    },
  };
  if (options.destination) return pino(opts, options.destination);
  if (pretty) {
    return pino({ ...opts, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(opts);
}

function scrubObject(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, secrets, depth + 1));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubSecrets(value.message, secrets),
      stack: value.stack && scrubSecrets(value.stack, secrets),
    };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubObject(v, secrets, depth + 1);
    return out;
  }
  return value;
}

/** A child logger that carries the ids of the job and thread it works for. */
export function jobLogger(
  parent: Logger,
  ids: { jobId?: string; threadId?: string; sessionId?: string },
): Logger {
  return parent.child(Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)));
}
