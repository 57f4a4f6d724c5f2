// Renders a neutral OutgoingMessage as a Discord message (content, embeds, button rows, attachments) within DISCORD_LIMITS.
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { Block, Button, OutgoingMessage } from '../../contract/messages.ts';
import { clampText, progressBar, snippetFilename, splitText } from '../render-text.ts';
import { DISCORD_LIMITS } from './limits.ts';

/** A file to attach: from disk (path) or generated (content). */
export interface DiscordUpload {
  name: string;
  path?: string;
  content?: string;
  bytes: number;
}

export interface RenderedDiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files: DiscordUpload[];
}

/** The attachment that receives whatever text does not fit in content and embeds. */
export const OVERFLOW_FILENAME = 'full-message.md';

const styles: Record<Button['style'], ButtonStyle.Primary | ButtonStyle.Danger | ButtonStyle.Secondary> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

/**
 * Each neutral button group starts its own row (an option card's Vote, Run and Full text on one), split at five per
 * row; at most five rows: once they are used, a group that fits beside the last row's buttons joins that row.
 * Custom ids must be unique in a message: a repeated action is dropped rather than renamed (ids are opaque).
 */
export function renderButtonRows(groups: Button[][]): {
  rows: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  dropped: number;
} {
  const seen = new Set<string>();
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  let dropped = 0;
  for (const group of groups) {
    const unique = group.filter((b) => {
      const id = b.action.slice(0, DISCORD_LIMITS.customId);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    dropped += group.length - unique.length;
    const toButton = (b: Button): APIButtonComponentWithCustomId => ({
      type: ComponentType.Button,
      custom_id: b.action.slice(0, DISCORD_LIMITS.customId),
      label: clampText(b.label, DISCORD_LIMITS.buttonLabel),
      style: styles[b.style],
    });
    const last = rows[rows.length - 1];
    if (
      rows.length >= DISCORD_LIMITS.rows &&
      last &&
      last.components.length + unique.length <= DISCORD_LIMITS.buttonsPerRow
    ) {
      last.components.push(...unique.map(toButton));
      continue;
    }
    for (let i = 0; i < unique.length; i += DISCORD_LIMITS.buttonsPerRow) {
      const chunk = unique.slice(i, i + DISCORD_LIMITS.buttonsPerRow);
      if (rows.length >= DISCORD_LIMITS.rows) {
        dropped += chunk.length;
        continue;
      }
      rows.push({ type: ComponentType.ActionRow, components: chunk.map(toButton) });
    }
  }
  return { rows, dropped };
}

interface Rendered {
  parts: string[];
  buttons: Button[][];
  files: DiscordUpload[];
}

function renderParts(message: OutgoingMessage): Rendered {
  const parts: string[] = [];
  const buttons: Button[][] = [];
  const files: DiscordUpload[] = [];
  let codeIndex = 0;
  for (const block of message.blocks as Block[]) {
    switch (block.kind) {
      case 'option': {
        // A card: its title, its summary (its full text when expanded) and its note; its buttons are its own row.
        let body = block.expanded && block.full ? block.full : block.summary;
        if (body.length > DISCORD_LIMITS.expandedCard) {
          const more = '\n… (the rest is in the attached instructions file)';
          body = `${splitText(body, DISCORD_LIMITS.expandedCard - more.length)[0]}${more}`;
        }
        const lines = [`**${block.title.replace(/\*/g, '')}**`, body];
        if (block.note) lines.push(`-# ${block.note.replace(/\n/g, ' ')}`);
        parts.push(lines.join('\n'));
        break;
      }
      case 'heading':
        parts.push(`## ${clampText(block.text.replace(/\n/g, ' '), 200)}`);
        break;
      case 'text':
        parts.push(block.text);
        break;
      case 'context':
        parts.push(
          block.text
            .split('\n')
            .map((l) => `-# ${l}`)
            .join('\n'),
        );
        break;
      case 'code': {
        const lines = block.code.split('\n').length;
        if (block.code.length <= DISCORD_LIMITS.inlineCodeChars && lines <= DISCORD_LIMITS.inlineCodeLines) {
          parts.push(`\`\`\`${block.language}\n${block.code.replace(/```/g, '`\u200b``')}\n\`\`\``);
        } else {
          const name = block.filename ?? snippetFilename(block.language, codeIndex);
          files.push({ name, content: block.code, bytes: Buffer.byteLength(block.code) });
          parts.push(`-# Code (${lines} lines) attached as \`${name}\`.`);
        }
        codeIndex += 1;
        break;
      }
      case 'buttons':
        if (block.buttons.length > 0) buttons.push(block.buttons);
        break;
      case 'progress': {
        const lines = [`**${block.label}**`, progressBar(block.step, block.total)];
        if (block.detail) lines.push(block.detail);
        parts.push(lines.join('\n'));
        break;
      }
      case 'image':
      case 'file':
        if (block.file.bytes > DISCORD_LIMITS.attachmentBytes) {
          parts.push(`-# \`${block.file.name}\` is too large to attach here (${block.file.bytes} bytes).`);
        } else {
          files.push({ name: block.file.name, path: block.file.path, bytes: block.file.bytes });
        }
        break;
    }
  }
  return { parts, buttons, files };
}

