// The channel list: each channel's link, the open one marked, with its count of unread messages; drawn again
// whenever the view state says the open channel or a count changed.
// @ts-check
import { $, el } from './dom.js';
import { markFocus } from './focus.js';

/** @typedef {import('./view-state.js').ViewState} ViewState */

/**
 * @param {HTMLElement} nav
 * @param {string[]} channels
 * @param {ViewState} view
 * @param {(channel: string) => void} pick a person picked a channel
 */
function renderChannels(nav, channels, view, pick) {
  const links = channels.map((c) => {
    const unread = view.unreadIn(c);
    return el(
      'a',
      {
        // A real address (opens the channel in a new tab too), not an in-page #anchor.
        href: `?channel=${encodeURIComponent(c)}`,
        'data-channel': c,
        'data-key': `channel:${c}`,
        class: c === view.channel ? 'active' : '',
        'aria-current': c === view.channel ? 'page' : undefined,
        onclick: (/** @type {MouseEvent} */ ev) => {
          ev.preventDefault();
          pick(c);
        },
      },
      el('span', { class: 'channel-name', text: `# ${c}` }),
      unread
        ? el(
            'span',
            { class: 'badge unread', 'data-testid': 'channel-unread' },
            String(unread),
            el('span', { class: 'visually-hidden', text: ' unread' }),
          )
        : null,
    );
  });
  const mark = markFocus(nav);
  nav.replaceChildren(...links);
  if (mark) {
    const again = mark.key ? nav.querySelector(`[data-key="${CSS.escape(mark.key)}"]`) : null;
    if (again instanceof HTMLElement) again.focus({ preventScroll: true });
  }
}

/**
 * Draws the list after every change of the view state's channel part (the first: the first channel opened).
 * @param {string[]} channels
 * @param {ViewState} view
 * @param {(channel: string) => void} pick
 */
export function wireChannelList(channels, view, pick) {
  const nav = $('#channels');
  view.subscribe(() => renderChannels(nav, channels, view, pick));
}
