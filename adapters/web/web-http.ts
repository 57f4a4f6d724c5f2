// The web chat's HTTP plumbing: errors that carry a status, JSON answers, and JSON bodies read within a limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/** The largest JSON body a route reads: a message or a button press is far smaller; files go to /api/uploads. */
export const MAX_JSON_BYTES = 64 * 1024;

/** A refusal the browser should see as is: its status and a message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(json);
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').includes('application/json')) {
    throw new HttpError(415, 'expected application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new HttpError(413, 'request too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}

/** The body as the schema reads it, or a 400 naming what is wrong. */
export async function readBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await readJson(req));
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}
