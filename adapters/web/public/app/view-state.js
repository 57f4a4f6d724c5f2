// Where the person is: the open channel and thread, and the other channels' unread counts; a small store whose
// listeners hear each change of the channel list's part (the open channel, an unread count).
// @ts-check

export class ViewState {
  /** @type {string | null} */
  #channel = null;
  /** @type {string | null} */
  #thread = null;
  /** @type {Map<string, number>} */
  #channelUnread = new Map();
  /** @type {Set<() => void>} */
  #listeners = new Set();

  /** The open channel, null before the first is loaded. */
  get channel() {
    return this.#channel;
  }

  /** The open thread's root id, null when none is open. */
  get thread() {
    return this.#thread;
  }

  /** @param {string} channel opened: its messages all seen. */
  openChannel(channel) {
    this.#channel = channel;
    this.#channelUnread.delete(channel);
    this.#changed();
  }

  /** @param {string} channel another channel got a message from someone else. */
  countUnread(channel) {
    this.#channelUnread.set(channel, (this.#channelUnread.get(channel) ?? 0) + 1);
    this.#changed();
  }

  /** @param {string} channel @returns {number} its unread messages (none in the open one) */
  unreadIn(channel) {
    return channel === this.#channel ? 0 : (this.#channelUnread.get(channel) ?? 0);
  }

  /** @param {string | null} id the thread now open, or null */
  setThread(id) {
    this.#thread = id;
  }

  /**
   * @param {() => void} listener called after the open channel or an unread count changed
   * @returns {() => void} unsubscribes
   */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed() {
    for (const listener of this.#listeners) listener();
  }
}
