// The row under a thread's root in the channel: open it, how many replies, unread, the run badge.
// @ts-check
import { el } from './dom.js';

/** @typedef {import('./threads.js').ThreadBook} ThreadBook */

const STATUS_WORDS = { running: 'running', done: 'done', failed: 'failed' };

/**
 * @param {string} id the thread's root
 * @param {ThreadBook} threads
 * @param {(id: string) => void} open opens the thread, focus in it
 */
export function threadRow(id, threads, open) {
  const info = threads.info(id);
  const count = info.replyCount;
  const status = threads.statusOf(id);
  return el(
    'div',
    { class: 'thread-row' },
    el('button', {
      class: 'replies',
      type: 'button',
      'data-count': String(count),
      'data-testid': 'open-thread',
      'data-key': 'open-thread',
      text: count ? `${count} repl${count === 1 ? 'y' : 'ies'} →` : 'Open thread →',
      onclick: () => open(id),
    }),
    info.unread
      ? el(
          'span',
          { class: 'badge unread', 'data-testid': 'thread-unread' },
          'new',
          el('span', { class: 'visually-hidden', text: ' replies unread' }),
        )
      : null,
    status
      ? el(
          'span',
          { class: `badge run ${status}`, 'data-testid': 'thread-status', 'data-status': status },
          el('span', { class: 'visually-hidden', text: 'run ' }),
          STATUS_WORDS[status],
        )
      : null,
  );
}
