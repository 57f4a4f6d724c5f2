// Coalesces a stream of edits to one message into at most one edit per interval, always ending on the latest.
import type { OutgoingMessage } from '../../contract/messages.ts';

export interface ThrottledEdits {
  push(message: OutgoingMessage): void;
  /** Sends what is pending (after the interval since the last edit) and waits for it. */
  flush(): Promise<void>;
  stop(): void;
}

export function throttledEdits(
  send: (message: OutgoingMessage) => Promise<void>,
  intervalMs = 1000,
  now: () => number = Date.now,
): ThrottledEdits {
  let pending: OutgoingMessage | null = null;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;

  const sendPending = () => {
    timer = null;
    if (!pending) return;
    const message = pending;
    pending = null;
    lastSent = now();
    chain = chain
      .then(() => send(message))
      .catch((e) => {
        failure = e;
      });
  };

  return {
    push(message) {
      pending = message;
      if (timer) return;
      const wait = Math.max(0, lastSent + intervalMs - now());
      timer = setTimeout(sendPending, wait);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending) {
        const wait = Math.max(0, lastSent + intervalMs - now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sendPending();
      }
      await chain;
      if (failure) throw failure;
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
