// Cuts a stream of output chunks into lines as they arrive, for SandboxJob.onOutput: a line split across chunks is
// joined, a multi-byte character split across chunks is decoded whole, a final line without a newline is flushed
// at the end, and a line longer than the cap is cut (the rest of it, up to its newline, is dropped, never buffered).
import { StringDecoder } from 'node:string_decoder';

/** Longest line handed to onOutput, in characters; a longer one is cut and ends with "…". */
export const MAX_OUTPUT_LINE_CHARS = 500;

export class OutputLines {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** The pending line was already cut at the cap: drop what follows until its end. */
  private cut = false;
  /** The last character seen was "\r": a "\n" right after it ends the same line, not another one. */
  private afterCarriageReturn = false;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxChars = MAX_OUTPUT_LINE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    this.scan(this.decoder.write(chunk));
  }

  /** Ends the stream: the last line, when it had no newline, is emitted now. */
  end(): void {
    this.scan(this.decoder.end());
    if (this.pending !== '' || this.cut) this.finishLine();
  }

  private scan(text: string): void {
    let start = 0;
    // Native searches for the next line end keep the scan per line, not per character (a flood stays cheap).
    let newline = text.indexOf('\n');
    let carriage = text.indexOf('\r');
    while (newline >= 0 || carriage >= 0) {
      const isNewline = carriage < 0 || (newline >= 0 && newline < carriage);
      const i = isNewline ? newline : carriage;
      // "\n", "\r\n" and a bare "\r" (progress bars redraw their line with it) each end a line.
      const skip = isNewline && this.afterCarriageReturn && i === start && this.pending === '' && !this.cut;
      this.afterCarriageReturn = !isNewline;
      if (!skip) {
        this.append(text.slice(start, i));
        this.finishLine();
      }
      start = i + 1;
      if (isNewline) newline = text.indexOf('\n', start);
      else carriage = text.indexOf('\r', start);
    }
    if (start < text.length) {
      this.afterCarriageReturn = false;
      this.append(text.slice(start));
    }
  }

  private append(piece: string): void {
    if (this.cut || piece === '') return;
    const room = this.maxChars - this.pending.length;
    if (piece.length <= room) {
      this.pending += piece;
      return;
    }
    let kept = piece.slice(0, Math.max(0, room));
    // Never keep half of a surrogate pair (an emoji cut in two).
    if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
    this.pending += kept;
    this.cut = true;
  }

  private finishLine(): void {
    const line = this.cut ? `${this.pending}…` : this.pending;
    this.pending = '';
    this.cut = false;
    this.emit(line);
  }
}
