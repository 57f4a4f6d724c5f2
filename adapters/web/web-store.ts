// The web chat's messages, threads and uploads in Redis, with a pub/sub feed: any bot process can post into
// the chat and every web server instance shows it live.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { blockSchema, fileRefSchema } from '../../contract/messages.ts';

export const webUserSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(64),
});
export type WebUser = z.infer<typeof webUserSchema>;

export const webMessageSchema = z.object({
  id: z.string(),
  channel: z.string(),
  /** Root message id for a reply; null for a message that opens a thread. */
  thread: z.string().nullable(),
  user: webUserSchema,
  bot: z.boolean(),
  text: z.string(),
  blocks: z.array(blockSchema).nullable(),
  /** Files a person attached (uploads). */
  files: z.array(fileRefSchema),
  ts: z.number(),
  editedTs: z.number().nullable(),
});
export type WebMessage = z.infer<typeof webMessageSchema>;

export const uploadSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Null when the upload was refused for its size: the bot explains in the thread. */
  path: z.string().nullable(),
});
export type Upload = z.infer<typeof uploadSchema>;

export type WebEvent = { type: 'message' | 'edit'; message: WebMessage };

/** Time-ordered, unguessable ids. */
export function newId(): string {
  return `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

export class WebStore {
  private readonly p: string;
  readonly eventsChannel: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.p = `${prefix}:web`;
    this.eventsChannel = `${this.p}:events`;
  }

  private msgKey = (id: string) => `${this.p}:msg:${id}`;
  private channelKey = (c: string) => `${this.p}:channel:${c}`;
  private repliesKey = (root: string) => `${this.p}:replies:${root}`;
  private idemKey = (k: string) => `${this.p}:idem:${k}`;
  private uploadKey = (id: string) => `${this.p}:upload:${id}`;

  async get(id: string): Promise<WebMessage | null> {
    const raw = await this.redis.get(this.msgKey(id));
    return raw ? webMessageSchema.parse(JSON.parse(raw)) : null;
  }

  /** Stores and announces a message. With an idempotency key, a second add returns the first message. */
  async add(message: WebMessage, idempotencyKey?: string): Promise<WebMessage> {
    const m = webMessageSchema.parse(message);
    const listKey = m.thread ? this.repliesKey(m.thread) : this.channelKey(m.channel);
    await this.redis
      .multi()
      .set(this.msgKey(m.id), JSON.stringify(m), 'EX', this.ttlSeconds)
      .zadd(listKey, m.ts, m.id)
      .expire(listKey, this.ttlSeconds)
      .exec();
    if (idempotencyKey) {
      const won = await this.redis.set(this.idemKey(idempotencyKey), m.id, 'EX', this.ttlSeconds, 'NX');
      if (!won) {
        // Someone (a retry of the same delivery) got there first: undo ours, return theirs.
        await this.redis.multi().del(this.msgKey(m.id)).zrem(listKey, m.id).exec();
        const firstId = await this.redis.get(this.idemKey(idempotencyKey));
        const first = firstId ? await this.get(firstId) : null;
        if (first) return first;
      }
    }
    await this.publish({ type: 'message', message: m });
    return m;
  }

  async replace(id: string, change: Pick<WebMessage, 'text' | 'blocks'>): Promise<WebMessage | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = { ...current, ...change, editedTs: Date.now() };
    await this.redis.set(this.msgKey(id), JSON.stringify(next), 'EX', this.ttlSeconds);
    await this.publish({ type: 'edit', message: next });
    return next;
  }

  async roots(channel: string, limit = 100): Promise<WebMessage[]> {
    const ids = await this.redis.zrange(this.channelKey(channel), -limit, -1);
    return this.many(ids);
  }

  async replies(root: string, limit = 500): Promise<WebMessage[]> {
    const ids = await this.redis.zrange(this.repliesKey(root), -limit, -1);
    return this.many(ids);
  }

  async replyCount(root: string): Promise<number> {
    return this.redis.zcard(this.repliesKey(root));
  }

  private async many(ids: string[]): Promise<WebMessage[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.msgKey(id)));
    return raws.flatMap((r) => (r ? [webMessageSchema.parse(JSON.parse(r))] : []));
  }

  async saveUpload(upload: Upload): Promise<void> {
    await this.redis.set(
      this.uploadKey(upload.id),
      JSON.stringify(uploadSchema.parse(upload)),
      'EX',
      this.ttlSeconds,
    );
  }

  async getUpload(id: string): Promise<Upload | null> {
    const raw = await this.redis.get(this.uploadKey(id));
    return raw ? uploadSchema.parse(JSON.parse(raw)) : null;
  }

  private async publish(event: WebEvent): Promise<void> {
    await this.redis.publish(this.eventsChannel, JSON.stringify(event));
  }
}