/**
 * Renders a message: text into content (≤ 2000), the rest into embeds (≤ 4096 each, ≤ 6000 together), and what is
 * still left into an overflow markdown attachment; buttons into rows of five; files as attachments (≤ 10).
 */
export function renderDiscordMessage(message: OutgoingMessage): RenderedDiscordMessage {
  const { parts, buttons, files } = renderParts(message);
  const { rows, dropped } = renderButtonRows(buttons);
  const notes: string[] = [];
  if (dropped > 0) notes.push(`-# ${dropped} more option(s) are not shown as buttons.`);

  // Chunks no larger than an embed description, cut at part boundaries where possible so fences stay whole.
  const chunks = parts.flatMap((p) => splitText(p, DISCORD_LIMITS.embedDescription));
  const noteReserve = 120;
  let content = '';
  let i = 0;
  for (; i < chunks.length; i += 1) {
    const next = content ? `${content}\n${chunks[i]}` : (chunks[i] as string);
    if (next.length > DISCORD_LIMITS.content - noteReserve) break;
    content = next;
  }
  if (content === '' && i < chunks.length) {
    // The first chunk alone is over the content limit: its head goes into content, its tail back into the queue.
    const first = chunks[i] as string;
    const [head, ...tail] = splitText(first, DISCORD_LIMITS.content - noteReserve);
    content = head ?? '';
    chunks.splice(i, 1, ...tail);
  }
  const embeds: APIEmbed[] = [];
  let embedChars = 0;
  let description = '';
  const flush = () => {
    if (description) embeds.push({ description });
    embedChars += description.length;
    description = '';
  };
  const overflow: string[] = [];
  for (; i < chunks.length; i += 1) {
    const chunk = chunks[i] as string;
    const next = description ? `${description}\n${chunk}` : chunk;
    if (next.length <= DISCORD_LIMITS.embedDescription) {
      if (embedChars + next.length > DISCORD_LIMITS.embedsTotal) break;
      description = next;
      continue;
    }
    flush();
    if (
      embeds.length >= DISCORD_LIMITS.embedsPerMessage ||
      embedChars + chunk.length > DISCORD_LIMITS.embedsTotal
    ) {
      break;
    }
    description = chunk;
  }
  flush();
  for (; i < chunks.length; i += 1) overflow.push(chunks[i] as string);

  const attachments = [...files];
  if (overflow.length > 0) {
    const text = overflow.join('\n\n');
    attachments.push({ name: OVERFLOW_FILENAME, content: text, bytes: Buffer.byteLength(text) });
    notes.push(`-# The rest of this message is in \`${OVERFLOW_FILENAME}\`.`);
  }
  const kept = attachments.slice(0, DISCORD_LIMITS.attachmentsPerMessage);
  if (attachments.length > kept.length) {
    notes.push(`-# ${attachments.length - kept.length} more file(s) could not be attached to this message.`);
  }
  if (notes.length > 0) content = content ? `${content}\n${notes.join('\n')}` : notes.join('\n');
  if (content === '' && embeds.length === 0) content = clampText(message.text || '…', DISCORD_LIMITS.content);
  return { content: clampText(content, DISCORD_LIMITS.content), embeds, components: rows, files: kept };
}
