// Links to a message of this chat (?channel=C&thread=R&message=M, a leaderboard row's "result"): opened in place,
// without reloading the page.
// @ts-check
import { $, showError } from './dom.js';

/** @typedef {import('./panes.js').Panes} Panes */

/**
 * Opens what a chat link names: the channel, the thread, and the message scrolled into view, focused and marked;
 * a message no longer there leaves the thread open at its end.
 * @param {Panes} panes
 * @param {string[]} channels the channels there are
 * @param {URLSearchParams} params
 */
export async function followChatLink(panes, channels, params) {
  const channel = params.get('channel');
  if (channel && channel !== panes.view.channel && channels.includes(channel))
    await panes.loadChannel(channel);
  const thread = params.get('thread');
  if (!thread) return;
  await panes.openThread(thread);
  const message = params.get('message');
  const node = message ? $('#thread-messages').querySelector(`[data-id="${CSS.escape(message)}"]`) : null;
  if (!(node instanceof HTMLElement)) return;
  for (const old of document.querySelectorAll('.message.linked')) old.classList.remove('linked');
  node.classList.add('linked');
  node.tabIndex = -1;
  node.scrollIntoView({ block: 'start' });
  node.focus({ preventScroll: true });
}

/**
 * A click on a link to a message of this chat opens it in place (the address follows, history kept).
 * @param {Panes} panes
 * @param {string[]} channels
 */
export function wireChatLinks(panes, channels) {
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(link instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.searchParams.get('thread')) return;
    event.preventDefault();
    history.pushState(null, '', url.search);
    followChatLink(panes, channels, url.searchParams).catch(showError);
  });
}
