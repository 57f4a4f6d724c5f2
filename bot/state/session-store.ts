// Session state in Redis with a TTL: the task, its plan, votes and runs; any bot process reads the same.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { fileRefSchema, type ThreadRef, threadRefSchema } from '../../contract/messages.ts';
import { choiceSchema, planSchema, runKindSchema } from '../../core/types.ts';
import type { StateKeys } from './state-keys.ts';
import { understoodSchema } from './task-understood.ts';

const sessionStatusSchema = z.enum(['awaiting-input', 'planning', 'planned', 'failed']);

const sessionSchema = z.object({
  id: z.string(),
  thread: threadRefSchema,
  author: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  status: sessionStatusSchema,
  text: z.string(),
  files: z.array(fileRefSchema),
  /** Grows each time a new task is posted in the thread; jobs of an older task stand down. */
  planSeq: z.number().int().nonnegative(),
  /**
   * The message that started the current task, or the reply or press that last changed it: the same event resent by
   * the platform starts nothing.
   */
  taskMessageId: z.string().nullable().default(null),
  /** Replies in the thread that correct the task (intake's TaskInput.notes), oldest first. */
  notes: z.array(z.string()).default([]),
  /** What the last intake understood or asked (task-understood.ts); null before the data was first read. */
  understood: understoodSchema.nullable().default(null),
  plan: planSchema.nullable(),
  planMarkdown: z.string().nullable().default(null),
  lastRun: z.object({ choice: choiceSchema, seq: z.number().int() }).nullable().default(null),
  error: z.string().nullable().default(null),
});
export type Session = z.infer<typeof sessionSchema>;

/**
 * One run in a thread, under its run key (the hash field, see runKeyFor): an option's or the vanilla control's
 * choice, `improve-N` (an improvement of run #N), `blend`, `auto` (a search) or `auto-N` (run #N, a node of a search). One run of a key is open at a time; each run gets the
 * thread's next number (#1, #2, ...), taken atomically in Redis.
 */
const runStateSchema = z.object({
  /** The run's number in the thread (#n); 0 for a record written before runs were numbered. */
  n: z.number().int().nonnegative().default(0),
  kind: runKindSchema.default('option'),
  /** The option the run comes from (an improvement keeps its parent's); null for a blend. */
  choice: choiceSchema.nullable(),
  /** Improve: the number of the run it improves. */
  parent: z.number().int().positive().nullable().default(null),
  /** Blend: the numbers of the runs it combines. */
  members: z.array(z.number().int().positive()).default([]),
  seq: z.number().int().positive(),
  planSeq: z.number().int(),
  jobId: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'timed-out']),
  startedBy: z.object({ id: z.string(), name: z.string() }),
  startedAt: z.string(),
  stage: z.string().nullable().default(null),
  attempt: z.number().int().nullable().default(null),
  score: z.number().nullable().default(null),
  metric: z.string().nullable().default(null),
  /** The code's own cross-validation score, when it reported one. */
  cvScore: z.number().nullable().default(null),
  /** Attempts the run took (sandbox executions), once finished. */
  attempts: z.number().int().nonnegative().nullable().default(null),
  durationMs: z.number().nonnegative().nullable().default(null),
  /** Model tokens (prompt + completion) the run used. */
  tokens: z.number().int().nonnegative().nullable().default(null),
  /** The coder's engine ('offline', 'llm'). */
  engine: z.string().nullable().default(null),
  /** Improve: the one change made; blend: how its members were weighted. */
  change: z.string().nullable().default(null),
  /** The delivery key of its result message (for a link to it). */
  resultKey: z.string().nullable().default(null),
  /** Its run folder (result.json, code, predictions): what improve and blend read. */
  dir: z.string().nullable().default(null),
  /** Whether it left the out-of-fold and held-out predictions a blend needs. */
  predictions: z.boolean().default(false),
  /** A node of an Auto search: its place in the tree ('Auto #5, debug of #6'); it has no result message of its own. */
  note: z.string().nullable().optional(),
  /** People's ratings of its result (feedback buttons), by user id: the latest press of each person counts. */
  feedback: z.record(z.string(), z.enum(['good', 'bad'])).optional(),
});
export type RunState = z.infer<typeof runStateSchema>;
/** A run as read back: its record and the run key it is stored under. */
export type StoredRun = RunState & { key: string };

