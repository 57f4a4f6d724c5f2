// One model role (instructor, critic, coder) behind an OpenAI-compatible endpoint: retries, usage and readable errors.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import { LinguacodusError } from '../errors.ts';
import { LLAMA2_DEFAULT_SYSTEM, llama2ChatTemplate } from '../prompts.ts';
import type { AnswerNote, LlmUsage } from '../types.ts';
import type { TokenBudget } from './usage.ts';

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

/** What the server said when the prompt and max_tokens together overran the model's context. */
export interface ContextOverflow {
  /** The model's context length in tokens, when the message says it. */
  limit: number | null;
  /** The prompt's size in tokens, when the message says it. */
  promptTokens: number | null;
  /** The server's own message. */
  message: string;
}

/** A smaller prompt for a context overflow, and what was left out (for the note the thread shows). */
export interface ShrunkPrompt {
  prompt: string | ChatMessage[];
  dropped: string;
}

export interface CompleteOptions {
  /** What the call is for, recorded with its usage ("instruction 2", "stage preprocessing", ...). */
  purpose: string;
  signal?: AbortSignal;
  /** The call's token usage, latency and attempts are appended here. */
  usage?: LlmUsage[];
  /** System prompt for a plain string prompt (chat) or the Llama 2 template (completions). */
  system?: string;
  /** max_tokens for this call instead of the role's setting (a cut answer is asked again with more room). */
  maxTokens?: number;
  /**
   * Called once when the prompt overruns the model's context and lowering max_tokens cannot make room: a
   * smaller prompt (data card or earlier code left out), or null when nothing can go.
   */
  shrink?: (overflow: ContextOverflow) => ShrunkPrompt | null;
  /** Checked before every request: a spent plan or run budget stops the call. */
  budget?: TokenBudget;
  /** What the client changed to get an answer (max_tokens lowered, prompt shrunk) is appended here. */
  notes?: AnswerNote[];
}

/** The options of a model call made for an engine call: its purpose, signal, usage list, budget and notes. */
export function callOptions(
  call: Pick<CompleteOptions, 'signal' | 'usage' | 'budget' | 'notes'>,
  purpose: string,
  extra: Partial<CompleteOptions> = {},
): CompleteOptions {
  return {
    purpose,
    signal: call.signal,
    usage: call.usage,
    budget: call.budget,
    notes: call.notes,
    ...extra,
  };
}

/** One answer with what the server said about it. */
export interface ModelAnswer {
  text: string;
  /** "stop", "length" (cut at max_tokens), ...; null when the server gave none. */
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
  /** The max_tokens the answer was asked with (after any lowering for the context). */
  maxTokens: number;
}

export interface ModelClient {
  readonly role: ModelRole;
  readonly model: string;
  /** The role's max_tokens setting. */
  readonly maxTokens: number;
  /** The answer with its finish reason and token counts. */
  ask(prompt: string | ChatMessage[], options: CompleteOptions): Promise<ModelAnswer>;
  /** The answer's text only. */
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
  return new OpenAIModelClient(role, parsed.data, deps);
}

/** One request as it is sent: the messages and max_tokens, and whether a context overflow has been answered. */
interface ModelRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** A context overflow is answered once: by lowering max_tokens or by a smaller prompt. */
  refitted: boolean;
}

/** Appends one call's usage: its tokens, latency since the call began, attempts and finish reason. */
type UsageRecorder = (
  answer: Pick<ModelAnswer, 'promptTokens' | 'completionTokens'>,
  attempts: number,
  finishReason: string | null | undefined,
) => void;

/** A role's model behind the OpenAI SDK: one call with our retries, refits, usage and readable errors. */
class OpenAIModelClient implements ModelClient {
  readonly model: string;
  readonly maxTokens: number;
  private readonly client: OpenAI;
  /** The role, model and host, as errors name them. */
  private readonly where: string;
  private readonly sleep: NonNullable<ModelClientDeps['sleep']>;
  private readonly random: () => number;
  private readonly now: () => number;
  /** OpenAI's newer models refuse max_tokens and want max_completion_tokens; learnt from the first 400 that says so. */
  private tokenField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  constructor(
    readonly role: ModelRole,
    private readonly cfg: z.output<typeof modelClientConfigSchema>,
    deps: ModelClientDeps,
  ) {
    this.model = cfg.model;
    this.maxTokens = cfg.maxTokens;
    this.sleep = deps.sleep ?? abortableSleep;
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? (() => performance.now());
    // Retries are ours (429 Retry-After, jitter, usage per attempt), so the client's own are off.
    this.client = new OpenAI({
      baseURL: cfg.baseURL,
      // Local servers (vLLM) need no key, but the client insists on one.
      apiKey: cfg.apiKey ?? 'no-key',
      timeout: cfg.timeoutMs,
      maxRetries: 0,
      fetch: fetchWithServerMessages,
    });
    this.where = `${ROLE_NAMES[role]} model (${cfg.model} at ${safeHost(cfg.baseURL)})`;
  }

