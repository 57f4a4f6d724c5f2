// A real local HTTP server speaking the OpenAI chat-completions and completions wire format, for driving the official client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STAGE_TITLES } from '../../core/prompts.ts';
import { STAGES, type StageName } from '../../core/types.ts';

export interface FakeRequest {
  /** "/v1/chat/completions" or "/v1/completions". */
  path: string;
  /** The parsed JSON body the client sent (model, messages or prompt, max_tokens, ...). */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What the responder answers: the completion text, or a full reply with a status (an error body is made for
 * status >= 400), extra headers (e.g. Retry-After), a delay before answering, token counts or a raw JSON body.
 */
export type FakeReply =
  | string
  | {
      content?: string;
      status?: number;
      headers?: Record<string, string>;
      delayMs?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
      finishReason?: string;
      /** Sent as is instead of the generated body. */
      body?: unknown;
      /** Sent byte for byte instead of any JSON body (a proxy's broken or HTML answer), with `contentType`. */
      raw?: string;
      /** Content type of `raw` (default application/json). */
      contentType?: string;
      /** Error message for status >= 400. */
      message?: string;
    };

export type FakeResponder = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAI {
  /** Base URL for the client, ending in /v1. */
  url: string;
  /** Every request received, in arrival order. */
  requests: FakeRequest[];
  /** Requests being answered now, and the most at once so far (to check parallel calls). */
  readonly inFlight: number;
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Extra POST routes beside the OpenAI ones (a control route for a server run as its own process). */
export type ExtraRoutes = Record<string, (body: unknown) => unknown | Promise<unknown>>;

export async function startFakeOpenAI(
  responder: FakeResponder,
  extraRoutes: ExtraRoutes = {},
): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let counter = 0;
  let closing: Promise<void> | null = null;

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const extra = req.method === 'POST' ? extraRoutes[path] : undefined;
      if (extra) {
        send(res, 200, (await extra(raw ? JSON.parse(raw) : null)) ?? { ok: true });
        return;
      }
      if (req.method !== 'POST' || !['/v1/chat/completions', '/v1/completions'].includes(path)) {
        send(res, 404, {
          error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error' },
        });
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        send(res, 400, { error: { message: 'Body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      const request: FakeRequest = { path, body, headers: req.headers };
      requests.push(request);
      const reply = normalise(await responder(request));
      if (reply.delayMs) {
        const closed = await waitOrClose(reply.delayMs, res);
        if (closed) return;
      }
      const status = reply.status ?? 200;
      if (reply.raw !== undefined) {
        if (!res.writableEnded && !res.destroyed) {
          res.writeHead(status, {
            'content-type': reply.contentType ?? 'application/json',
            ...reply.headers,
          });
          res.end(reply.raw);
        }
        return;
      }
      if (reply.body !== undefined) {
        send(res, status, reply.body, reply.headers);
        return;
      }
      if (status >= 400) {
        send(
          res,
          status,
          { error: { message: reply.message ?? `fake error ${status}`, type: 'server_error', code: null } },
          reply.headers,
        );
        return;
      }
      counter++;
      const content = reply.content ?? '';
      const usage = reply.usage ?? {
        prompt_tokens: estimateTokens(promptText(request)),
        completion_tokens: estimateTokens(content),
      };
      const common = {
        created: Math.floor(Date.now() / 1000),
        model: typeof body.model === 'string' ? body.model : 'fake-model',
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      };
      const finish_reason = reply.finishReason ?? 'stop';
      const payload =
        path === '/v1/chat/completions'
          ? {
              id: `chatcmpl-fake-${counter}`,
              object: 'chat.completion',
              ...common,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content, refusal: null },
                  logprobs: null,
                  finish_reason,
                },
              ],
            }
          : {
              id: `cmpl-fake-${counter}`,
              object: 'text_completion',
              ...common,
              choices: [{ index: 0, text: content, logprobs: null, finish_reason }],
            };
      send(res, status, payload, reply.headers);
    } catch (error) {
      send(res, 500, {
        error: { message: `fake server responder failed: ${String(error)}`, type: 'server_error' },
      });
    } finally {
      inFlight--;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: () => {
      // Idempotent, so that a test may close early and its cleanup close again.
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}

/** The prompt text of a request: the messages' contents joined, or the completions prompt. */
export function promptText(request: FakeRequest): string {
  const { messages, prompt } = request.body as { messages?: { content?: unknown }[]; prompt?: unknown };
  if (Array.isArray(messages)) {
    return messages
      .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
      .join('\n\n');
  }
  return typeof prompt === 'string' ? prompt : JSON.stringify(prompt ?? '');
}

/** A responder that gives `reply` to the first `times` requests, then hands over to `then` (failure injection). */
export function failFirst(times: number, reply: FakeReply, then: FakeResponder): FakeResponder {
  let left = times;
  return (request) => {
    if (left > 0) {
      left--;
      return reply;
    }
    return then(request);
  };
}

function normalise(reply: FakeReply): Exclude<FakeReply, string> {
  return typeof reply === 'string' ? { content: reply } : reply;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits, unless the client gives up first (a timeout test): then there is nobody to answer. */
function waitOrClose(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    res.on('close', onClose);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Which of the product's prompts a request carries, so that a responder can answer like a model would. */
export type PaperPrompt =
  | { kind: 'instruction'; rank: number }
  | { kind: 'critique' }
  | { kind: 'resolve' }
  | { kind: 'stage'; stage: StageName }
  | { kind: 'integrate' }
  | { kind: 'repair'; error: string; code: string }
  | { kind: 'unknown' };

const PLACES = ['first', 'second', 'third'];

/** Reads the prompt of a request (Fig. 6 instruction, Fig. 7 critique, Fig. 8 resolve, Fig. 9 stage/integrate/repair). */
export function paperPromptOf(request: FakeRequest): PaperPrompt {
  const text = promptText(request);
  const place = /Your objective is writing the (\S+) place instruction/.exec(text)?.[1];
  if (place) {
    const rank = PLACES.indexOf(place) + 1 || Number.parseInt(place, 10);
    return { kind: 'instruction', rank };
  }
  if (text.includes('You are resolver tasked with')) return { kind: 'resolve' };
  if (text.includes('You are a researcher tasked with investigating the 3 options'))
    return { kind: 'critique' };
  if (text.includes('Integrate all the code parts above')) return { kind: 'integrate' };
  const repair =
    /Script:\n```python\n([\s\S]*?)\n```\n\nError:\n```\n([\s\S]*?)\n```\n\nFix the error\./.exec(text);
  if (repair) return { kind: 'repair', code: repair[1] ?? '', error: repair[2] ?? '' };
  const stageTitle = /Write the Python code for the (.+?) stage only\./.exec(text)?.[1];
  const stage = STAGES.find((s) => STAGE_TITLES[s] === stageTitle);
  if (stage) return { kind: 'stage', stage };
  return { kind: 'unknown' };
}
