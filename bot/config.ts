// The one schema over the environment: every setting the product reads, with its default and check.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { CoreRoleConfig, CoreRoleName, CoreRoles } from '../core/index.ts';
import { sandboxEnvShape } from '../sandbox/index.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number' })
    .int({ error: 'expected a whole port number' })
    .min(1, { error: 'expected a port from 1 to 65535' })
    .max(65535, { error: 'expected a port from 1 to 65535' })
    .default(fallback);

/** Auto's budget when `auto` names none (and the plan's Auto button), in minutes; AUTO_MAX_MINUTES caps it. */
export const DEFAULT_AUTO_MINUTES = 10;

const positiveInt = (fallback: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what} as a whole number` })
    .positive({ error: `expected ${what} greater than 0` })
    .default(fallback);

const url = (protocols: string[], example: string) =>
  z
    .string()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { error: `expected a URL like ${example}` },
    )
    .optional();

const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .default([]);

/** REDIS_SENTINELS, REDIS_CLUSTER_NODES: `host:port` pairs, comma-separated (IPv6 hosts in brackets). */
const hostPorts = z
  .string()
  .transform((v, ctx) => {
    const nodes = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((node) => {
        const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(node);
        return m ? { host: m[1] as string, port: Number(m[2]) } : null;
      });
    if (nodes.length === 0 || nodes.some((n) => n === null || n.port < 1 || n.port > 65535)) {
      ctx.addIssue({ code: 'custom', message: 'expected host:port pairs, comma-separated' });
      return z.NEVER;
    }
    return nodes as { host: string; port: number }[];
  })
  .optional();

/** WEB_USERS: `name=token` pairs, comma-separated; each person's own access token gives them their name. */
const webUsers = z
  .string()
  .transform((v, ctx) => {
    const users = v
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const cut = pair.indexOf('=');
        return { name: pair.slice(0, cut).trim(), token: pair.slice(cut + 1).trim() };
      });
    for (const u of users) {
      if (!u.name || u.name.length > 64 || u.token.length < 16) {
        ctx.addIssue({
          code: 'custom',
          message: `expected name=token pairs, names of 1 to 64 characters and tokens of at least 16 (not "${u.name || '?'}")`,
        });
        return z.NEVER;
      }
    }
    if (
      new Set(users.map((u) => u.token)).size !== users.length ||
      new Set(users.map((u) => u.name)).size !== users.length
    ) {
      ctx.addIssue({ code: 'custom', message: 'expected each name and each token once' });
      return z.NEVER;
    }
    return users;
  })
  .default([]);

/** One model role (instructor, critic, coder): an OpenAI-compatible endpoint, or unset for the offline engine. */
function roleSchema(prefix: string) {
  return {
    [`${prefix}_BASE_URL`]: url(['http:', 'https:'], 'http://127.0.0.1:8000/v1'),
    [`${prefix}_MODEL`]: z.string().min(1).optional(),
    [`${prefix}_API_KEY`]: z.string().min(1).optional(),
    [`${prefix}_API`]: z
      .enum(['chat', 'completions'], { error: 'expected chat or completions' })
      .default('chat'),
    [`${prefix}_TIMEOUT_MS`]: positiveInt(120_000, 'milliseconds'),
    [`${prefix}_MAX_TOKENS`]: positiveInt(2048, 'a token count'),
  } as const;
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // operations (README, Operating it)
    ADMIN_TOKEN: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
    ADMIN_ALLOW_RETRY: bool.default(false),
    // Unset: the operations routes are served on the web chat's port only (a process without it serves none).
    OPS_PORT: z.coerce
      .number({ error: 'expected a port number' })
      .int({ error: 'expected a whole port number' })
      .min(1, { error: 'expected a port from 1 to 65535' })
      .max(65535, { error: 'expected a port from 1 to 65535' })
      .optional(),
    OPS_HOST: z.string().min(1).default('127.0.0.1'),

    // chat surfaces
    WEB_CHAT: bool.default(true),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port(3000),
    WEB_ACCESS_TOKEN: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
    WEB_USERS: webUsers,
    WEB_COOKIE_SECRET: z.string().min(32, { error: 'expected at least 32 characters' }).optional(),
    SLACK_BOT_TOKEN: z
      .string()
      .startsWith('xoxb-', { error: 'expected a bot token starting with xoxb-' })
      .optional(),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-', { error: 'expected an app token starting with xapp-' })
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_PORT: port(3001),
    SLACK_CHANNELS: list,
    SLACK_API_URL: url(['http:', 'https:'], 'https://slack.com/api/'),
    DISCORD_TOKEN: z.string().min(1).optional(),
    DISCORD_CHANNELS: list,
    DISCORD_API_URL: url(['http:', 'https:'], 'https://discord.com/api'),
    DISCORD_GATEWAY_URL: url(['ws:', 'wss:'], 'wss://gateway.discord.gg'),
    WEB_CHANNELS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim().replace(/^#/, ''))
          .filter(Boolean),
      )
      .default(['general', 'experiments']),
    RUN_PERMISSION: z.enum(['anyone', 'author'], { error: 'expected anyone or author' }).default('anyone'),

    // model roles
    ...roleSchema('INSTRUCTOR'),
    INSTRUCTOR_PROMPT: z.enum(['rich', 'paper'], { error: 'expected rich or paper' }).default('rich'),
    ...roleSchema('CRITIC'),
    ...roleSchema('CODER'),

    // redis and queues
    REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    REDIS_SENTINELS: hostPorts,
    REDIS_CLUSTER_NODES: hostPorts,
    REDIS_SENTINEL_NAME: z.string().min(1).optional(),
    // The braces are a Redis Cluster hash tag: every key of the bot and its queues lands in one slot, as BullMQ's
    // scripts need there.
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]*(\{[a-z0-9_-]+\})?[a-z0-9_-]*$/i, {
        error: 'expected letters, digits, - or _, with at most one {hash tag}',
      })
      .min(1)
      .default('{linguacodus}'),
    PLAN_CONCURRENCY: positiveInt(2, 'a job count'),
    // `auto`: one run per core this machine gives the process (os.availableParallelism()).
    RUN_CONCURRENCY: z
      .union([
        z.literal('auto').transform(() => availableParallelism()),
        positiveInt(1, 'a job count or auto'),
      ])
      .default(1),
    DELIVER_CONCURRENCY: positiveInt(4, 'a job count'),
    PLAN_TIMEOUT_S: positiveInt(900, 'seconds'),
    RUN_TIMEOUT_S: positiveInt(3600, 'seconds'),
    /** The longest search `auto [minutes]` may ask for in a thread. */
    AUTO_MAX_MINUTES: positiveInt(30, 'minutes'),
    SHUTDOWN_GRACE_S: positiveInt(30, 'seconds'),
    JOB_LOCK_S: positiveInt(30, 'seconds'),
    SESSION_TTL_HOURS: positiveInt(72, 'hours'),

    // sandbox
    ...sandboxEnvShape,

    // limits and storage
    DATA_DIR: z.string().min(1).default('./data'),
    // The file store for what moves between machines (bot/store/): DATA_DIR itself unless an S3 URL is given.
    FILE_STORE_URL: z
      .string()
      .regex(/^s3:\/\/[^/]+(\/.*)?$/, { error: 'expected s3://bucket/prefix' })
      .optional(),
    S3_ENDPOINT: url(['http:', 'https:'], 'http://127.0.0.1:9000'),
    S3_FORCE_PATH_STYLE: bool.default(false),
    FILE_CACHE_MB: positiveInt(2048, 'megabytes'),
    MAX_UPLOAD_MB: positiveInt(50, 'megabytes'),
    MAX_ROWS: positiveInt(2_000_000, 'a row count'),
    MAX_COLUMNS: positiveInt(2_000, 'a column count'),
    MAX_REPAIRS: z.coerce.number({ error: 'expected a count' }).int().min(0).max(10).default(3),
    EVIDENCE_TIMEOUT_S: z.coerce.number({ error: 'expected seconds' }).int().min(0).default(60),
    MAX_TOKENS_PER_PLAN: z.coerce.number({ error: 'expected a token count' }).int().positive().optional(),
    MAX_TOKENS_PER_RUN: z.coerce.number({ error: 'expected a token count' }).int().positive().optional(),
  })
  .superRefine((env, ctx) => {
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(env.HOST);
    if (!loopback && !env.WEB_ACCESS_TOKEN && env.WEB_USERS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEB_ACCESS_TOKEN'],
        message: `required (or WEB_USERS) when HOST (${env.HOST}) is not a loopback address`,
      });
    }
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_APP_TOKEN'],
        message: 'set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) with SLACK_BOT_TOKEN',
      });
    }
    if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'set REDIS_CLUSTER_NODES (a Redis Cluster) or REDIS_SENTINELS (Sentinel), not both',
      });
    }
    if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_NAME'],
        message: 'required with REDIS_SENTINELS: the name of the master the sentinels watch',
      });
    }
    for (const role of ['INSTRUCTOR', 'CRITIC', 'CODER'] as const) {
      const e = env as Record<string, unknown>;
      if (e[`${role}_BASE_URL`] && !e[`${role}_MODEL`]) {
        ctx.addIssue({
          code: 'custom',
          path: [`${role}_MODEL`],
          message: `required when ${role}_BASE_URL is set`,
        });
      }
    }
  });

type Env = z.infer<typeof envSchema>;

export type Config = Env & {
  /** Endpoints of the model roles that have one (core's own shape); a missing role runs on the offline engine. */
  roles: CoreRoles;
};

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        'Fix these in the environment or in .env (see .env.example).',
    );
    this.name = 'ConfigError';
  }
}

function roleConfig(env: Env, role: CoreRoleName): CoreRoleConfig | undefined {
  const p = role.toUpperCase();
  const e = env as Record<string, unknown>;
  const baseURL = e[`${p}_BASE_URL`] as string | undefined;
  if (!baseURL) return undefined;
  return {
    baseURL,
    model: e[`${p}_MODEL`] as string,
    // vLLM and other local servers accept any key; the client library insists on one.
    apiKey: (e[`${p}_API_KEY`] as string | undefined) ?? 'not-needed',
    api: e[`${p}_API`] as 'chat' | 'completions',
    timeoutMs: e[`${p}_TIMEOUT_MS`] as number,
    maxTokens: e[`${p}_MAX_TOKENS`] as number,
    ...(role === 'instructor' ? { prompt: env.INSTRUCTOR_PROMPT } : {}),
  };
}

/** Parses the environment; empty strings count as unset. Throws ConfigError naming every bad variable. */
export function parseConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(envSchema.shape);
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = envSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  const env = result.data;
  return {
    ...env,
    roles: {
      instructor: roleConfig(env, 'instructor'),
      critic: roleConfig(env, 'critic'),
      coder: roleConfig(env, 'coder'),
    },
  };
}

/** Reads .env from the working folder when present (Node's own loader, no package). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** The names of every variable the schema knows, for the README table check and .env.example. */
export const configVariables = (): string[] => Object.keys(envSchema.shape);

/** The configured secret values, so that the logger scrubs them even from free text. */
export function configSecrets(config: Config): string[] {
  return [
    config.SLACK_BOT_TOKEN,
    config.SLACK_APP_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.DISCORD_TOKEN,
    config.WEB_ACCESS_TOKEN,
    config.WEB_COOKIE_SECRET,
    config.ADMIN_TOKEN,
    ...config.WEB_USERS.map((u) => u.token),
    ...Object.values(config.roles).map((role) => role?.apiKey),
  ].filter((s): s is string => typeof s === 'string' && s !== 'not-needed');
}
