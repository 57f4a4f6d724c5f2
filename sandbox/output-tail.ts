// Keeps the last N bytes of a stream and counts what was dropped, so a 1 GB flood costs N bytes of memory.
export class OutputTail {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly capBytes: number) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.capBytes) {
      this.dropped += this.kept + chunk.length - this.capBytes;
      this.chunks.length = 0;
      this.chunks.push(Buffer.from(chunk.subarray(chunk.length - this.capBytes)));
      this.kept = this.capBytes;
      return;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept > this.capBytes) {
      const head = this.chunks[0]!;
      const excess = this.kept - this.capBytes;
      if (head.length <= excess) {
        this.chunks.shift();
        this.kept -= head.length;
        this.dropped += head.length;
      } else {
        this.chunks[0] = head.subarray(excess);
        this.kept -= excess;
        this.dropped += excess;
      }
    }
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  /** The tail as text; a multi-byte character cut at the start of the tail is skipped rather than garbled. */
  text(): string {
    let tail = Buffer.concat(this.chunks);
    if (this.dropped > 0) {
      let start = 0;
      // UTF-8 continuation bytes are 10xxxxxx: skip at most three of them.
      while (start < 3 && start < tail.length && (tail[start]! & 0xc0) === 0x80) start++;
      tail = tail.subarray(start);
    }
    return tail.toString('utf8');
  }
}
