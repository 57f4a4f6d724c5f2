// One message as an <article>: who and when, its blocks (or text), its files, and in the channel its thread row.
// @ts-check
import { fileLink, renderBlocks } from './blocks.js';
import { el } from './dom.js';
import { md } from './markdown.js';

/** @typedef {import('../../web-views.ts').MessageView} MessageView */

/**
 * What a message's look depends on besides itself: its cards' (whose vote, which parts open) and, in the channel,
 * the row under a thread's root.
 * @typedef {import('./option-card.js').CardContext & { threadRow: (id: string) => HTMLElement }} MessageContext
 */

/**
 * @param {MessageView} m
 * @param {boolean} inThread
 * @param {MessageContext} context
 */
export function renderMessage(m, inThread, context) {
  const node = el('article', {
    class: `message${m.bot ? ' bot' : ''}`,
    'data-id': m.id,
    'data-testid': m.bot ? 'bot-message' : 'user-message',
    tabIndex: -1,
  });
  const when = new Date(m.ts).toLocaleTimeString();
  const meta = el(
    'div',
    { class: 'meta' },
    el('strong', { text: m.user.name }),
    `${when}${m.editedTs ? ' (edited)' : ''}`,
  );
  node.append(meta);
  if (m.blocks?.length) node.append(...renderBlocks(m, context));
  else if (m.text) node.append(md(m.text));
  else if (!m.files.length) node.append(el('p', { class: 'context', text: '(empty message)' }));
  for (const f of m.files) node.append(fileLink(f));
  if (!inThread && !m.thread) node.append(context.threadRow(m.id));
  return node;
}
