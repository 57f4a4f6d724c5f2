// Translates discord.js messages and button interactions into the bot's IncomingEvent; no decisions beyond addressing.
import type { Attachment, ButtonInteraction, Message } from 'discord.js';
import type { ThreadRef } from '../../bot/messages.ts';
import type { IncomingEvent, IncomingFile } from '../../bot/surface.ts';
import { clampText } from '../render-text.ts';
import { DISCORD_LIMITS } from './limits.ts';

/** Removes the bot's own mention so the bot reads the task, not its name. */
export function stripMention(text: string, botId: string): string {
  return text.split(`<@${botId}>`).join('').split(`<@!${botId}>`).join('').replace(/\s+/g, ' ').trim();
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
  botId: string,
  addressed: boolean,
  files: IncomingFile[],
): IncomingEvent {
  return {
    type: 'message',
    thread,
    isRoot,
    messageId: message.id,
    user: { id: message.author.id, name: message.author.globalName ?? message.author.username },
    text: stripMention(message.content, botId),
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
  };
}
