// Translates discord.js messages and button interactions into the bot's IncomingEvent; no decisions beyond addressing.
import type { Attachment, ButtonInteraction, Message } from 'discord.js';
import type { ThreadRef } from '../../contract/messages.ts';
import type { IncomingEvent, IncomingFile } from '../../contract/surface.ts';
import { withoutMentions } from '../mention-text.ts';
import { clampText } from '../render-text.ts';
import { DISCORD_LIMITS } from './limits.ts';

/** Discord's mention markup for a user (`<@123>`, the older nickname form `<@!123>`) and a role (`<@&123>`). */
const DISCORD_MENTION = /<@[!&]?\d+>/g;

/** Removes every mention (the bot's and anyone else's) and a typed `@linguacodus`; whitespace collapses to one space. */
export function stripMentions(text: string): string {
  return withoutMentions(text, DISCORD_MENTION).replace(/\s+/g, ' ');
}

/** A thread name from the task's first words (Discord requires 1-100 characters). */
export function threadName(text: string): string {
  const words = text
    .replace(/<[@#!&]?\d+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return clampText(words || 'Linguacodus task', Math.min(60, DISCORD_LIMITS.threadName));
}

export function attachmentsToFiles(
  attachments: Iterable<Attachment>,
  download: (a: Attachment, destPath: string, maxBytes: number) => Promise<void>,
): IncomingFile[] {
  return [...attachments].map((a) => ({
    name: a.name,
    bytes: a.size,
    mime: a.contentType ?? 'application/octet-stream',
    download: (destPath: string, maxBytes: number) => download(a, destPath, maxBytes),
  }));
}

export function messageToIncoming(
  message: Message<true>,
  thread: ThreadRef,
  isRoot: boolean,
  addressed: boolean,
  files: IncomingFile[],
): IncomingEvent {
  return {
    type: 'message',
    thread,
    isRoot,
    messageId: message.id,
    user: { id: message.author.id, name: message.author.globalName ?? message.author.username },
    text: stripMentions(message.content),
    files,
    addressed,
  };
}

export function buttonToIncoming(interaction: ButtonInteraction, thread: ThreadRef): IncomingEvent {
  return {
    type: 'action',
    thread,
    messageId: interaction.message.id,
    user: { id: interaction.user.id, name: interaction.user.globalName ?? interaction.user.username },
    action: interaction.customId,
    pressId: interaction.id,
  };
}