  async complete(prompt: string | ChatMessage[], options: CompleteOptions): Promise<string> {
    return (await this.ask(prompt, options)).text;
  }

  async ask(prompt: string | ChatMessage[], options: CompleteOptions): Promise<ModelAnswer> {
    const record = this.usageRecorder(options);
    let request: ModelRequest = {
      messages: asMessages(prompt, options.system),
      maxTokens: options.maxTokens ?? this.cfg.maxTokens,
      refitted: false,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request, attempt, options, record);
      } catch (error) {
        if (error instanceof LinguacodusError) throw error;
        request = await this.nextRequest(error, request, attempt, options, record);
      }
    }
  }

  /** One try: the budget checked, the request sent, its usage recorded; an empty answer is a retryable failure. */
  private async attempt(
    request: ModelRequest,
    attempt: number,
    options: CompleteOptions,
    record: UsageRecorder,
  ): Promise<ModelAnswer> {
    if (options.signal?.aborted) throw new APIUserAbortError();
    options.budget?.check(`the ${this.role}'s call (${options.purpose})`);
    const answer = await this.send(request, options.signal);
    record(answer, attempt, answer.finishReason);
    if (!answer.text.trim()) {
      throw new LinguacodusError(
        'llm_bad_output',
        `The ${this.where} returned an empty answer (${options.purpose}).`,
        {
          cause: new Error(
            `empty completion after ${attempt} attempt(s), finish_reason ${answer.finishReason}`,
          ),
          retryable: true,
        },
      );
    }
    return answer;
  }

  /**
   * What to send after a failed try: the same request after a back-off (429, 5xx, timeouts), with
   * max_completion_tokens, or refitted to the model's context; or the failure as a LinguacodusError.
   */
  private async nextRequest(
    error: unknown,
    request: ModelRequest,
    attempt: number,
    options: CompleteOptions,
    record: UsageRecorder,
  ): Promise<ModelRequest> {
    const failure = classify(error, this.cfg.apiKey);
    if (failure.kind === 'aborted') throw this.cancelled(options, error);
    const another = attempt < this.cfg.maxAttempts;
    if (
      another &&
      this.tokenField === 'max_tokens' &&
      this.cfg.api === 'chat' &&
      failure.kind === 'permanent' &&
      failure.status === 400 &&
      /max_completion_tokens/.test(failure.summary)
    ) {
      this.tokenField = 'max_completion_tokens';
      return request;
    }
    if (another && failure.kind === 'permanent' && failure.overflow && !request.refitted) {
      const refit = refitForContext(failure.overflow, request.messages, request.maxTokens, options);
      if (refit) {
        options.notes?.push({
          role: this.role,
          purpose: options.purpose,
          action: 'shrunk',
          reason: refit.note,
        });
        return { messages: refit.messages, maxTokens: refit.maxTokens, refitted: true };
      }
      request = { ...request, refitted: true };
    }
    if (another && failure.kind === 'transient') {
      const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.5 + this.random());
      await this.sleep(failure.retryAfterMs ?? backoff, options.signal).catch((abort: unknown) => {
        throw this.cancelled(options, abort);
      });
      return request;
    }
    record({ promptTokens: 0, completionTokens: 0 }, attempt, undefined);
    const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
    throw new LinguacodusError('llm_error', `The ${this.where} failed${tries}: ${failure.summary}.`, {
      cause: error,
      retryable: failure.kind === 'transient',
    });
  }

  /** The request on the wire: chat completions, or completions with the Llama 2 template. */
  private async send(request: ModelRequest, signal: AbortSignal | undefined): Promise<ModelAnswer> {
    const { cfg } = this;
    const { messages, maxTokens } = request;
    const temperature = cfg.temperature === undefined ? {} : { temperature: cfg.temperature };
    if (cfg.api === 'chat') {
      const raw: unknown = await this.client.chat.completions.create(
        { model: cfg.model, messages, [this.tokenField]: maxTokens, ...temperature },
        { signal },
      );
      const res = readResponse(chatResponseSchema, raw);
      const choice = res.choices[0];
      return answerOf(choice?.message.content, choice?.finish_reason, res.usage, maxTokens);
    }
    const raw: unknown = await this.client.completions.create(
      {
        model: cfg.model,
        prompt: llama2Prompt(messages),
        max_tokens: maxTokens,
        stop: ['</s>', '[INST]'],
        ...temperature,
      },
      { signal },
    );
    const res = readResponse(completionResponseSchema, raw);
    const choice = res.choices[0];
    return answerOf(choice?.text, choice?.finish_reason, res.usage, maxTokens);
  }

  /** Records into the call's usage list, timed from now. */
  private usageRecorder(options: CompleteOptions): UsageRecorder {
    // Sub-millisecond, so that a call that starts as another ends is not taken for a parallel one.
    const startedAt = performance.timeOrigin + performance.now();
    const started = this.now();
    return (answer, attempts, finishReason) => {
      options.usage?.push({
        role: this.role,
        purpose: options.purpose,
        model: this.cfg.model,
        promptTokens: answer.promptTokens,
        completionTokens: answer.completionTokens,
        latencyMs: Math.max(0, this.now() - started),
        attempts,
        startedAt,
        ...(finishReason === undefined ? {} : { finishReason }),
      });
    };
  }

  private cancelled(options: CompleteOptions, cause: unknown): LinguacodusError {
    return new LinguacodusError('cancelled', `The ${this.where} call was cancelled (${options.purpose}).`, {
      cause,
    });
  }
}

