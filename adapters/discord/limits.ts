// Discord's message, component and embed limits in one place, so rendering clamps against one table.
// Sources: discord.com/developers/docs resources/message (content, embeds, attachments) and interactions/message-components.

export const DISCORD_LIMITS = {
  /** Characters in a message's content. */
  content: 2000,
  /** Buttons in one action row. */
  buttonsPerRow: 5,
  /** Action rows in one message. */
  rows: 5,
  /** Characters in a button label. */
  buttonLabel: 80,
  /** Characters in a custom_id. */
  customId: 100,
  /** Embeds in one message. */
  embedsPerMessage: 10,
  /** Characters in an embed description. */
  embedDescription: 4096,
  /** Characters in an embed title. */
  embedTitle: 256,
  /** Characters across all embeds of a message. */
  embedsTotal: 6000,
  /** Attachments in one message. */
  attachmentsPerMessage: 10,
  /** Bytes per attachment a bot may upload without a boosted server. */
  attachmentBytes: 10 * 1024 * 1024,
  /** Code longer than this (characters) goes out as an attachment instead of a code block. */
  inlineCodeChars: 1500,
  /** Code with more lines than this goes out as an attachment. */
  inlineCodeLines: 40,
  /**
   * Characters of an option card's full text shown in place (the plan edited with it expanded): the rest of the
   * plan must still fit beside it in content and embeds (6000 together).
   */
  expandedCard: 3000,
  /** Characters in a thread name. */
  threadName: 100,
} as const;
