// One model role (instructor, critic, coder) behind an OpenAI-compatible endpoint: retries, usage and readable errors.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { LinguacodusError } from '../errors.ts';
import { LLAMA2_DEFAULT_SYSTEM, llama2ChatTemplate } from '../prompts.ts';
import type { LlmUsage } from '../types.ts';

export type ModelRole = LlmUsage['role'];

export const modelClientConfigSchema = z.object({
  baseURL: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  /** Empty or absent for servers that need none (vLLM). */
  apiKey: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  /** chat: /chat/completions; completions: /completions with the Llama 2 chat template. */
  api: z.enum(['chat', 'completions']).default('chat'),
  timeoutMs: z.number().int().positive().default(120_000),
  maxTokens: z.number().int().positive().default(2048),
  temperature: z.number().min(0).max(2).optional(),
  /** Attempts in all, the first included. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
});
export type ModelClientConfig = z.input<typeof modelClientConfigSchema>;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompleteOptions {
  /** What the call is for, recorded with its usage ("instruction 2", "stage preprocessing", ...). */
  purpose: string;
  signal?: AbortSignal;
  /** The call's token usage, latency and attempts are appended here. */
  usage?: LlmUsage[];
  /** System prompt for a plain string prompt (chat) or the Llama 2 template (completions). */
  system?: string;
}

export interface ModelClient {
  readonly role: ModelRole;
  readonly model: string;
  complete(prompt: string | ChatMessage[], options: CompleteOptions): Promise<string>;
}

/** Clock and randomness, injectable so that tests need not wait out real back-off. */
export interface ModelClientDeps {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A server asking for a longer pause than this is treated as down rather than waited on. */
const MAX_RETRY_AFTER_MS = 60_000;

const ROLE_NAMES: Record<ModelRole, string> = {
  instructor: 'instructor',
  critic: 'critic (researcher/resolver)',
  coder: 'coder',
};

export function createModelClient(
  role: ModelRole,
  config: ModelClientConfig,
  deps: ModelClientDeps = {},
): ModelClient {
  const parsed = modelClientConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new LinguacodusError(
      'bad_input',
      `The ${ROLE_NAMES[role]} model settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`,
      { cause: parsed.error },
    );
  }
  const cfg = parsed.data;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? (() => performance.now());
  // Retries are ours (429 Retry-After, jitter, usage per attempt), so the client's own are off.
  const client = new OpenAI({
    baseURL: cfg.baseURL,
    // Local servers (vLLM) need no key, but the client insists on one.
    apiKey: cfg.apiKey ?? 'no-key',
    timeout: cfg.timeoutMs,
    maxRetries: 0,
  });
  const where = `${ROLE_NAMES[role]} model (${cfg.model} at ${safeHost(cfg.baseURL)})`;

  // OpenAI's newer models refuse max_tokens and want max_completion_tokens; learnt from the first 400 that says so.
  let tokenField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  async function once(messages: ChatMessage[], signal?: AbortSignal): Promise<Answer> {
    if (cfg.api === 'chat') {
      const res = await client.chat.completions.create(
        {
          model: cfg.model,
          messages,
          [tokenField]: cfg.maxTokens,
          ...(cfg.temperature === undefined ? {} : { temperature: cfg.temperature }),
        },
        { signal },
      );
      return {
        text: res.choices?.[0]?.message?.content ?? '',
        promptTokens: res.usage?.prompt_tokens ?? 0,
        completionTokens: res.usage?.completion_tokens ?? 0,
      };
    }
    const res = await client.completions.create(
      {
        model: cfg.model,
        prompt: llama2Prompt(messages),
        max_tokens: cfg.maxTokens,
        stop: ['</s>', '[INST]'],
        ...(cfg.temperature === undefined ? {} : { temperature: cfg.temperature }),
      },
      { signal },
    );
    return {
      text: res.choices?.[0]?.text ?? '',
      promptTokens: res.usage?.prompt_tokens ?? 0,
      completionTokens: res.usage?.completion_tokens ?? 0,
    };
  }

  return {
    role,
    model: cfg.model,
    async complete(prompt, options) {
      const messages: ChatMessage[] =
        typeof prompt === 'string'
          ? [
              ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
              { role: 'user', content: prompt },
            ]
          : prompt;
      const started = now();
      let attempt = 0;
      for (;;) {
        attempt++;
        try {
          if (options.signal?.aborted) throw new APIUserAbortError();
          const answer = await once(messages, options.signal);
          options.usage?.push({
            role,
            purpose: options.purpose,
            model: cfg.model,
            promptTokens: answer.promptTokens,
            completionTokens: answer.completionTokens,
            latencyMs: Math.max(0, now() - started),
            attempts: attempt,
          });
          if (!answer.text.trim()) {
            throw new LinguacodusError(
              'llm_bad_output',
              `The ${where} returned an empty answer (${options.purpose}).`,
              {
                cause: new Error(`empty completion after ${attempt} attempt(s)`),
                retryable: true,
              },
            );
          }
          return answer.text;
        } catch (error) {
          if (error instanceof LinguacodusError) throw error;
          const failure = classify(error, cfg.apiKey);
          if (failure.kind === 'aborted') {
            throw new LinguacodusError('cancelled', `The ${where} call was cancelled (${options.purpose}).`, {
              cause: error,
            });
          }
          if (
            tokenField === 'max_tokens' &&
            cfg.api === 'chat' &&
            error instanceof APIError &&
            error.status === 400 &&
            /max_completion_tokens/.test(failure.kind === 'permanent' ? failure.summary : '') &&
            attempt < cfg.maxAttempts
          ) {
            tokenField = 'max_completion_tokens';
            continue;
          }
          if (failure.kind === 'transient' && attempt < cfg.maxAttempts) {
            const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.5 + random());
            await sleep(failure.retryAfterMs ?? backoff, options.signal).catch((abort: unknown) => {
              throw new LinguacodusError(
                'cancelled',
                `The ${where} call was cancelled (${options.purpose}).`,
                {
                  cause: abort,
                },
              );
            });
            continue;
          }
          options.usage?.push({
            role,
            purpose: options.purpose,
            model: cfg.model,
            promptTokens: 0,
            completionTokens: 0,
            latencyMs: Math.max(0, now() - started),
            attempts: attempt,
          });
          const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
          throw new LinguacodusError('llm_error', `The ${where} failed${tries}: ${failure.summary}.`, {
            cause: error,
            retryable: failure.kind === 'transient',
          });
        }
      }
    },
  };
}

