// The live-event stream: the chat's Redis pub/sub feed, fanned out to every open browser as server-sent events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { WebEvent } from './web-store.ts';
import { RESYNC_EVENT, toView } from './web-views.ts';

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private subscriber: Redis | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  /** `connect` opens the subscriber's own connection: a subscribed Redis client can do nothing else. */
  constructor(
    private readonly connect: () => Redis,
    private readonly channel: string,
  ) {}

  async start(): Promise<void> {
    const subscriber = this.connect();
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.broadcast(raw);
    });
    await subscriber.subscribe(this.channel);
    // After a drop, ioredis reconnects (and subscribes again) with `ready`: events published meanwhile are lost, and a
    // Redis that restarted without persistence lost the chat itself. Pages load what they show again and find out.
    subscriber.on('ready', () => {
      for (const res of this.clients) res.write(`event: ${RESYNC_EVENT}\ndata: {}\n\n`);
    });
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Answers GET /api/events: the stream stays open until the browser goes. */
  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  private broadcast(raw: string): void {
    let event: WebEvent;
    try {
      event = JSON.parse(raw) as WebEvent;
    } catch {
      return;
    }
    const data = `event: ${event.type}\ndata: ${JSON.stringify(toView(event.message))}\n\n`;
    for (const res of this.clients) res.write(data);
  }

  /** Ends every open stream (browsers reconnect to another instance or after a restart) and unsubscribes. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const res of this.clients) res.end();
    this.clients.clear();
    await this.subscriber?.quit().catch(() => {});
    this.subscriber = null;
  }
}
