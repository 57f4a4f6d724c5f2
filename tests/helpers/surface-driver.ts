// Drives a started ChatSurface the way the bot would, minus the bot: records events, holds a button press, posts progress.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface, IncomingEvent, PostedMessage } from '../../contract/surface.ts';

/** A fake's waitFor: resolves once the predicate holds. */
export type WaitFor = <T>(predicate: () => T | undefined | false, what: string) => Promise<T>;

export class SurfaceDriver {
  /** Every event the surface passed on, in order. */
  readonly events: IncomingEvent[] = [];
  private hold: Promise<void> | undefined;
  private folder = '';

  constructor(private readonly waitFor: WaitFor) {}

  /** A scratch folder for downloads and result files, then the surface started with a recording handler. */
  async start(surface: ChatSurface, folderPrefix: string): Promise<void> {
    this.folder = await mkdtemp(join(tmpdir(), folderPrefix));
    await surface.start(async (event) => {
      this.events.push(event);
      if (event.type === 'action' && this.hold) await this.hold;
    });
  }

  /** Removes the scratch folder (the surface is stopped by the test: some tests stop it early). */
  async cleanup(): Promise<void> {
    if (this.folder) await rm(this.folder, { recursive: true, force: true });
  }

  /** A path in the scratch folder. */
  path(name: string): string {
    return join(this.folder, name);
  }

  /** The event at index `after` (the count before the test acted), once it arrives. */
  nextEvent(after: number): Promise<IncomingEvent> {
    return this.waitFor(() => this.events[after], 'the bot to receive an event');
  }

  /**
   * Makes the handler sit on button presses until the returned release is called, like a bot that is slow to
   * finish: the test can see the platform's ack arrive before the work ends.
   */
  holdActions(): () => void {
    let release: () => void = () => {};
    this.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.hold = undefined;
      release();
    };
  }

  /** Posts a progress message at step 1 of 4 and edits it in place to 2, 3 and 4, as a run's status does. */
  async postProgress(
    surface: ChatSurface,
    thread: ThreadRef,
    text: string,
    detail?: (step: number) => string,
  ): Promise<PostedMessage> {
    const label = 'Running plan 2';
    const status = await surface.post(thread, {
      text,
      blocks: [{ kind: 'progress', label, step: 1, total: 4 }],
    });
    for (const step of [2, 3, 4]) {
      await surface.edit(thread, status.messageId, {
        text,
        blocks: [{ kind: 'progress', label, step, total: 4, ...(detail ? { detail: detail(step) } : {}) }],
      });
    }
    return status;
  }
}

/** Python long enough to be sent as a file rather than inline: one feature line per row. */
export function longCode(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `feature_${i} = df["feature"] * ${i}`).join('\n');
}
