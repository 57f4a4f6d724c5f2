// What the browser and the server exchange: request bodies (zod) and the views of stored messages, where file paths
// on the host become download URLs. public/app.js takes its types from here.
import { z } from 'zod';
import type { Block, FileRef } from '../../contract/messages.ts';
import { type WebEvent, type WebMessage, type WebUser, webUserSchema } from './web-store.ts';

export type { WebUser } from './web-store.ts';

/**
 * POST /api/messages: a person's message, opening a thread (`thread` null) or replying in one. Who posts is the
 * server's to say (web-identity.ts): a `user` in the body is dropped unread.
 */
export const postMessageSchema = z.object({
  channel: z.string(),
  thread: z.string().nullable().default(null),
  text: z.string().max(20_000).default(''),
  /** Ids from POST /api/uploads. */
  uploads: z.array(z.string()).max(10).default([]),
});
export type PostMessageRequest = z.input<typeof postMessageSchema>;

/** POST /api/actions: a press of one of the message's buttons (by its action id), by the request's person. */
export const pressSchema = z.object({
  messageId: z.string(),
  action: z.string().max(100),
});
export type PressRequest = z.input<typeof pressSchema>;

/** POST /api/me: a guest's new display name (a member's comes from WEB_USERS). */
export const renameSchema = z.object({ name: webUserSchema.shape.name });
export type RenameRequest = z.input<typeof renameSchema>;

/** GET and POST /api/me: who this browser is, as the server decided. */
export interface MeView {
  user: WebUser;
  /** True for a member: the name comes from WEB_USERS and cannot be changed here. */
  nameFixed: boolean;
}

export interface FileView {
  name: string;
  mime: string;
  bytes: number;
  url: string;
}

export type BlockView =
  | Exclude<Block, { kind: 'image' } | { kind: 'file' }>
  | { kind: 'image'; file: FileView; alt: string }
  | { kind: 'file'; file: FileView };

/** Where a run stands, read from a progress block: queued or running, finished, or failed/cancelled. */
export type RunState = 'running' | 'done' | 'failed';

export interface MessageView extends Omit<WebMessage, 'files' | 'blocks'> {
  files: FileView[];
  blocks: BlockView[] | null;
  /** A message with a progress block: where that run stands. */
  runState?: RunState;
  /** Channel listings only: the thread's reply count. */
  replyCount?: number;
  /** Channel listings only: where the thread's runs stand (any running, else the latest), null without a run. */
  threadStatus?: RunState | null;
  /** Channel listings only: when the thread's latest message was posted or edited. */
  lastTs?: number;
}

/** What a channel listing tells about a thread beside its root. */
export interface ThreadSummary {
  replyCount: number;
  threadStatus: RunState | null;
  lastTs: number;
}

/** GET /api/channels */
export interface ChannelsView {
  channels: string[];
  maxUploadMb: number;
}

/** GET /api/channels/:channel/messages: the channel's threads, oldest first, with their reply counts. */
export interface ChannelMessagesView {
  messages: MessageView[];
}

/** GET /api/threads/:id */
export interface ThreadView {
  root: MessageView;
  replies: MessageView[];
}

/** POST /api/uploads: `refused` when the file was over the limit (the bot then says so in the thread). */
export interface UploadView {
  id: string;
  name: string;
  bytes: number;
  refused: boolean;
}

/** POST /api/messages */
export interface PostedView {
  message: MessageView;
}

/** Any refusal: the status says what kind, the message what to do. */
export interface ErrorView {
  error: string;
}

/** The live feed (GET /api/events): each server-sent event is named by its type and carries one message. */
export type LiveEventType = WebEvent['type'];

/**
 * The live feed's one event without a message: the feed was cut (its Redis connection dropped and came back), so
 * what the page shows may be stale or gone; the page loads it again.
 */
export const RESYNC_EVENT = 'resync';

/** POST /api/uploads answers 413 with this when the file passes MAX_UPLOAD_MB (the transfer is cut off there). */
export interface UploadRefusedView extends UploadView {
  error: string;
}

/** Every file a message refers to, in a fixed order: its uploads, then those in its blocks. */
export function filesOf(m: WebMessage): FileRef[] {
  const inBlocks = (m.blocks ?? []).flatMap((b) => (b.kind === 'image' || b.kind === 'file' ? [b.file] : []));
  return [...m.files, ...inBlocks];
}

/** The buttons a message carries (only a bot's messages have any). */
export function buttonsOf(m: WebMessage): { action: string; label: string }[] {
  return (m.blocks ?? []).flatMap((b) => (b.kind === 'buttons' ? b.buttons : []));
}

/**
 * The run state a message shows: its progress block's label ends in the state ("Run of …: finished", "…: running
 * in the sandbox", "…: timed out"); a label without one counts as running until its bar is full.
 */
export function runStateOf(m: WebMessage): RunState | undefined {
  const progress = m.blocks?.find((b) => b.kind === 'progress');
  if (progress?.kind !== 'progress') return undefined;
  const said = /:\s*(queued|running|finished|failed|cancelled|timed out)\b[^:]*$/i
    .exec(progress.label)?.[1]
    ?.toLowerCase();
  if (said === 'finished') return 'done';
  if (said === 'failed' || said === 'cancelled' || said === 'timed out') return 'failed';
  if (said) return 'running';
  return progress.step < progress.total ? 'running' : 'done';
}

/** A thread's reply count, run status (any run under way, else the latest run's end) and latest activity. */
export function summarizeThread(root: WebMessage, replies: WebMessage[]): ThreadSummary {
  let threadStatus: RunState | null = null;
  let latest = -1;
  let lastTs = root.editedTs ?? root.ts;
  for (const r of replies) {
    lastTs = Math.max(lastTs, r.editedTs ?? r.ts);
    const state = runStateOf(r);
    if (!state || threadStatus === 'running') continue;
    if (state === 'running') threadStatus = 'running';
    else if (r.ts >= latest) {
      latest = r.ts;
      threadStatus = state;
    }
  }
  return { replyCount: replies.length, threadStatus, lastTs };
}

export function toView(m: WebMessage, thread?: ThreadSummary): MessageView {
  let i = 0;
  const view = (f: FileRef): FileView => ({
    name: f.name,
    mime: f.mime,
    bytes: f.bytes,
    url: `/files/${encodeURIComponent(m.id)}/${i++}/${encodeURIComponent(f.name)}`,
  });
  const files = m.files.map(view);
  const blocks = m.blocks?.map((b): BlockView => {
    if (b.kind === 'image') return { kind: 'image', file: view(b.file), alt: b.alt };
    if (b.kind === 'file') return { kind: 'file', file: view(b.file) };
    return b;
  });
  const runState = runStateOf(m);
  return {
    ...m,
    files,
    blocks: blocks ?? null,
    ...(runState ? { runState } : {}),
    ...(thread ?? {}),
  };
}
