// Who this browser is: the server says (GET /api/me, a signed cookie or the person's own token), never the page.
// A guest may rename themselves; a member's name comes with their access token.
// @ts-check
import { rename } from './api.js';
import { showError } from './dom.js';

/** @typedef {import('../../web-views.ts').MeView} MeView */
/** @typedef {import('../../web-views.ts').WebUser} WebUser */

export class Identity {
  /** @type {WebUser} */
  #user;
  /** @type {Promise<void>} */
  #renaming = Promise.resolve();

  /** @param {MeView} me */
  constructor(me) {
    this.#user = me.user;
  }

  /** The person, as the server last said. */
  get user() {
    return this.#user;
  }

  /** Settles once every rename asked for is done: posts wait for it, so they carry the new name. */
  settled() {
    return this.#renaming;
  }

  /**
   * The name box: shows the name, and renames the guest when they change it (one rename after another).
   * @param {HTMLInputElement} input
   * @param {MeView} me
   */
  wireNameInput(input, me) {
    input.value = me.user.name;
    input.disabled = me.nameFixed;
    const renameNow = async () => {
      const wanted = input.value.trim();
      if (!wanted || wanted === this.#user.name) return;
      try {
        this.#user = (await rename({ name: wanted })).user;
      } catch (error) {
        input.value = this.#user.name;
        showError(error);
      }
    };
    input.addEventListener('change', () => {
      this.#renaming = this.#renaming.then(renameNow);
    });
  }
}
