// Live updates over SSE (/api/events): new and edited messages go where they show, into the channel list's
// counts, and to the announcer; after a cut, what is on screen is loaded again.
// @ts-check
import { Announcer } from './announcer.js';
import { $ } from './dom.js';

/** @typedef {import('../../web-views.ts').LiveEventType} LiveEventType */
/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('./panes.js').Panes} Panes */

/**
 * One event: a message posted or edited somewhere.
 * @param {Panes} panes
 * @param {Announcer} announcer
 * @param {LiveEventType} type
 * @param {MessageView} m
 */
function onEvent(panes, announcer, type, m) {
  const { view, threads, identity } = panes;
  const mine = m.user.id === identity.user.id;
  if (m.channel !== view.channel) {
    if (type === 'message' && !mine) view.countUnread(m.channel);
    return;
  }
  if (!m.thread) panes.upsert($('#messages'), m, false);
  else {
    threads.replied(type, m, m.thread, { open: m.thread === view.thread, mine });
    panes.refreshThreadRow(m.thread);
  }
  const inOpenThread = Boolean(view.thread && (m.thread === view.thread || m.id === view.thread));
  if (inOpenThread) panes.upsert($('#thread-messages'), m, true);
  if (m.bot && (inOpenThread || !m.thread)) announcer.botMessage(type, m);
}

/**
 * Listens to the server's feed until the page goes; the connection line says whether it is live.
 * @param {Panes} panes
 */
export function connect(panes) {
  const announcer = new Announcer();
  const events = new EventSource('/api/events');
  let reconnecting = false;
  events.addEventListener('open', () => {
    $('#connection').textContent = 'live';
    if (reconnecting) panes.reload();
  });
  // The server's own feed (Redis) dropped and came back: same as a reconnect of ours.
  events.addEventListener('resync', () => panes.reload());
  events.addEventListener('error', () => {
    reconnecting = true;
    $('#connection').textContent = 'reconnecting…';
  });
  /** @param {Event} e @returns {MessageView} */
  const viewOf = (e) => JSON.parse(/** @type {MessageEvent<string>} */ (e).data);
  events.addEventListener('message', (e) => onEvent(panes, announcer, 'message', viewOf(e)));
  events.addEventListener('edit', (e) => onEvent(panes, announcer, 'edit', viewOf(e)));
}
