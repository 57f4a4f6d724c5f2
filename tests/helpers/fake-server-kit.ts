// Plumbing the wire-level fakes (Slack, Discord) share: a local HTTP + WebSocket server, request bodies, waiting on what they record.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Lets a test wait until something the fake records holds (a call, an ack, a socket). */
class Waiters {
  private readonly waiters = new Set<() => void>();

  /** `label` names the fake in the timeout message ("fake Slack"). */
  constructor(private readonly label: string) {}

  /** Resolves once the predicate holds, re-checked after every notify() and every 25 ms. */
  async waitFor<T>(predicate: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const immediate = predicate();
    if (immediate) return immediate;
    return new Promise<T>((resolve, reject) => {
      // Re-checked on every request the fake records, and every 25 ms for state that lives outside the fake.
      const poll = setInterval(() => check(), 25);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.delete(check);
        reject(new Error(`${this.label}: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        const value = predicate();
        if (value) {
          clearTimeout(timer);
          clearInterval(poll);
          this.waiters.delete(check);
          resolve(value);
        }
      };
      this.waiters.add(check);
    });
  }

  /** Called by the fake after it records anything. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * The base of a wire-level fake: an HTTP server on 127.0.0.1 that also upgrades WebSockets (Socket Mode, the
 * Discord gateway), with waitFor on what the subclass records. Subclasses route requests and talk on sockets.
 */
export abstract class WireFake {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly waiters: Waiters;
  /** Open WebSockets; a closed one is removed before the subclass's own close listeners run. */
  protected readonly sockets = new Set<WebSocket>();
  private boundPort = 0;

  /** `label` names the fake in timeouts; `upgrades` says which paths take a WebSocket (default: all). */
  protected constructor(label: string, upgrades?: (path: string) => boolean) {
    this.waiters = new Waiters(label);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => this.routeFailed(res, error));
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (upgrades && !upgrades(req.url ?? '/')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        this.onSocket(ws);
      });
    });
  }

  protected abstract route(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Answers a request whose route threw: each platform words its errors differently. */
  protected abstract routeFailed(res: ServerResponse, error: unknown): void;
  protected abstract onSocket(ws: WebSocket): void;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Drops every socket and connection at once, so a test's afterAll never waits on keep-alive. */
  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  protected get port(): number {
    return this.boundPort;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  /** Resolves once the predicate holds, re-checked after everything the fake records and every 25 ms. */
  waitFor<T>(predicate: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T> {
    return this.waiters.waitFor(predicate, what, timeoutMs);
  }

  /** Called by the subclass after it records anything. */
  protected notify(): void {
    this.waiters.notify();
  }
}
