// Remembers recent Slack event ids so a resent event (X-Slack-Retry-Num, Socket Mode retry) is handled once.

export class EventDedupe {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity = 5000,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time an id is seen within the TTL; false for a repeat. */
  first(id: string): boolean {
    const t = this.now();
    const at = this.seen.get(id);
    if (at !== undefined && t - at < this.ttlMs) return false;
    this.seen.delete(id);
    this.seen.set(id, t);
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return true;
  }
}
