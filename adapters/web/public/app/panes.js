// The two panes: the open channel's thread roots and the open thread's messages, loaded, opened, closed, and kept
// up to date message by message (focus and open disclosures survive every re-render).
// @ts-check
import { ApiError, getChannelMessages, getThread } from './api.js';
import { $, el, scrollDown, showError } from './dom.js';
import { replaceChildrenKeeping, replaceKeeping } from './focus.js';
import { renderMessage } from './message.js';
import { threadRow } from './thread-row.js';

/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('../../web-views.ts').ThreadView} ThreadView */
/** @typedef {import('./identity.js').Identity} Identity */
/** @typedef {import('./threads.js').ThreadBook} ThreadBook */
/** @typedef {import('./view-state.js').ViewState} ViewState */

/** @param {boolean} open */
function showThreadPane(open) {
  $('#thread-view').hidden = !open;
  document.body.classList.toggle('thread-open', open);
}

/**
 * The open thread is gone from the server: its storage was reset (a Redis restart without persistence) or its
 * history expired. Said plainly, instead of a page that keeps showing "working on it".
 * @param {HTMLElement} box
 */
function showLost(box) {
  $('#thread-view').classList.add('lost');
  box.replaceChildren(
    el(
      'p',
      { class: 'lost-notice', 'data-testid': 'thread-lost' },
      el('strong', { text: 'The server lost this conversation. ' }),
      'Its storage was reset or its history expired, so the task, the plan and any work under way are gone. Post the task again in a channel to start over.',
    ),
  );
}

export class Panes {
  /** Which parts of option cards are open, kept across re-renders (see option-card.js). @type {Set<string>} */
  #openCardParts = new Set();

  /**
   * @param {ViewState} view where the person is
   * @param {ThreadBook} threads what is known of each thread
   * @param {Identity} identity who is looking
   */
  constructor(view, threads, identity) {
    this.view = view;
    this.threads = threads;
    this.identity = identity;
  }

  /**
   * @param {MessageView} m
   * @param {boolean} inThread
   */
  render(m, inThread) {
    return renderMessage(m, inThread, {
      viewer: this.identity.user.id,
      openParts: this.#openCardParts,
      threadRow: (id) => this.#threadRow(id),
    });
  }

  /** @param {string} id the row under a thread's root, whose button opens the thread with focus in it */
  #threadRow(id) {
    return threadRow(id, this.threads, (root) => this.openThread(root, { focus: true }).catch(showError));
  }

  /** @param {string} channel */
  async loadChannel(channel) {
    this.view.openChannel(channel);
    $('#channel-title').textContent = `# ${channel}`;
    const { messages } = await getChannelMessages(channel);
    for (const m of messages) this.threads.listed(m, m.id === this.view.thread);
    const box = $('#messages');
    replaceChildrenKeeping(
      box,
      messages.map((m) => this.render(m, false)),
    );
    if (!messages.length)
      box.append(el('p', { class: 'empty', text: 'No tasks yet. Post one below with a CSV.' }));
    scrollDown(box);
  }

  /**
   * Opens a thread; `focus` (a person opened it) moves focus to its title.
   * @param {string} id
   * @param {{ focus?: boolean }} [how]
   */
  async openThread(id, how = {}) {
    const switched = this.view.thread !== id;
    this.view.setThread(id);
    showThreadPane(true);
    this.threads.opened(id);
    this.refreshThreadRow(id);
    if (how.focus) $('#thread-title').focus();
    const box = $('#thread-messages');
    /** @type {ThreadView} */
    let thread;
    try {
      thread = await getThread(id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      showLost(box);
      return;
    }
    if (this.view.thread !== id) return;
    $('#thread-view').classList.remove('lost');
    const nodes = [this.render(thread.root, true), ...thread.replies.map((m) => this.render(m, true))];
    if (switched) box.replaceChildren(...nodes);
    else replaceChildrenKeeping(box, nodes);
    scrollDown(box);
  }

  /**
   * Closes the thread pane; `focus` (the default: a person closed it) goes back to the thread in the channel.
   * @param {{ focus?: boolean }} [how]
   */
  closeThread(how = {}) {
    const id = this.view.thread;
    showThreadPane(false);
    this.view.setThread(null);
    if (how.focus === false) return;
    const back = id
      ? $('#messages').querySelector(`[data-id="${CSS.escape(id)}"] [data-key="open-thread"]`)
      : null;
    (back instanceof HTMLElement ? back : $('#channel-title')).focus();
  }

  /** @param {string} id the thread whose row in the channel is drawn again */
  refreshThreadRow(id) {
    const row = $('#messages').querySelector(`[data-id="${CSS.escape(id)}"] .thread-row`);
    if (row) replaceKeeping(row, this.#threadRow(id));
  }

  /**
   * Shows a new or edited message in `container`, scrolled down with it if the reader was at the bottom.
   * @param {HTMLElement} container
   * @param {MessageView} m
   * @param {boolean} inThread
   */
  upsert(container, m, inThread) {
    const existing = container.querySelector(`[data-id="${CSS.escape(m.id)}"]`);
    const fresh = this.render(m, inThread);
    if (existing) {
      replaceKeeping(existing, fresh);
    } else {
      container.querySelector('.empty')?.remove();
      const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
      container.append(fresh);
      if (atBottom) scrollDown(container);
    }
  }

  /** Loads again what is on screen: after the live feed was cut, events may have been missed or the data lost. */
  reload() {
    if (this.view.channel) this.loadChannel(this.view.channel).catch(showError);
    if (this.view.thread) this.openThread(this.view.thread).catch(showError);
  }
}
