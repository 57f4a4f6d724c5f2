// The model client against a real local OpenAI-format server: wire format, retries, back-off, usage and errors.
import { afterEach, describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import {
  contextOverflow,
  createModelClient,
  llama2Prompt,
  retryAfterMs,
} from '../../core/llm/model-client.ts';
import { BudgetExceededError, TokenBudget } from '../../core/llm/usage.ts';
import { LLAMA2_DEFAULT_SYSTEM } from '../../core/prompts.ts';
import type { AnswerNote, LlmUsage } from '../../core/types.ts';
import {
  type FakeOpenAI,
  type FakeResponder,
  failFirst,
  startFakeOpenAI,
} from '../helpers/fake-openai-server.ts';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: FakeOpenAI | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function setup(
  responder: FakeResponder,
  extra: { api?: 'chat' | 'completions'; timeoutMs?: number; maxAttempts?: number } = {},
) {
  server = await startFakeOpenAI(responder);
  const waits: number[] = [];
  const client = createModelClient(
    'coder',
    {
      baseURL: server.url,
      model: 'fake-coder',
      apiKey: KEY,
      api: extra.api ?? 'chat',
      timeoutMs: extra.timeoutMs ?? 5_000,
      maxTokens: 256,
      maxAttempts: extra.maxAttempts,
    },
    { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
  );
  return { client, waits, server };
}

async function failure(promise: Promise<unknown>): Promise<LinguacodusError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LinguacodusError);
    return error as LinguacodusError;
  }
  throw new Error('expected a failure');
}

