// Remembers recent Discord message ids, so a MESSAGE_CREATE replayed after a gateway resume is handled once.

export class SeenIds {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 5000) {}

  /** True the first time an id is seen; false for a repeat. The oldest ids are forgotten past capacity. */
  first(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    for (const oldest of this.seen) {
      if (this.seen.size <= this.capacity) break;
      this.seen.delete(oldest);
    }
    return true;
  }
}
