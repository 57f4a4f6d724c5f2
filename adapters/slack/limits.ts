// Slack's Block Kit and Web API limits in one place, so rendering clamps against one table.
// Sources: docs.slack.dev reference for blocks (section, header, context, actions), button element and chat.postMessage.

export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** Characters in a section's text object. */
  sectionText: 3000,
  /** Characters in a header block's plain_text. */
  headerText: 150,
  /** Elements in one context block. */
  contextElements: 10,
  /** Characters we allow in one context text element (a text object's limit is 3000; context stays short). */
  contextText: 2000,
  /** Elements in one actions block. */
  actionsElements: 25,
  /** Characters in a button's plain_text label. */
  buttonText: 75,
  /** Characters in a button's value. */
  buttonValue: 2000,
  /** Characters in an action_id. */
  actionId: 255,
  /** Characters in an image block's alt_text. */
  altText: 2000,
  /**
   * Characters across all blocks' text: Slack answers msg_blocks_too_long somewhere past ~12k, so we stop well short.
   */
  totalBlockText: 11_000,
  /** Characters in the top-level `text` fallback we send (Slack truncates past 40k; notifications show far less). */
  fallbackText: 3000,
  /** Code longer than this (characters) goes to the thread as a file instead of an inline code block. */
  inlineCodeChars: 2500,
  /** Code with more lines than this goes to the thread as a file. */
  inlineCodeLines: 60,
} as const;