describe('createModelClient', () => {
  it('speaks chat completions: model, system and user messages, max_tokens; records usage', async () => {
    const { client, server } = await setup(() => ({
      content: 'hello',
      usage: { prompt_tokens: 11, completion_tokens: 3 },
    }));
    const usage: LlmUsage[] = [];
    const text = await client.complete('Say hello', { purpose: 'greeting', usage, system: 'Be brief.' });
    expect(text).toBe('hello');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.body).toMatchObject({
      model: 'fake-coder',
      max_tokens: 256,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      role: 'coder',
      purpose: 'greeting',
      model: 'fake-coder',
      promptTokens: 11,
      completionTokens: 3,
      attempts: 1,
    });
    expect(usage[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('speaks plain completions with the Llama 2 chat template and stop sequences', async () => {
    const { client, server } = await setup(() => 'instruction text', { api: 'completions' });
    expect(await client.complete('Write the first place instruction.', { purpose: 'instruction 1' })).toBe(
      'instruction text',
    );
    const request = server.requests[0];
    expect(request?.path).toBe('/v1/completions');
    expect(request?.body.prompt).toBe(
      `[INST] <<SYS>>\n${LLAMA2_DEFAULT_SYSTEM}\n<</SYS>>\n\nWrite the first place instruction. [/INST]`,
    );
    expect(request?.body.stop).toEqual(['</s>', '[INST]']);
  });

  it('retries a 503 with exponential back-off and counts the attempts', async () => {
    const { client, waits, server } = await setup(failFirst(2, { status: 503 }, () => 'ok'));
    const usage: LlmUsage[] = [];
    expect(await client.complete('x', { purpose: 'p', usage })).toBe('ok');
    expect(server.requests).toHaveLength(3);
    // random() = 0.5 gives the base delay exactly: 500 ms, then 1000 ms.
    expect(waits).toEqual([500, 1000]);
    expect(usage[0]?.attempts).toBe(3);
  });

  it('waits as long as a 429 Retry-After header says', async () => {
    const { client, waits } = await setup(
      failFirst(1, { status: 429, headers: { 'retry-after': '3' } }, () => 'ok'),
    );
    expect(await client.complete('x', { purpose: 'p' })).toBe('ok');
    expect(waits).toEqual([3000]);
  });

  it('does not retry other 4xx and names the role and the status', async () => {
    const { client, server } = await setup(() => ({ status: 400, message: 'max_tokens is too large' }));
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('llm_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('coder model (fake-coder at 127.0.0.1:');
    expect(error.message).toContain('HTTP 400 (max_tokens is too large)');
  });

  it('gives up after the last attempt on persistent 5xx, as a retryable error', async () => {
    const { client, server, waits } = await setup(() => ({ status: 500 }));
    const usage: LlmUsage[] = [];
    const error = await failure(client.complete('x', { purpose: 'p', usage }));
    expect(server.requests).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(error.message).toContain('after 4 attempts: HTTP 500');
    expect(error.retryable).toBe(true);
    expect(usage[0]).toMatchObject({ attempts: 4, promptTokens: 0, completionTokens: 0 });
  });

  it('never shows the API key, even when the server echoes it', async () => {
    const { client } = await setup(() => ({ status: 401, message: `Incorrect API key provided: ${KEY}` }));
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('SECRET');
  });

  it('times out a slow answer and retries it', async () => {
    const { client, server } = await setup(() => ({ content: 'late', delayMs: 3_000 }), {
      timeoutMs: 150,
      maxAttempts: 2,
    });
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(server.requests).toHaveLength(2);
    expect(error.message).toContain('timed out');
    expect(error.retryable).toBe(true);
  });

  it('reports a refused connection as a retryable llm_error', async () => {
    const { client, server } = await setup(() => 'unused', { maxAttempts: 2 });
    await server.close();
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(error.code).toBe('llm_error');
    expect(error.message).toContain('could not connect');
    expect(error.retryable).toBe(true);
  });

  it('stops at once when the caller cancels', async () => {
    const { client } = await setup(() => ({ content: 'late', delayMs: 3_000 }));
    const controller = new AbortController();
    const pending = client.complete('x', { purpose: 'p', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe('cancelled');
  });

  it('treats an empty answer as bad output', async () => {
    const { client } = await setup(() => '   ');
    expect((await failure(client.complete('x', { purpose: 'p' }))).code).toBe('llm_bad_output');
  });

  it("switches to max_completion_tokens when the server refuses max_tokens (OpenAI's newer models)", async () => {
    const { client, server } = await setup((req) =>
      'max_tokens' in req.body
        ? {
            status: 400,
            message:
              "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          }
        : 'ok',
    );
    expect(await client.complete('x', { purpose: 'p' })).toBe('ok');
    expect(await client.complete('y', { purpose: 'p' })).toBe('ok');
    expect(server.requests.map((r) => 'max_completion_tokens' in r.body)).toEqual([false, true, true]);
    expect(server.requests[1]?.body.max_completion_tokens).toBe(256);
  });

  it('accepts an empty API key for servers that need none', async () => {
    server = await startFakeOpenAI(() => 'ok');
    const keyless = createModelClient('instructor', { baseURL: server.url, model: 'llama', apiKey: '' });
    expect(await keyless.complete('x', { purpose: 'p' })).toBe('ok');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer no-key');
  });

  it("names the server's own words in a FastAPI detail or a proxy's HTML page, without retrying a 4xx", async () => {
    const detail = await setup(() => ({ status: 422, body: { detail: 'prompt must not be empty' } }));
    const first = await failure(detail.client.complete('x', { purpose: 'p' }));
    expect(first.message).toContain('HTTP 422 (prompt must not be empty)');
    expect(first.retryable).toBe(false);
    await server?.close();
    const page = await setup(() => ({
      status: 403,
      raw: '<html><body><h1>Forbidden</h1> by the proxy</body></html>',
      contentType: 'text/html',
    }));
    const second = await failure(page.client.complete('x', { purpose: 'p' }));
    expect(second.message).toContain('HTTP 403 (Forbidden by the proxy)');
    expect(page.server.requests).toHaveLength(1);
  });

  it('rejects invalid settings with a readable message', () => {
    expect(() => createModelClient('critic', { baseURL: 'not a url', model: 'm' })).toThrow(
      /critic .* settings are invalid/,
    );
  });
});

/** vLLM's error body: the message at the top level, not under `error`. */
const vllmError = (message: string) => ({
  status: 400,
  body: { object: 'error', message, type: 'BadRequestError', param: null, code: 400 },
});
const VLLM_OVERFLOW =
  "This model's maximum context length is 4096 tokens. However, you requested 4596 tokens (2548 in the messages, 2048 in the completion). Please reduce the length of the messages or completion.";

describe('transport failures a real server produces', () => {
  it('retries a 200 whose JSON body is cut or broken, like a 5xx', async () => {
    const { client, server, waits } = await setup(
      failFirst(1, { raw: '{"id":"chatcmpl-1","choices":[{"message":{"content":"hel' }, () => 'ok'),
    );
    expect(await client.complete('x', { purpose: 'p' })).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it('retries a 200 that is a proxy page or a body without choices, then names it when it persists', async () => {
    const { client, server } = await setup(
      failFirst(1, { raw: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }, () => ({
        body: { id: 'x', object: 'chat.completion' },
      })),
      { maxAttempts: 3 },
    );
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(server.requests).toHaveLength(3);
    expect(error.code).toBe('llm_error');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(
      'after 3 attempts: the server answered 200 with a body that is not a completion',
    );
  });

  it("shows vLLM's top-level error message instead of a bare status", async () => {
    const { client } = await setup(() => vllmError('The model `llama` does not exist.'));
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(error.message).toContain('HTTP 400 (The model `llama` does not exist.)');
  });

  it('answers a context overflow once by lowering max_tokens to what the context leaves, and notes it', async () => {
    const { client, server } = await setup((req) =>
      Number(req.body.max_tokens) > 1600
        ? vllmError(VLLM_OVERFLOW)
        : { content: 'fits', finishReason: 'stop' },
    );
    const notes: AnswerNote[] = [];
    const answer = await client.ask('x', { purpose: 'instruction 1', maxTokens: 2048, notes });
    expect(answer).toMatchObject({ text: 'fits', finishReason: 'stop', maxTokens: 4096 - 2548 - 16 });
    expect(server.requests.map((r) => r.body.max_tokens)).toEqual([2048, 1532]);
    expect(notes).toEqual([
      {
        role: 'coder',
        purpose: 'instruction 1',
        action: 'shrunk',
        reason:
          "max_tokens lowered from 2048 to 1532 to fit the model's 4096-token context (the prompt holds 2548)",
      },
    ]);
  });

  it('asks the caller for a smaller prompt when the prompt itself fills the context, once', async () => {
    const overflow =
      "This model's maximum context length is 4096 tokens. However, you requested 6048 tokens (4000 in the messages, 2048 in the completion).";
    const { client, server } = await setup((req) =>
      JSON.stringify(req.body).includes('DATA CARD') ? vllmError(overflow) : 'short answer',
    );
    const notes: AnswerNote[] = [];
    const text = await client.complete('task\nDATA CARD: many columns', {
      purpose: 'instruction 2',
      notes,
      shrink: (o) => {
        expect(o).toMatchObject({ limit: 4096, promptTokens: 4000 });
        return { prompt: 'task', dropped: 'the data card' };
      },
    });
    expect(text).toBe('short answer');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body.messages).toEqual([{ role: 'user', content: 'task' }]);
    expect(notes[0]?.reason).toBe(
      "the prompt overran the model's context of 4096 tokens, so the data card was left out",
    );
  });

  it("fails with the server's words when nothing can be shrunk", async () => {
    const { client, server } = await setup(() =>
      vllmError(
        "This model's maximum context length is 4096 tokens. However, you requested 6048 tokens (4000 in the messages, 2048 in the completion).",
      ),
    );
    const error = await failure(client.complete('x', { purpose: 'p' }));
    expect(server.requests).toHaveLength(1);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("HTTP 400 (This model's maximum context length is 4096 tokens.");
  });

  it('reads the context-length wordings of vLLM and OpenAI', () => {
    expect(contextOverflow(VLLM_OVERFLOW)).toMatchObject({ limit: 4096, promptTokens: 2548 });
    expect(
      contextOverflow(
        "'max_tokens' or 'max_completion_tokens' is too large: 2048. This model's maximum context length is 4096 tokens and your request has 2100 input tokens (2048 > 4096 - 2100).",
      ),
    ).toMatchObject({ limit: 4096, promptTokens: 2100 });
    expect(
      contextOverflow(
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      ),
    ).toMatchObject({ limit: 8192, promptTokens: 9000 });
    expect(contextOverflow('max_tokens is too large')).toBeNull();
  });

  it('returns the finish reason and records it with the start time in the usage', async () => {
    const { client } = await setup(() => ({ content: 'half an ans', finishReason: 'length' }));
    const usage: LlmUsage[] = [];
    const answer = await client.ask('x', { purpose: 'p', usage, maxTokens: 64 });
    expect(answer).toMatchObject({ text: 'half an ans', finishReason: 'length', maxTokens: 64 });
    expect(usage[0]?.finishReason).toBe('length');
    expect(usage[0]?.startedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a call once the budget is spent, before sending anything', async () => {
    const { client, server } = await setup(() => ({
      content: 'ok',
      usage: { prompt_tokens: 600, completion_tokens: 500 },
    }));
    const usage: LlmUsage[] = [];
    const budget = new TokenBudget('run', 1000, usage);
    expect(await client.complete('x', { purpose: 'stage preprocessing', usage, budget })).toBe('ok');
    const error = await failure(client.complete('y', { purpose: 'stage architecture', usage, budget }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error.message).toBe(
      "This run used 1,100 model tokens, its budget is 1,000 (MAX_TOKENS_PER_RUN); stopped before the coder's call (stage architecture).",
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('llama2Prompt renders multi-turn chats with the default system prompt when none is given', () => {
    expect(
      llama2Prompt([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
    ).toBe(`[INST] <<SYS>>\n${LLAMA2_DEFAULT_SYSTEM}\n<</SYS>>\n\na [/INST] b </s><s>[INST] c [/INST]`);
  });

  it('retryAfterMs reads seconds, milliseconds and HTTP dates, capped at a minute', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3600' }))).toBe(60_000);
    const inFuture = new Date(Date.now() + 10_000).toUTCString();
    const ms = retryAfterMs(new Headers({ 'retry-after': inFuture })) ?? 0;
    expect(ms).toBeGreaterThan(5_000);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
