// The operator's side of a process, on fastify: /healthz (the process lives), /readyz (Redis, the sandbox, the
// workers), /metrics (Prometheus) and the queue dashboard at /admin/queues (bull-board), the last two behind
// ADMIN_TOKEN (Bearer, or HTTP basic auth as admin) and off without it. The web chat serves these paths on its own
// port through `handle`; a process without the web chat serves them on OPS_PORT.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../../common/pino-logger.ts';
import type { Queues } from '../jobs/queues.ts';
import { BotMetrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

export interface OperationsOptions {
  /** Unset: /metrics and /admin/* answer 404. */
  adminToken?: string;
  /** The dashboard may retry, promote and remove jobs; otherwise it only shows them. */
  allowRetry: boolean;
  logger: Logger;
}

/** The paths this answers: anything else on the web chat's port is the chat's. */
const PATHS = /^\/(?:healthz|readyz|metrics)(?:\?|$)|^\/admin(?:\/|\?|$)/;

export const DASHBOARD_PATH = '/admin/queues';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer TOKEN, or basic auth as admin:TOKEN (what a browser sends after its login prompt). */
export function hasAdminToken(authorization: string | undefined, token: string): boolean {
  if (!authorization) return false;
  const [scheme, value = ''] = authorization.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return same(value, token);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && decoded.slice(0, colon) === 'admin' && same(decoded.slice(colon + 1), token);
  }
  return false;
}

export class Operations {
  readonly metrics = new BotMetrics();
  private app: FastifyInstance | null = null;
  private appReady: Promise<unknown> | null = null;
  private server: Server | null = null;

  constructor(private readonly options: OperationsOptions) {}

  /** The process's queues and readiness, once its bot app exists; before that only /healthz answers. */
  attach(parts: { queues: Queues; readiness: () => Promise<Readiness> }): void {
    if (this.app) throw new Error('operations are already attached to a bot app');
    this.metrics.watchQueues(parts.queues);
    const app = Fastify({ logger: false });
    const { adminToken, allowRetry } = this.options;
    app.get('/healthz', async () => ({ ok: true }));
    app.get('/readyz', async (_req, reply) => {
      const readiness = await parts.readiness();
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    });
    // The token's guard for /metrics and the dashboard; without a token they do not exist.
    const guard = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!adminToken) return reply.code(404).send({ error: 'not found (ADMIN_TOKEN is not set)' });
      if (!hasAdminToken(req.headers.authorization, adminToken)) {
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Basic realm="Linguacodus operations", charset="UTF-8"')
          .send({ error: 'ADMIN_TOKEN required: Authorization: Bearer <token>, or basic auth as admin' });
      }
    };
    app.register(async (admin) => {
      admin.addHook('onRequest', guard);
      admin.get('/metrics', async (_req, reply) => {
        const { contentType, body } = await this.metrics.scrape();
        return reply.header('Content-Type', contentType).header('Cache-Control', 'no-store').send(body);
      });
      admin.get('/admin', async (_req, reply) => reply.redirect(DASHBOARD_PATH));
      const board = new FastifyAdapter();
      const queues = [parts.queues.plan, parts.queues.run, ...Object.values(parts.queues.deliver)];
      createBullBoard({
        queues: queues.map(
          (q) => new BullMQAdapter(q, { readOnlyMode: !allowRetry, allowRetries: allowRetry }),
        ),
        serverAdapter: board,
        options: { uiConfig: { boardTitle: 'Linguacodus queues' } },
      });
      board.setBasePath(DASHBOARD_PATH);
      await admin.register(board.registerPlugin(), { prefix: DASHBOARD_PATH });
    });
    app.setErrorHandler((error, req, reply) => {
      this.options.logger.error({ err: error, url: req.url }, 'operations request failed');
      return reply.code(500).send({ error: 'Something went wrong; see the server log.' });
    });
    this.app = app;
    this.appReady = Promise.resolve(app.ready());
  }

  /**
   * Answers a request for /healthz, /readyz, /metrics or /admin/… and returns true; false for any other path (the
   * caller's own). For a node:http server of another part of the process (the web chat).
   */
  readonly handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!PATHS.test(req.url ?? '/')) return false;
    const app = this.app;
    if (!app || !this.appReady) {
      const live = (req.url ?? '').startsWith('/healthz');
      res.writeHead(live ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(live ? { ok: true } : { error: 'starting' }));
      return true;
    }
    this.appReady.then(
      () => app.routing(req, res),
      (error: unknown) => {
        this.options.logger.error({ err: error }, 'the operations routes could not start');
        res.writeHead(500).end();
      },
    );
    return true;
  };

  /** Its own port (OPS_PORT): for a process that has no web chat, such as a worker. */
  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      if (!this.handle(req, res)) {
        res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'not found' }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.app?.close();
  }
}
