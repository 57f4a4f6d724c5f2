// Exactly-once posts on Slack: the deliver key rides on the message as metadata, and a retry finds it in the thread.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';

/** The metadata event type our keyed posts carry; other apps' metadata in the thread is ignored. */
export const DELIVERY_EVENT_TYPE = 'linguacodus_delivery';

/** Messages asked for per conversations.replies page (Slack recommends at most 200). */
const PAGE_SIZE = 200;

/** Pages read at most: bot threads are short, and a lookup must not grow with a runaway thread. */
const MAX_PAGES = 5;

/** The metadata attached to chat.postMessage for a post with an idempotency key. */
export function deliveryMetadata(key: string): webApi.ChatPostMessageArguments['metadata'] {
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { key } };
}

const repliesPageSchema = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z
          .object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() })
          .optional(),
      }),
    )
    .default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

export type DeliveryLookup =
  | { found: true; ts: string }
  /** complete: false when the page bound was reached before the end of the thread. */
  | { found: false; complete: boolean };

/**
 * Looks for a message carrying `key` in the thread rooted at `threadTs`. include_all_metadata is what makes
 * conversations.replies return the metadata at all; channels:history / groups:history let the bot read the thread.
 */
export async function findDeliveredMessage(
  client: webApi.WebClient,
  channel: string,
  threadTs: string,
  key: string,
): Promise<DeliveryLookup> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const raw = await client.conversations.replies({
      channel,
      ts: threadTs,
      include_all_metadata: true,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    const parsed = repliesPageSchema.parse(raw);
    const hit = parsed.messages.find(
      (m) => m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.key === key,
    );
    if (hit) return { found: true, ts: hit.ts };
    cursor = parsed.response_metadata?.next_cursor || undefined;
    if (!parsed.has_more || !cursor) return { found: false, complete: true };
  }
  return { found: false, complete: false };
}
