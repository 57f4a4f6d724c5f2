// A message's blocks (headings, text, code, option cards, buttons, progress, pictures, files) as elements.
// @ts-check
import { renderCode } from './code-block.js';
import { el, formatBytes } from './dom.js';
import { md, mdInline } from './markdown.js';
import { ownedByCard, plainButtons, renderOptionCard } from './option-card.js';
import { actionButton } from './press.js';

/** @typedef {import('../../web-views.ts').BlockView} BlockView */
/** @typedef {import('../../web-views.ts').FileView} FileView */
/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('./option-card.js').CardContext} CardContext */

/**
 * A download link for a file of a message.
 * @param {FileView} file
 */
export function fileLink(file) {
  return el('a', {
    class: 'file',
    href: `${file.url}?download=1`,
    text: `${file.name} (${formatBytes(file.bytes)})`,
    'data-testid': 'file-link',
    'data-key': `file:${file.url}`,
    download: file.name,
  });
}

/**
 * One picture; several in a row sit side by side (wrapping on narrow screens).
 * @param {Extract<BlockView, { kind: 'image' }>} block
 */
function renderImage(block) {
  return el(
    'figure',
    { class: 'image' },
    el(
      'a',
      {
        class: 'image-link',
        href: block.file.url,
        target: '_blank',
        rel: 'noopener',
        'data-key': `image:${block.file.url}`,
      },
      el('img', { src: block.file.url, alt: block.alt, 'data-testid': 'image', loading: 'lazy' }),
    ),
  );
}

/**
 * A run's progress bar, coloured by where the run stands.
 * @param {Extract<BlockView, { kind: 'progress' }>} block
 * @param {MessageView} message
 */
function renderProgress(block, message) {
  const pct = Math.round((100 * block.step) / block.total);
  const fill = el('span');
  fill.style.width = `${pct}%`;
  const bar = el(
    'div',
    {
      class: 'bar',
      role: 'progressbar',
      'aria-label': block.label,
      'aria-valuemin': 0,
      'aria-valuemax': block.total,
      'aria-valuenow': block.step,
    },
    fill,
  );
  return el(
    'div',
    { class: `progress${message.runState ? ` ${message.runState}` : ''}`, 'data-testid': 'progress' },
    el('div', { text: block.label }),
    bar,
    block.detail ? el('div', { class: 'detail', text: block.detail }) : null,
  );
}

/**
 * @param {BlockView} block
 * @param {MessageView} message
 * @param {number} index the block's place in the message
 * @param {CardContext} context
 */
function renderBlock(block, message, index, context) {
  switch (block.kind) {
    case 'heading':
      return el('h3', { class: 'block-heading', text: block.text });
    case 'text':
      return md(block.text);
    case 'context': {
      const p = el('p', { class: 'context' });
      p.innerHTML = mdInline(block.text);
      return p;
    }
    case 'code':
      return renderCode(block, index);
    case 'option':
      return renderOptionCard(block, message, context);
    case 'buttons': {
      if (ownedByCard(block, message)) return null;
      const buttons = plainButtons(block, message);
      return buttons.length
        ? el('div', { class: 'buttons' }, ...buttons.map((b) => actionButton(message, b)))
        : null;
    }
    case 'progress':
      return renderProgress(block, message);
    case 'image':
      return renderImage(block);
    case 'file':
      return fileLink(block.file);
    default:
      return null;
  }
}

/**
 * A message's blocks in order; consecutive images go into one row.
 * @param {MessageView} m
 * @param {CardContext} context whose votes are marked, which card parts are open
 * @returns {Node[]}
 */
export function renderBlocks(m, context) {
  /** @type {Node[]} */
  const out = [];
  /** @type {HTMLElement | null} */
  let row = null;
  (m.blocks ?? []).forEach((b, i) => {
    if (b.kind === 'image') {
      if (!row) {
        row = el('div', { class: 'image-row', 'data-testid': 'image-row' });
        out.push(row);
      }
      row.append(renderImage(b));
      return;
    }
    row = null;
    const node = renderBlock(b, m, i, context);
    if (node) out.push(node);
  });
  return out;
}
