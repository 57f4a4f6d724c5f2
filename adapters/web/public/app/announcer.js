// Announcements: new bot replies (and a run's end) are read out through one polite live region, not the whole log.
// @ts-check
import { $ } from './dom.js';

/** @typedef {import('../../web-views.ts').LiveEventType} LiveEventType */
/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('../../web-views.ts').RunState} RunState */

/** @param {string} text */
function announce(text) {
  const region = $('#announcer');
  region.textContent = '';
  // A change after a tick, so the same words twice are read twice.
  setTimeout(() => {
    region.textContent = text;
  }, 60);
}

/**
 * A bot reply in a sentence: its heading, else its first line.
 * @param {MessageView} m
 */
function gist(m) {
  const heading = m.blocks?.find((b) => b.kind === 'heading');
  const first = heading && 'text' in heading ? heading.text : m.text.split('\n')[0];
  const text = (first ?? '').replace(/[*_`]/g, '').trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Reads out the bot's new replies on screen, and each run's end once. */
export class Announcer {
  /** Run states last seen per progress message, so a run's end is announced once. @type {Map<string, RunState>} */
  #runs = new Map();

  /**
   * A bot message arrived or was edited where the person can see it.
   * @param {LiveEventType} type
   * @param {MessageView} m
   */
  botMessage(type, m) {
    if (type === 'message') announce(`Linguacodus: ${gist(m)}`);
    else if (m.runState && m.runState !== 'running' && this.#runs.get(m.id) !== m.runState)
      announce(m.runState === 'done' ? 'The run finished.' : 'The run stopped.');
    if (m.runState) this.#runs.set(m.id, m.runState);
  }
}