interface Answer {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

type Failure =
  | { kind: 'aborted' }
  | { kind: 'transient'; summary: string; retryAfterMs?: number }
  | { kind: 'permanent'; summary: string };

/** Which failures are worth another try: 429, 5xx, timeouts and lost connections; never other 4xx. */
function classify(error: unknown, apiKey: string | undefined): Failure {
  if (error instanceof APIUserAbortError) return { kind: 'aborted' };
  if (error instanceof APIConnectionTimeoutError)
    return { kind: 'transient', summary: 'the request timed out' };
  if (error instanceof APIConnectionError) {
    return { kind: 'transient', summary: `could not connect (${redact(error.message, apiKey)})` };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const detail = upstreamDetail(error, apiKey);
    const summary = `HTTP ${error.status}${detail ? ` (${detail})` : ''}`;
    if (error.status === 429)
      return { kind: 'transient', summary, retryAfterMs: retryAfterMs(error.headers) };
    if (error.status >= 500 || error.status === 408) {
      return { kind: 'transient', summary, retryAfterMs: retryAfterMs(error.headers) };
    }
    return { kind: 'permanent', summary };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'permanent', summary: `unexpected error (${redact(message, apiKey)})` };
}

/** The server's own error message, short and with the key masked (some servers echo it on 401). */
function upstreamDetail(error: APIError, apiKey: string | undefined): string {
  const body = error.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : '';
  const short = message.replace(/\s+/g, ' ').trim().slice(0, 200);
  return redact(short, apiKey);
}

function redact(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('***');
  // Keys that look like OpenAI's, even partly echoed ("sk-abc...xyz").
  return out.replace(/\b(sk|key|token)-[A-Za-z0-9_*.-]{4,}/gi, '$1-***');
}

/** Retry-After in seconds or as an HTTP date, or retry-after-ms; capped so a bad header cannot stall a job. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(raw);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
  return undefined;
}

/** Chat messages as one Llama 2 prompt: [INST] turns, each answer closed by </s><s>. */
export function llama2Prompt(messages: ChatMessage[]): string {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const turns = messages.filter((m) => m.role !== 'system');
  let prompt = '';
  let first = true;
  for (const turn of turns) {
    if (turn.role === 'user') {
      const sys = first ? (system.length ? system.join('\n\n') : LLAMA2_DEFAULT_SYSTEM) : undefined;
      prompt += `${first ? '' : '<s>'}${llama2ChatTemplate(sys, turn.content)}`;
      first = false;
    } else {
      prompt += ` ${turn.content.trim()} </s>`;
    }
  }
  return prompt;
}

function safeHost(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return url.host;
  } catch {
    return 'an invalid URL';
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
