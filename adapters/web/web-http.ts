// The web chat's HTTP answers: errors that carry a status, JSON answers, and JSON bodies read by their schema (fastify
// reads them within MAX_JSON_BYTES).
import type { FastifyReply, FastifyRequest } from 'fastify';
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

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('Content-Type', 'application/json; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify(body));
}

/** The body as the schema reads it: 415 unless it came as JSON, else a 400 naming what is wrong. */
export function bodyOf<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  if (!(req.headers['content-type'] ?? '').includes('application/json')) {
    throw new HttpError(415, 'expected application/json');
  }
  const result = schema.safeParse(req.body);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}
