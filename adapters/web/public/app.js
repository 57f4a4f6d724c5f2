// The web chat in the browser: channels, threads, buttons, uploads and live updates over SSE. This entry module
// asks the server who is here and what channels there are, wires the page's parts (app/) together and opens the
// channel (and the thread) the address names. Nothing is shared through a global: each part is handed what it needs.
// @ts-check
import { getChannels, getMe } from './app/api.js';
import { wireChannelList } from './app/channel-list.js';
import { followChatLink, wireChatLinks } from './app/chat-links.js';
import { wireComposer } from './app/composer.js';
import { $, el, showError } from './app/dom.js';
import { setDrawer, wireDrawer } from './app/drawer.js';
import { Identity } from './app/identity.js';
import { wireKeys } from './app/keys.js';
import { connect } from './app/live.js';
import { Panes } from './app/panes.js';
import { ThreadBook } from './app/threads.js';
import { ViewState } from './app/view-state.js';

/** @typedef {import('../web-views.ts').ChannelsView} ChannelsView */

/**
 * A person picked a channel in the list: the thread and the drawer close, the channel opens with focus on its title.
 * @param {Panes} panes
 * @param {string} channel
 */
function pickChannel(panes, channel) {
  history.replaceState(null, '', `#${channel}`);
  panes.closeThread({ focus: false });
  setDrawer(false);
  panes
    .loadChannel(channel)
    .then(() => $('#channel-title').focus())
    .catch(showError);
}

/**
 * The composers, the channel list, the drawer and the keyboard.
 * @param {Panes} panes
 * @param {ChannelsView} config
 */
function wireControls(panes, { channels, maxUploadMb }) {
  const { view, threads, identity } = panes;
  /** @param {import('../web-views.ts').MessageView} root */
  const started = async (root) => {
    threads.posted(root);
    await panes.openThread(root.id, { focus: true });
  };
  const composer = { maxUploadMb, identity, view, started };
  wireComposer(/** @type {HTMLFormElement} */ ($('#composer')), { ...composer, threadOf: () => null });
  wireComposer(/** @type {HTMLFormElement} */ ($('#thread-composer')), {
    ...composer,
    threadOf: () => view.thread,
  });
  wireChannelList(channels, view, (c) => pickChannel(panes, c));
  wireDrawer();
  wireKeys(panes);
}

/**
 * The channel a link or an earlier visit named: #name (kept as channels are picked), else ?channel=name; else the
 * first (the server's config always has at least one).
 * @param {string[]} channels
 */
function firstChannel(channels) {
  const wanted =
    decodeURIComponent(location.hash.slice(1)) || (new URLSearchParams(location.search).get('channel') ?? '');
  return channels.includes(wanted) ? wanted : (channels[0] ?? wanted);
}

async function main() {
  const me = await getMe();
  const identity = new Identity(me);
  identity.wireNameInput(/** @type {HTMLInputElement} */ ($('#username')), me);
  const config = await getChannels();
  const panes = new Panes(new ViewState(), new ThreadBook(), identity);
  wireControls(panes, config);
  await panes.loadChannel(firstChannel(config.channels));
  connect(panes);
  const params = new URLSearchParams(location.search);
  if (params.get('thread')) await followChatLink(panes, config.channels, params);
  wireChatLinks(panes, config.channels);
}

main().catch((error) => {
  document.body.prepend(el('p', { class: 'hint', text: `Could not start the chat: ${error.message}` }));
});
