// When this browser last looked at each thread, kept across reloads in localStorage.
// @ts-check

const SEEN_KEY = 'linguacodus:seen';
const FIRST_VISIT_KEY = 'linguacodus:first-visit';
/** At most this many threads are remembered (the oldest entries go first). */
const KEPT = 500;

/** Threads older than this browser's first visit count as seen; without storage, marks cover this visit only. */
export class SeenThreads {
  /** @type {Record<string, number>} */
  #map = {};
  #since = Date.now();

  constructor() {
    try {
      this.#map = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}');
      this.#since = Number(localStorage.getItem(FIRST_VISIT_KEY)) || this.#since;
      localStorage.setItem(FIRST_VISIT_KEY, String(this.#since));
    } catch {
      // Storage off: unread markers cover this visit only.
    }
  }

  /** @param {string} id @returns {number} when the thread was last looked at */
  at(id) {
    return this.#map[id] ?? this.#since;
  }

  /** @param {string} id @param {number} ts */
  mark(id, ts) {
    const map = this.#map;
    if ((map[id] ?? 0) >= ts) return;
    map[id] = ts;
    const ids = Object.keys(map);
    if (ids.length > KEPT) for (const old of ids.slice(0, ids.length - KEPT)) delete map[old];
    try {
      localStorage.setItem(SEEN_KEY, JSON.stringify(map));
    } catch {
      // Storage full or off: kept for this visit.
    }
  }
}
