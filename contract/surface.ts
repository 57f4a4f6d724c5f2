// The one interface every chat surface (web, Slack, Discord) implements; the bot never imports a platform SDK.
import type { OutgoingMessage, SurfaceName, ThreadRef } from './messages.ts';

export interface ChatUser {
  id: string;
  name: string;
}

/** A file attached to an incoming message; the adapter downloads it on request, refusing past maxBytes. */
export interface IncomingFile {
  name: string;
  bytes: number;
  mime: string;
  /** Downloads to destPath; rejects with a clear message when larger than maxBytes. */
  download(destPath: string, maxBytes: number): Promise<void>;
}

export type IncomingEvent =
  | {
      type: 'message';
      /** The thread this message belongs to (for a new top-level message: the thread it starts). */
      thread: ThreadRef;
      /** True when the message opens a thread rather than replying in one. */
      isRoot: boolean;
      messageId: string;
      user: ChatUser;
      text: string;
      files: IncomingFile[];
      /** The bot was mentioned, or the channel is one the bot listens to. */
      addressed: boolean;
    }
  | {
      type: 'action';
      thread: ThreadRef;
      /** The message carrying the button. */
      messageId: string;
      user: ChatUser;
      /** The button's action id. */
      action: string;
      /**
       * The platform's id of this press (Discord's interaction id, Slack's action_ts, the web chat's own): two real
       * presses differ, the same press delivered twice does not.
       */
      pressId: string;
    };

/** The bot's side of an incoming event; must return fast (enqueue only): surfaces ack within 3 s. */
export type IncomingHandler = (event: IncomingEvent) => Promise<void>;

export interface PostedMessage {
  messageId: string;
}

/** Optional hints for a post; a surface that can deduplicate on the key (web chat, Discord nonce) should. */
export interface PostOptions {
  /** The deliver queue's idempotency key: the same key twice means the same message. */
  idempotencyKey?: string;
}

export interface ChatSurface {
  readonly name: SurfaceName;
  start(handler: IncomingHandler): Promise<void>;
  /** Posts into the thread; files and images in the message are uploaded by the surface. */
  post(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedMessage>;
  /** Replaces a message the bot posted earlier. */
  edit(thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void>;
  stop(): Promise<void>;
}