function answerOf(
  text: string | null | undefined,
  finishReason: string | null | undefined,
  usage: z.infer<typeof usageSchema>,
  maxTokens: number,
): ModelAnswer {
  return {
    text: text ?? '',
    finishReason: finishReason ?? null,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    maxTokens,
  };
}

/** Fewest answer tokens worth asking for when max_tokens is lowered to fit the context. */
const MIN_ANSWER_TOKENS = 256;
/** Room left between prompt and context end: servers count the chat template's tokens a little differently. */
const CONTEXT_MARGIN_TOKENS = 16;

/**
 * Makes a request fit a model's context: max_tokens lowered when the prompt itself fits with room for an answer,
 * else the caller's smaller prompt. Null when neither helps.
 */
function refitForContext(
  overflow: ContextOverflow,
  messages: ChatMessage[],
  maxTokens: number,
  options: CompleteOptions,
): { messages: ChatMessage[]; maxTokens: number; note: string } | null {
  const { limit, promptTokens } = overflow;
  if (limit !== null && promptTokens !== null) {
    const room = limit - promptTokens - CONTEXT_MARGIN_TOKENS;
    if (room >= MIN_ANSWER_TOKENS && room < maxTokens) {
      return {
        messages,
        maxTokens: room,
        note: `max_tokens lowered from ${maxTokens} to ${room} to fit the model's ${limit}-token context (the prompt holds ${promptTokens})`,
      };
    }
  }
  const smaller = options.shrink?.(overflow);
  if (!smaller) return null;
  // With the prompt's new size unknown, half the context is a safe share for the answer.
  const capped =
    limit !== null ? Math.min(maxTokens, Math.max(MIN_ANSWER_TOKENS, Math.floor(limit / 2))) : maxTokens;
  return {
    messages: asMessages(smaller.prompt, options.system),
    maxTokens: capped,
    note: `the prompt overran the model's context${limit ? ` of ${limit} tokens` : ''}, so ${smaller.dropped} was left out${capped < maxTokens ? ` and max_tokens lowered to ${capped}` : ''}`,
  };
}

function asMessages(prompt: string | ChatMessage[], system: string | undefined): ChatMessage[] {
  return typeof prompt === 'string'
    ? [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: prompt }]
    : prompt;
}

