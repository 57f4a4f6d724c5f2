// The composers (the channel's new task, the thread's reply): text and CSV files (picked or dropped), Enter to
// send; the files are uploaded first, then the message posted.
// @ts-check
import { postMessage, upload } from './api.js';
import { Attachments } from './attachments.js';
import { messageOf } from './dom.js';

/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {import('./identity.js').Identity} Identity */
/** @typedef {import('./view-state.js').ViewState} ViewState */

/**
 * What a composer needs: where it posts and what happens after.
 * @typedef {{
 *   maxUploadMb: number,
 *   identity: Identity,
 *   view: ViewState,
 *   threadOf: () => string | null,
 *   started: (root: MessageView) => Promise<void>,
 * }} ComposerOptions
 * threadOf: the thread a post replies in (null: a new one, in the open channel); started: a new thread was posted.
 */

/**
 * Files picked with the input or dropped on the form are attached.
 * @param {HTMLFormElement} form
 * @param {HTMLInputElement} fileBox
 * @param {Attachments} attachments
 */
function wireFilePicking(form, fileBox, attachments) {
  fileBox.addEventListener('change', () => {
    attachments.add(fileBox.files ?? []);
    fileBox.value = '';
  });
  form.addEventListener('dragover', (ev) => {
    if (!ev.dataTransfer?.types.includes('Files')) return;
    ev.preventDefault();
    form.classList.add('dropping');
  });
  form.addEventListener('dragleave', () => form.classList.remove('dropping'));
  form.addEventListener('drop', (ev) => {
    form.classList.remove('dropping');
    if (!ev.dataTransfer?.files.length) return;
    ev.preventDefault();
    attachments.add(ev.dataTransfer.files);
  });
}

/**
 * Uploads the files and posts the message, once a rename under way is done (so it carries the new name).
 * @param {ComposerOptions} o
 * @param {string} text
 * @param {File[]} files
 */
async function post(o, text, files) {
  await o.identity.settled();
  const uploads = [];
  for (const f of files) uploads.push(await upload(f, o.maxUploadMb));
  const thread = o.threadOf();
  const { message } = await postMessage({ channel: o.view.channel ?? '', thread, text, uploads });
  return { thread, message };
}

/**
 * @param {HTMLFormElement} form
 * @param {ComposerOptions} o
 */
export function wireComposer(form, o) {
  const textBox = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  const fileBox = /** @type {HTMLInputElement} */ (form.elements.namedItem('file'));
  const chips = /** @type {HTMLElement} */ (form.querySelector('[data-role="chips"]'));
  const hint = /** @type {HTMLElement} */ (form.querySelector('[data-role="hint"]'));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  const attachments = new Attachments(chips, fileBox, hint, o.maxUploadMb);
  let sending = false;
  wireFilePicking(form, fileBox, attachments);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (sending) return;
    const text = textBox.value;
    if (!text.trim() && attachments.files.length === 0) {
      hint.textContent = 'Nothing to send: write the task or attach a CSV.';
      textBox.focus();
      return;
    }
    hint.textContent = '';
    sending = true;
    button.setAttribute('aria-disabled', 'true');
    try {
      const { thread, message } = await post(o, text, attachments.files);
      form.reset();
      attachments.clear();
      if (!thread) await o.started(message);
    } catch (error) {
      hint.textContent = messageOf(error);
    } finally {
      sending = false;
      button.removeAttribute('aria-disabled');
    }
  });
  // Enter sends, Shift+Enter breaks the line (and Enter while an input method composes is the IME's).
  textBox.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.shiftKey || ev.altKey || ev.isComposing) return;
    ev.preventDefault();
    form.requestSubmit();
  });
}
