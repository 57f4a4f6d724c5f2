// Renders a neutral OutgoingMessage as Slack Block Kit within SLACK_LIMITS; what cannot fit inline becomes a file upload.
import type { types } from '@slack/bolt';
import type { Block, Button, OutgoingMessage } from '../../contract/messages.ts';
import { clampText, progressBar, snippetFilename, splitText } from '../render-text.ts';
import { SLACK_LIMITS } from './limits.ts';

export type SlackBlock = types.KnownBlock;

/** A file to upload into the thread next to the message: from disk (path) or generated (content). */
export interface SlackUpload {
  filename: string;
  title: string;
  path?: string;
  content?: string;
}

export interface RenderedSlackMessage {
  /** Notification / fallback text. */
  text: string;
  blocks: SlackBlock[];
  uploads: SlackUpload[];
}

/** The file that receives whatever text does not fit in the message's blocks. */
export const OVERFLOW_FILENAME = 'full-message.md';

/** Escapes the three characters Slack treats as control sequences in text objects. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Converts the bot's markdown-lite (**bold**, _italic_, `code`, [links](url), bullets) to Slack mrkdwn. */
export function toMrkdwn(markdown: string): string {
  const escaped = escapeSlack(markdown);
  return escaped
    .replace(
      /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g,
      (_m, label: string, url: string) => `<${url}|${label}>`,
    )
    .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
    .replace(/^(\s*)[-*] /gm, '$1• ');
}

function section(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

function context(mrkdwn: string): SlackBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clampText(mrkdwn, SLACK_LIMITS.contextText) }],
  };
}

/** Slack requires action_ids unique within a message; the neutral action stays whole in `value`. */
function slackButton(b: Button, usedIds: Set<string>): types.Button {
  let actionId = clampText(b.action, SLACK_LIMITS.actionId - 4);
  for (let n = 2; usedIds.has(actionId); n += 1)
    actionId = `${clampText(b.action, SLACK_LIMITS.actionId - 4)}#${n}`;
  usedIds.add(actionId);
  return {
    type: 'button' as const,
    action_id: actionId,
    value: clampText(b.action, SLACK_LIMITS.buttonValue),
    text: { type: 'plain_text' as const, text: clampText(b.label, SLACK_LIMITS.buttonText), emoji: true },
    ...(b.style === 'default' ? {} : { style: b.style }),
  };
}

function renderButtons(buttons: Button[], usedIds: Set<string>): SlackBlock[] {
  const elements = buttons.map((b) => slackButton(b, usedIds));
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.actionsElements) {
    blocks.push({ type: 'actions', elements: elements.slice(i, i + SLACK_LIMITS.actionsElements) });
  }
  return blocks;
}

type OptionBlock = Extract<Block, { kind: 'option' }>;

/**
 * An option card: a section with its title and summary (its full text when expanded, cut at a line to fit one
 * section) and its first action (the vote) as the accessory beside it; a context line with its votes; an actions
 * block with its other actions (Run, Full text) right under it.
 */
function renderOption(option: OptionBlock, buttons: Button[], usedIds: Set<string>): SlackBlock[] {
  const title = toMrkdwn(`**${option.title.replace(/\*/g, '')}**`);
  const body = option.expanded && option.full ? option.full : option.summary;
  let text = `${title}\n${toMrkdwn(body)}`;
  if (text.length > SLACK_LIMITS.sectionText) {
    const more = '\n… (the rest is in the attached instructions file)';
    text = `${splitText(text, SLACK_LIMITS.sectionText - more.length)[0]}${more}`;
  }
  const [first, ...rest] = buttons;
  const block: types.SectionBlock = {
    type: 'section',
    text: { type: 'mrkdwn', text },
    ...(option.expanded ? { expand: true } : {}),
    ...(first ? { accessory: slackButton(first, usedIds) } : {}),
  };
  const out: SlackBlock[] = [block];
  if (option.note) out.push(context(toMrkdwn(option.note)));
  if (rest.length > 0) out.push(...renderButtons(rest, usedIds));
  return out;
}

/** One rendered piece: the Slack blocks, their text size, and the markdown that stands in for them in the overflow file. */
interface Piece {
  blocks: SlackBlock[];
  chars: number;
  markdown: string;
  keep: boolean;
}

function blockChars(block: SlackBlock): number {
  return JSON.stringify(block).length;
}

function piece(blocks: SlackBlock[], markdown: string, keep = false): Piece {
  return { blocks, chars: blocks.reduce((n, b) => n + blockChars(b), 0), markdown, keep };
}

