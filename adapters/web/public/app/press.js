// A bot message's buttons: a press sends its action; a refusal is said under the message.
// @ts-check
import { pressAction } from './api.js';
import { el, messageOf } from './dom.js';

/** @typedef {import('../../web-views.ts').MessageView} MessageView */

/**
 * @param {HTMLButtonElement} button
 * @param {string} messageId
 * @param {string} action
 */
async function press(button, messageId, action) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  const message = button.closest('article');
  message?.querySelector('.press-error')?.remove();
  try {
    await pressAction({ messageId, action });
  } catch (error) {
    const said = el('p', { class: 'press-error', role: 'alert', text: messageOf(error) });
    (message ?? button.parentElement)?.append(said);
  } finally {
    setTimeout(() => button.removeAttribute('aria-disabled'), 600);
  }
}

/**
 * A button of a bot message (on its own or in an option card): pressing it sends its action. It stays focusable
 * while the press is under way (aria-disabled, not disabled, which would drop focus to the page); `data-key` lets a
 * re-render put focus back on it.
 * @param {MessageView} message
 * @param {{ action: string, label: string, style?: string }} b
 */
export function actionButton(message, b) {
  const button = /** @type {HTMLButtonElement} */ (
    el('button', {
      type: 'button',
      class: b.style ?? 'default',
      text: b.label,
      'data-testid': 'action-button',
      'data-key': `action:${b.action}`,
    })
  );
  button.addEventListener('click', () => press(button, message.id, b.action));
  return button;
}
