// Neutral chat messages: what the bot says, before any platform renders it within its own limits.
import { z } from 'zod';

const surfaceNameSchema = z.enum(['web', 'slack', 'discord']);
export type SurfaceName = z.infer<typeof surfaceNameSchema>;

/** Where a conversation lives: a channel and the id of the thread's root message. */
export const threadRefSchema = z.object({
  surface: surfaceNameSchema,
  /** Workspace (Slack team) or guild (Discord); empty for the web chat. */
  space: z.string().default(''),
  channel: z.string(),
  /** Root message id (Slack ts, Discord thread channel id, web message id). */
  thread: z.string(),
});
export type ThreadRef = z.infer<typeof threadRefSchema>;

export const fileRefSchema = z.object({
  name: z.string(),
  /** Host path of the file (under DATA_DIR). */
  path: z.string(),
  mime: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type FileRef = z.infer<typeof fileRefSchema>;

const buttonSchema = z.object({
  /** Opaque action id the bot decodes (at most 100 characters, Discord's custom_id limit). */
  action: z.string().max(100),
  label: z.string(),
  style: z.enum(['primary', 'danger', 'default']).default('default'),
});
export type Button = z.infer<typeof buttonSchema>;

export const blockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), text: z.string() }),
  /** Markdown-lite: **bold**, _italic_, `code`, [links](url), bullet lines. */
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('context'), text: z.string() }),
  z.object({
    kind: z.literal('code'),
    language: z.string(),
    code: z.string(),
    filename: z.string().optional(),
  }),
  z.object({ kind: z.literal('buttons'), buttons: z.array(buttonSchema) }),
  z.object({
    kind: z.literal('progress'),
    label: z.string(),
    step: z.number().int().nonnegative(),
    total: z.number().int().positive(),
    detail: z.string().optional(),
  }),
  z.object({ kind: z.literal('image'), file: fileRefSchema, alt: z.string() }),
  z.object({ kind: z.literal('file'), file: fileRefSchema }),
]);
export type Block = z.infer<typeof blockSchema>;

export const outgoingMessageSchema = z.object({
  /** Plain text for notifications and surfaces that cannot show blocks. */
  text: z.string(),
  blocks: z.array(blockSchema),
});
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