/**
 * The fetch the SDK is given (its public `fetch` option), with every error response's body in OpenAI's shape
 * (`{"error": {"message": ...}}`). The SDK's APIError keeps only `body.error`; vLLM and FastAPI-style servers put
 * the message at the top level (`{"object":"error","message":...}`, `{"detail":...}`), and proxies send plain text
 * or HTML. So `APIError.error.message` holds the server's own words whatever it sent; status and headers are kept.
 */
async function fetchWithServerMessages(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text();
  const json = parseJsonText(text);
  const body = isRecord(json) ? json : {};
  const error = isRecord(body.error) ? body.error : {};
  const message = serverMessage(json, text);
  const headers = new Headers(response.headers);
  // The body is new and plain: the old length and encoding no longer describe it.
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify({ ...body, error: { ...error, ...(message ? { message } : {}) } }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message in an error body: OpenAI's `error.message`, a top-level message or detail, or a page's words. */
function serverMessage(json: unknown, text: string): string {
  if (json && typeof json === 'object') {
    const b = json as { error?: unknown; message?: unknown; detail?: unknown };
    const nested = isRecord(b.error) ? b.error.message : undefined;
    for (const candidate of [nested, b.message, b.detail, b.error]) {
      if (typeof candidate === 'string' && candidate.trim()) return candidate;
    }
    return '';
  }
  // A plain-text or HTML error page from a proxy: its words without the markup.
  return json ? '' : text.replace(/<[^>]*>/g, ' ');
}

/** The answer bodies we read, checked: a 200 whose body is not one of these is a broken answer, not an empty one. */
const usageSchema = z
  .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
  .nullish();
const chatResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema,
});
const completionResponseSchema = z.object({
  choices: z.array(z.object({ text: z.string().nullish(), finish_reason: z.string().nullish() })).min(1),
  usage: usageSchema,
});

class MalformedResponseError extends Error {}

function readResponse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  throw new MalformedResponseError(
    `the server answered 200 with a body that is not a completion (${oneLine(String(shown ?? ''), 120)})`,
  );
}

type Failure =
  | { kind: 'aborted' }
  | { kind: 'transient'; summary: string; retryAfterMs?: number }
  | { kind: 'permanent'; summary: string; status?: number; overflow?: ContextOverflow };

/** Which failures are worth another try: 429, 5xx, timeouts, lost connections and unreadable bodies; never other 4xx. */
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
    const overflow = contextOverflow(apiErrorMessage(error)) ?? undefined;
    return { kind: 'permanent', summary, status: error.status, overflow };
  }
  // A 200 whose body is not JSON (a proxy's error page, a cut connection) or not a completion: like a 5xx.
  if (error instanceof SyntaxError) {
    return {
      kind: 'transient',
      summary: `the server's answer was not valid JSON (${redact(oneLine(error.message, 120), apiKey)})`,
    };
  }
  if (error instanceof MalformedResponseError)
    return { kind: 'transient', summary: redact(error.message, apiKey) };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'permanent', summary: `unexpected error (${redact(message, apiKey)})` };
}

/**
 * Reads a context-length error in the wordings of vLLM and OpenAI:
 * "This model's maximum context length is 4096 tokens. However, you requested 4596 tokens (2548 in the messages,
 * 2048 in the completion)", "... and your request has 2100 input tokens", "... your messages resulted in 9000 tokens".
 */
export function contextOverflow(message: string): ContextOverflow | null {
  if (
    !/maximum context length|context_length_exceeded|context window|prompt is too long|too many tokens/i.test(
      message,
    )
  )
    return null;
  const number = (re: RegExp) => {
    const m = re.exec(message);
    return m?.[1] ? Number(m[1]) : null;
  };
  const limit = number(/maximum context length (?:is|of) (\d+)/i);
  const promptTokens =
    number(/(\d+) in the messages/i) ??
    number(/request has (\d+) input tokens/i) ??
    number(/messages resulted in (\d+) tokens/i) ??
    number(/prompt \(length (\d+)\)/i);
  return { limit, promptTokens, message };
}

/** The server's own error message, short and with the key masked (some servers echo it on 401). */
function upstreamDetail(error: APIError, apiKey: string | undefined): string {
  return redact(oneLine(apiErrorMessage(error), 300), apiKey);
}

/** The server's own message: `error.message` of the body, where fetchWithServerMessages puts it. */
function apiErrorMessage(error: APIError): string {
  const body: unknown = error.error;
  return isRecord(body) && typeof body.message === 'string' ? body.message : '';
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 3)}...`;
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
