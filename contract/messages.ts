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
  /**
   * What the button does to the option card it sits beside (optional): a vote (the web chat marks the viewer's own
   * with aria-pressed), a run, or the card's full text. A surface that can expand text in place (the web chat)
   * shows 'expand' buttons as its own toggle instead of pressing them; Slack and Discord press them (the bot
   * answers by editing the message).
   */
  role: z.enum(['vote', 'run', 'expand']).optional(),
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
  z.object({
    kind: z.literal('buttons'),
    buttons: z.array(buttonSchema),
    /** The option card (its `choice`) these buttons act on; surfaces draw them beside that card. */
    for: z.string().optional(),
  }),
  /**
   * One option of a plan as a card: its title, a summary cut at a sentence or word boundary, the whole text, and
   * its votes. Its actions are the `buttons` block whose `for` is this card's choice (kept a `buttons` block so
   * every surface and test that looks for buttons still finds them).
   */
  z.object({
    kind: z.literal('option'),
    /** '1'-'3', 'resolver' or 'vanilla'. */
    choice: z.string(),
    /** Short heading, e.g. "2. Gradient boosting" or "Resolver's choice: option 2, improved — …". */
    title: z.string(),
    /** Markdown-lite, at most a few sentences, never cut mid-word (an ellipsis marks a cut). */
    summary: z.string(),
    /** The summary uncut, only when `summary` was cut ("more" shows it). */
    more: z.string().optional(),
    /** The option's whole text in markdown-lite ("Full text" shows it in place). */
    full: z.string().optional(),
    /** Whether Slack and Discord show `full` instead of the summary (set by editing the message). */
    expanded: z.boolean().optional(),
    /** One line under the card: votes, the quick CV score, why it is ranked where it is. */
    note: z.string().optional(),
    /** How many people voted for this option. */
    votes: z.number().int().nonnegative().optional(),
    /** Who voted for it (surface user ids): the web chat marks the viewer's own vote. */
    voters: z.array(z.string()).optional(),
  }),
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
  /**
   * The bot is still at work on what this message announces (understanding the task, planning): a surface may show
   * its own sign of it (Discord's typing indicator) until a post or edit in the thread comes without it.
   */
  busy: z.boolean().optional(),
  /**
   * A result people may rate: the action ids of its two feedback buttons. A surface with its own feedback control
   * (Slack's `feedback_buttons`) draws them under the message and hands a press back as an action; others leave
   * them out.
   */
  feedback: z.object({ good: z.string().max(100), bad: z.string().max(100) }).optional(),
});
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
