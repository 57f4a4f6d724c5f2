// Mentions out of the text a person wrote, so the bot reads the task or command, not whom it was addressed to.

/** The bot's name typed as plain text: a mention not picked from the list, and the web chat's only way to address it. */
const TYPED_NAME = /(^|\s)@linguacodus\b/gi;

/** Removes the platform's mention markup (`platformMention`, a global pattern) and a typed `@linguacodus`. */
export function withoutMentions(text: string, platformMention?: RegExp): string {
  const marked = platformMention ? text.replace(platformMention, ' ') : text;
  return marked.replace(TYPED_NAME, ' ').trim();
}