function renderPieces(message: OutgoingMessage, uploads: SlackUpload[]): Piece[] {
  const pieces: Piece[] = [];
  const usedIds = new Set<string>();
  let codeIndex = 0;
  const blocksIn = message.blocks as Block[];
  // An option card's buttons are drawn with the card, wherever their block stands.
  const cardButtons = new Map<string, Button[]>();
  const cards = new Set(blocksIn.flatMap((b) => (b.kind === 'option' ? [b.choice] : [])));
  for (const b of blocksIn)
    if (b.kind === 'buttons' && b.for && cards.has(b.for)) cardButtons.set(b.for, b.buttons);
  for (const block of blocksIn) {
    switch (block.kind) {
      case 'option': {
        const markdown = `**${block.title}**\n${block.summary}${block.note ? `\n_${block.note}_` : ''}`;
        pieces.push(piece(renderOption(block, cardButtons.get(block.choice) ?? [], usedIds), markdown, true));
        break;
      }
      case 'heading': {
        const text = clampText(block.text, SLACK_LIMITS.headerText);
        pieces.push(
          piece([{ type: 'header', text: { type: 'plain_text', text, emoji: true } }], `## ${block.text}`),
        );
        break;
      }
      case 'text':
        for (const part of splitText(toMrkdwn(block.text), SLACK_LIMITS.sectionText)) {
          pieces.push(piece([section(part)], block.text));
        }
        break;
      case 'context':
        pieces.push(piece([context(toMrkdwn(block.text))], `_${block.text}_`));
        break;
      case 'code': {
        const fence = `\`\`\`\n${escapeSlack(block.code)}\n\`\`\``;
        const lines = block.code.split('\n').length;
        const inline =
          block.code.length <= SLACK_LIMITS.inlineCodeChars &&
          lines <= SLACK_LIMITS.inlineCodeLines &&
          fence.length <= SLACK_LIMITS.sectionText;
        if (inline) {
          pieces.push(piece([section(fence)], `\`\`\`${block.language}\n${block.code}\n\`\`\``));
        } else {
          const filename = block.filename ?? snippetFilename(block.language, codeIndex);
          uploads.push({ filename, title: filename, content: block.code });
          pieces.push(
            piece(
              [context(`Code (${lines} lines) attached in this thread as \`${escapeSlack(filename)}\`.`)],
              `(code in ${filename})`,
            ),
          );
        }
        codeIndex += 1;
        break;
      }
      case 'buttons':
        if (block.for && cards.has(block.for)) break;
        if (block.buttons.length > 0) pieces.push(piece(renderButtons(block.buttons, usedIds), '', true));
        break;
      case 'progress': {
        const lines = [`*${escapeSlack(block.label)}*`, progressBar(block.step, block.total)];
        if (block.detail) lines.push(toMrkdwn(block.detail));
        const text = clampText(lines.join('\n'), SLACK_LIMITS.sectionText);
        pieces.push(piece([section(text)], `${block.label} (${block.step}/${block.total})`));
        break;
      }
      case 'image':
        uploads.push({ filename: block.file.name, title: clampText(block.alt, 250), path: block.file.path });
        pieces.push(
          piece(
            [context(`🖼 ${escapeSlack(block.alt)} (\`${escapeSlack(block.file.name)}\`, in this thread)`)],
            '',
          ),
        );
        break;
      case 'file':
        uploads.push({ filename: block.file.name, title: block.file.name, path: block.file.path });
        pieces.push(piece([context(`📎 \`${escapeSlack(block.file.name)}\` attached in this thread.`)], ''));
        break;
    }
  }
  if (message.feedback) pieces.push(piece([feedbackButtons(message.feedback, usedIds)], '', true));
  return pieces;
}

/**
 * Slack's thumbs up and down under an AI app's answer: a `feedback_buttons` element in a context_actions block; a
 * press comes back as a block action whose value is the neutral action.
 */
function feedbackButtons(feedback: { good: string; bad: string }, usedIds: Set<string>): SlackBlock {
  let actionId = 'feedback';
  for (let n = 2; usedIds.has(actionId); n += 1) actionId = `feedback#${n}`;
  usedIds.add(actionId);
  return {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: actionId,
        positive_button: {
          text: { type: 'plain_text', text: 'Good result' },
          accessibility_label: 'Mark this result as good',
          value: clampText(feedback.good, SLACK_LIMITS.buttonValue),
        },
        negative_button: {
          text: { type: 'plain_text', text: 'Bad result' },
          accessibility_label: 'Mark this result as bad',
          value: clampText(feedback.bad, SLACK_LIMITS.buttonValue),
        },
      },
    ],
  };
}

/**
 * Renders a message: blocks in order while they fit the block-count and total-size limits; buttons always kept;
 * the text that does not fit goes to an overflow markdown file so nothing the bot said is lost.
 */
export function renderSlackMessage(message: OutgoingMessage): RenderedSlackMessage {
  const uploads: SlackUpload[] = [];
  const pieces = renderPieces(message, uploads);
  const notice = context(`The rest of this message is in \`${OVERFLOW_FILENAME}\` in this thread.`);
  const kept = pieces.filter((p) => p.keep);
  let reservedBlocks = kept.reduce((n, p) => n + p.blocks.length, 0) + 1;
  let reservedChars = kept.reduce((n, p) => n + p.chars, 0) + blockChars(notice);
  // Buttons themselves past the limits: keep the first actions blocks only (25 buttons each).
  while (reservedBlocks > SLACK_LIMITS.blocksPerMessage || reservedChars > SLACK_LIMITS.totalBlockText) {
    const last = kept.pop();
    if (!last) break;
    reservedBlocks -= last.blocks.length;
    reservedChars -= last.chars;
    last.keep = false;
  }
  const out: SlackBlock[] = [];
  const overflow: string[] = [];
  let blocks = reservedBlocks;
  let chars = reservedChars;
  let overflowing = false;
  for (const p of pieces) {
    if (p.keep) {
      out.push(...p.blocks);
      continue;
    }
    const fits =
      !overflowing &&
      blocks + p.blocks.length <= SLACK_LIMITS.blocksPerMessage &&
      chars + p.chars <= SLACK_LIMITS.totalBlockText;
    if (fits) {
      out.push(...p.blocks);
      blocks += p.blocks.length;
      chars += p.chars;
    } else {
      overflowing = true;
      if (p.markdown) overflow.push(p.markdown);
    }
  }
  if (overflowing) {
    out.push(notice);
    uploads.push({ filename: OVERFLOW_FILENAME, title: 'Full message', content: overflow.join('\n\n') });
  }
  const text = clampText(message.text || ' ', SLACK_LIMITS.fallbackText);
  return { text, blocks: out, uploads };
}

/** Sum of JSON characters across blocks: the measure we hold under SLACK_LIMITS.totalBlockText. */
export function totalBlockChars(blocks: SlackBlock[]): number {
  return blocks.reduce((n, b) => n + blockChars(b), 0);
}
