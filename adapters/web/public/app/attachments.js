// A composer's attached files: CSV tables only, at most ten, each a removable chip saying what the bot will take
// it for (the training data, or the file to predict for).
// @ts-check
import { el, formatBytes } from './dom.js';

/** What the bot reads: CSV (or tab-separated) tables; the first is the training file, a second the file to predict. */
const ACCEPTED_FILE = /\.(csv|tsv)$/i;
/** At most this many files per message (the server's limit). */
const MAX_FILES = 10;

/**
 * What each attached file will be to the bot, by its own rule: the training file is the first whose name does not
 * say "test" (else the first); another table is the file to predict for.
 * @param {File[]} files
 */
function fileRoles(files) {
  const found = files.findIndex((f) => !/test/i.test(f.name));
  const train = found === -1 ? 0 : found;
  return files.map((_, i) => (i === train ? 'training data' : 'to predict for'));
}

export class Attachments {
  /** @type {File[]} */
  #files = [];

  /**
   * @param {HTMLElement} chips the list the chips go in
   * @param {HTMLInputElement} fileBox the file input (focus goes there when the last chip is removed)
   * @param {HTMLElement} hint where a refused file is said
   * @param {number} maxUploadMb
   */
  constructor(chips, fileBox, hint, maxUploadMb) {
    this.chips = chips;
    this.fileBox = fileBox;
    this.hint = hint;
    this.maxUploadMb = maxUploadMb;
  }

  /** The files attached, in order. */
  get files() {
    return this.#files;
  }

  /**
   * Attaches what was picked or dropped; what the bot cannot take is refused in the hint.
   * @param {Iterable<File>} picked
   */
  add(picked) {
    /** @type {string[]} */
    const refused = [];
    for (const f of picked) {
      if (!ACCEPTED_FILE.test(f.name)) refused.push(`${f.name} is not a CSV file`);
      else if (f.size > this.maxUploadMb * 1048576)
        refused.push(`${f.name} is ${formatBytes(f.size)}, over the ${this.maxUploadMb} MB limit`);
      else if (this.#files.length >= MAX_FILES)
        refused.push(`${f.name}: at most ${MAX_FILES} files per message`);
      else this.#files = [...this.#files.filter((g) => g.name !== f.name), f];
    }
    this.hint.textContent = refused.length ? `${refused.join('; ')}.` : '';
    this.#render();
  }

  /** The message went: nothing attached any more. */
  clear() {
    this.#files = [];
    this.#render();
  }

  /**
   * Removes one file; focus goes to the chip now in its place, else the file input.
   * @param {File} f
   * @param {number} i its place
   */
  #remove(f, i) {
    this.#files = this.#files.filter((g) => g !== f);
    this.#render();
    const next = this.chips.querySelectorAll('.chip-remove')[Math.min(i, this.#files.length - 1)];
    (next instanceof HTMLElement ? next : this.fileBox).focus();
  }

  #render() {
    const roles = fileRoles(this.#files);
    this.chips.replaceChildren(
      ...this.#files.map((f, i) =>
        el(
          'li',
          { class: 'chip', 'data-testid': 'file-chip' },
          el('span', { class: 'chip-name', text: f.name }),
          el('span', { class: 'chip-role', text: `${roles[i]} · ${formatBytes(f.size)}` }),
          el('button', {
            type: 'button',
            class: 'chip-remove',
            'aria-label': `Remove ${f.name}`,
            'data-testid': 'remove-file',
            text: '×',
            onclick: () => this.#remove(f, i),
          }),
        ),
      ),
    );
  }
}