/** Run keys: a choice ('1'..'3', 'resolver', 'vanilla'), `improve-N` or `blend` (no '|' or ':', used in job ids). */
const RUN_KEY = /^(1|2|3|resolver|vanilla|improve-[1-9][0-9]*|blend|auto|auto-[1-9][0-9]*)$/;
export const isRunKey = (key: string) => RUN_KEY.test(key);

/** Work under way in a thread, as the watchdog sees it: its planning, or the run under one run key. */
export type OpenWork = { kind: 'plan'; sid: string } | { kind: 'run'; sid: string; key: string };

const planMember = (sid: string) => `plan|${sid}`;
const runMember = (sid: string, key: string) => `run|${sid}|${key}`;

function openWorkOf(member: string): OpenWork | null {
  const [kind, sid, key] = member.split('|');
  if (kind === 'plan' && sid) return { kind, sid };
  if (kind === 'run' && sid && key && isRunKey(key)) return { kind, sid, key };
  return null;
}

export const isOpenRun = (status: RunState['status']) => status === 'queued' || status === 'running';

/** A session id is a hash of its thread, so any process finds the session from the thread alone. */
export function sessionIdFor(thread: ThreadRef): string {
  return createHash('sha256')
    .update([thread.surface, thread.space, thread.channel, thread.thread].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StateKeys,
    readonly ttlSeconds: number,
  ) {}

  async get(sid: string): Promise<Session | null> {
    const raw = await this.redis.get(this.keys.session(sid));
    return raw ? sessionSchema.parse(JSON.parse(raw)) : null;
  }

  /**
   * The one way a session is written: read-modify-write under a short Redis lock, so two processes touching one
   * session never lose an update. `change` sees null where the thread has no session (yet, or any more) and
   * returns the session to store, or null to store nothing. Returns what is stored afterwards.
   */
  async update(sid: string, change: (current: Session | null) => Session | null): Promise<Session | null> {
    return this.withLock(sid, async () => {
      const current = await this.get(sid);
      const next = change(current);
      if (next) await this.write(next);
      return next ?? current;
    });
  }

  /** Only under the lock, through update(). A session that is planning is open work until it is not. */
  private async write(session: Session): Promise<void> {
    const sid = session.id;
    const tx = this.redis
      .multi()
      .set(this.keys.session(sid), JSON.stringify(sessionSchema.parse(session)), 'EX', this.ttlSeconds)
      .expire(this.keys.votes(sid), this.ttlSeconds)
      .expire(this.keys.runs(sid), this.ttlSeconds)
      .expire(this.keys.runCounter(sid), this.ttlSeconds)
      .zadd(this.keys.sessionsIndex, Date.now(), sid);
    if (session.status === 'planning') tx.zadd(this.keys.openWork, Date.now(), planMember(sid));
    else tx.zrem(this.keys.openWork, planMember(sid));
    await tx.exec();
  }

  private async withLock<T>(sid: string, body: () => Promise<T>): Promise<T> {
    const lockKey = this.keys.sessionLock(sid);
    const token = Math.random().toString(36).slice(2);
    for (let i = 0; ; i++) {
      if (await this.redis.set(lockKey, token, 'PX', 5000, 'NX')) break;
      if (i > 200) throw new Error(`session ${sid} stayed locked`);
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      return await body();
    } finally {
      // Release only our own lock (it may have expired and been taken by another process).
      await this.redis.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
        1,
        lockKey,
        token,
      );
    }
  }

  async setVote(sid: string, userId: string, choice: string): Promise<Record<string, string>> {
    await this.redis
      .multi()
      .hset(this.keys.votes(sid), userId, choice)
      .expire(this.keys.votes(sid), this.ttlSeconds)
      .exec();
    return this.votes(sid);
  }

  async votes(sid: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.votes(sid));
  }

  async clearVotes(sid: string): Promise<void> {
    await this.redis.del(this.keys.votes(sid));
  }

  /** Records a new run under its key; under the session's lock, so a patch by an older job cannot land over it. */
  async setRun(sid: string, key: string, run: RunState): Promise<void> {
    await this.withLock(sid, () => this.writeRun(sid, key, run));
  }

  private async writeRun(sid: string, key: string, run: RunState): Promise<void> {
    const { key: _drop, ...record } = run as StoredRun;
    const tx = this.redis
      .multi()
      .hset(this.keys.runs(sid), key, JSON.stringify(runStateSchema.parse(record)))
      .expire(this.keys.runs(sid), this.ttlSeconds)
      .expire(this.keys.runCounter(sid), this.ttlSeconds);
    if (isOpenRun(run.status)) tx.zadd(this.keys.openWork, Date.now(), runMember(sid, key));
    else tx.zrem(this.keys.openWork, runMember(sid, key));
    await tx.exec();
  }

  /** Read-modify-write of one run under the session's lock (the run job and a cancel may patch it at once). */
  async patchRun(sid: string, key: string, jobId: string, patch: Partial<RunState>): Promise<void> {
    await this.withLock(sid, async () => {
      const run = (await this.runs(sid))[key];
      // A newer run of the same key owns the record; an old job must not overwrite it.
      if (!run || run.jobId !== jobId) return;
      await this.writeRun(sid, key, { ...run, ...patch });
    });
  }

  /** The thread's runs by run key. */
  async runs(sid: string): Promise<Record<string, StoredRun>> {
    const raw = await this.redis.hgetall(this.keys.runs(sid));
    const out: Record<string, StoredRun> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = { ...runStateSchema.parse(JSON.parse(v)), key: k };
    return out;
  }

  /** The thread's runs by number (#1 first); records from before numbering come last. */
  async runList(sid: string): Promise<StoredRun[]> {
    return Object.values(await this.runs(sid)).sort((a, b) => (a.n || 1e9) - (b.n || 1e9));
  }

  async clearRuns(sid: string): Promise<void> {
    await this.redis.del(this.keys.runs(sid), this.keys.runCounter(sid));
  }

  /** The thread's next run number (#1, #2, ...): atomic, so two processes never hand out one number twice. */
  async nextRunNumber(sid: string): Promise<number> {
    const [[, n] = []] =
      (await this.redis
        .multi()
        .incr(this.keys.runCounter(sid))
        .expire(this.keys.runCounter(sid), this.ttlSeconds)
        .exec()) ?? [];
    return Number(n);
  }

  /** Runs `body` under the session's lock (for a read-then-deliver that must not interleave, the leaderboard). */
  async locked<T>(sid: string, body: () => Promise<T>): Promise<T> {
    return this.withLock(sid, body);
  }

  /** Takes the "this run key is running" lock; false when a run under it is already queued or running. */
  async lockRun(sid: string, key: string, jobId: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.keys.runLock(sid, key), jobId, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async unlockRun(sid: string, key: string, jobId: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
      1,
      this.keys.runLock(sid, key),
      jobId,
    );
  }

  /**
   * Plans and runs recorded as under way, with when each was last written: the watchdog checks that each still has
   * its job. An entry outlives its work only until the watchdog finds the session or run settled (or expired).
   */
  async openWork(): Promise<{ work: OpenWork; since: number }[]> {
    const flat = await this.redis.zrange(this.keys.openWork, 0, -1, 'WITHSCORES');
    const out: { work: OpenWork; since: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const work = openWorkOf(flat[i] as string);
      if (work) out.push({ work, since: Number(flat[i + 1]) });
    }
    return out;
  }

  /** Forgets an entry of openWork() whose session or run is settled or gone. */
  async closeWork(work: OpenWork): Promise<void> {
    await this.redis.zrem(
      this.keys.openWork,
      work.kind === 'plan' ? planMember(work.sid) : runMember(work.sid, work.key),
    );
  }

  /** Session ids whose state has expired, for removing their files. */
  async expiredIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const exists = await Promise.all(ids.map((id) => this.redis.exists(this.keys.session(id))));
    const gone = ids.filter((_, i) => exists[i] === 0);
    if (gone.length) await this.redis.zrem(this.keys.sessionsIndex, ...gone);
    return gone;
  }
}
