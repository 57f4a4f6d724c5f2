// Notices that Redis lost its data: a value written once per data set (and remembered in DATA_DIR) that a restart
// without persistence, an eviction or a FLUSHALL takes away.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';

export class RedisEpoch {
  private value: string | null = null;

  /** `file` keeps the last value seen, so a loss while no bot ran is noticed at the next start. */
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly file: string,
  ) {}

  /** The current data set's value (after start()). */
  get id(): string {
    return this.value ?? '';
  }

  /** The value for this data set, written when Redis has none; 'lost' when it differs from the one in `file`. */
  async start(): Promise<'same' | 'lost'> {
    const remembered = await readFile(this.file, 'utf8').then(
      (v) => v.trim(),
      () => null,
    );
    this.value = await this.current();
    await this.remember();
    return remembered !== null && remembered !== this.value ? 'lost' : 'same';
  }

  /** True when the data set changed since start() or the last check (then the new one is taken as current). */
  async check(): Promise<boolean> {
    const now = await this.current();
    if (now === this.value) return false;
    this.value = now;
    await this.remember();
    return true;
  }

  /** The data set's value; the first process to find none writes it (NX), so every process agrees on one. */
  private async current(): Promise<string> {
    const found = await this.redis.get(this.key);
    if (found) return found;
    await this.redis.set(this.key, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`, 'NX');
    return (await this.redis.get(this.key)) ?? '';
  }

  private async remember(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${this.value}\n`);
    await rename(temporary, this.file);
  }
}
