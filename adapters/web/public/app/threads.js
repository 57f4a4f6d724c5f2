// What the channel list knows of each thread: its replies, where its runs stand, when it changed, what is unread.
// @ts-check
import { SeenThreads } from './seen.js';

/** @typedef {import('../../web-views.ts').LiveEventType} LiveEventType */
/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('../../web-views.ts').RunState} RunState */

/**
 * A thread's replies, where its runs stand (per progress message), when it last changed and how many replies came
 * since this browser last looked.
 * @typedef {{ replyCount: number, status: RunState | null, runs: Map<string, { state: RunState, ts: number }>, lastTs: number, unread: number }} ThreadInfo
 */

/** The threads of the channels seen on this page, by root id. */
export class ThreadBook {
  /** @type {Map<string, ThreadInfo>} */
  #threads = new Map();
  #seen = new SeenThreads();

  /**
   * @param {string} id
   * @returns {ThreadInfo}
   */
  info(id) {
    let info = this.#threads.get(id);
    if (!info) {
      info = { replyCount: 0, status: null, runs: new Map(), lastTs: 0, unread: 0 };
      this.#threads.set(id, info);
    }
    return info;
  }

  /**
   * Any run under way, else the latest run's end, else what the listing said.
   * @param {string} id
   * @returns {RunState | null}
   */
  statusOf(id) {
    const info = this.info(id);
    let latest = /** @type {{ state: RunState, ts: number } | null} */ (null);
    for (const run of info.runs.values()) {
      if (run.state === 'running') return 'running';
      if (!latest || run.ts >= latest.ts) latest = run;
    }
    return latest?.state ?? info.status;
  }

  /**
   * A thread root as the channel's listing gives it: its summary replaces what was known.
   * @param {MessageView} m
   * @param {boolean} open whether the thread is the open one (so nothing in it is unread)
   */
  listed(m, open) {
    const info = this.info(m.id);
    info.replyCount = m.replyCount ?? 0;
    info.status = m.threadStatus ?? null;
    info.runs.clear();
    info.lastTs = m.lastTs ?? m.ts;
    info.unread = !open && info.lastTs > this.#seen.at(m.id) ? Math.max(info.unread, 1) : 0;
  }

  /**
   * A thread this person posted: it changed now.
   * @param {MessageView} root
   */
  posted(root) {
    this.info(root.id).lastTs = root.ts;
  }

  /** @param {string} id the thread opened: all of it seen. */
  opened(id) {
    this.info(id).unread = 0;
    this.#seen.mark(id, Date.now());
  }

  /**
   * A reply arrived or was edited: its count, run state and unread mark.
   * @param {LiveEventType} type
   * @param {MessageView} m
   * @param {string} root
   * @param {{ open: boolean, mine: boolean }} how open: the thread is the open one; mine: the viewer wrote it
   */
  replied(type, m, root, how) {
    const info = this.info(root);
    if (type === 'message') info.replyCount += 1;
    info.lastTs = Math.max(info.lastTs, m.editedTs ?? m.ts);
    if (m.runState) info.runs.set(m.id, { state: m.runState, ts: m.ts });
    if (how.open) this.#seen.mark(root, Date.now());
    else if (type === 'message' && !how.mine) info.unread += 1;
  }
}
