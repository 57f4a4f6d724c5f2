// Focus kept across re-renders. A message is rendered anew on every edit (a vote tallied, a run's progress), and
// a thread or channel anew after a reconnect. Every control a message renders carries `data-key`, unique within
// the message and stable across its edits (a button's action id, "open-thread", "code:…", "file:…"): after a
// re-render, focus goes back to the control with the focused one's key, and <details data-key> stay open or folded
// as they were. Renderers that add controls (the plan's option cards too) give them a data-key; without one, the
// control with the same tag and text, then the one at the same place, is taken, and at worst the message itself.
// @ts-check

const FOCUSABLE =
  'button, a[href], summary, input:not([type=hidden]), textarea, select, [tabindex]:not([tabindex="-1"])';

/**
 * @typedef {{ messageId: string | null, key: string | null, tag: string, text: string, index: number }} FocusMark
 */

/**
 * Where focus is inside `scope`, in terms that survive a re-render; null when focus is elsewhere.
 * @param {Element} scope
 * @returns {FocusMark | null}
 */
export function markFocus(scope) {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !scope.contains(active) || active === scope) return null;
  const message = /** @type {HTMLElement | null} */ (active.closest('[data-id]'));
  const within = message ?? scope;
  const keyed = /** @type {HTMLElement | null} */ (active.closest('[data-key]'));
  const focusables = [...within.querySelectorAll(FOCUSABLE)];
  return {
    messageId: message?.dataset.id ?? null,
    key: keyed && within.contains(keyed) ? (keyed.dataset.key ?? null) : null,
    tag: active.tagName,
    text: (active.textContent ?? '').trim(),
    index: focusables.indexOf(active),
  };
}

/**
 * The first focusable element at or under `node`.
 * @param {Element | null} node
 * @returns {HTMLElement | null}
 */
function focusableAt(node) {
  if (!node) return null;
  if (node.matches(FOCUSABLE) && node instanceof HTMLElement) return node;
  return /** @type {HTMLElement | null} */ (node.querySelector(FOCUSABLE));
}

/**
 * Puts focus back where `mark` says, inside `scope` (a re-rendered message, or a list of them).
 * @param {FocusMark | null} mark
 * @param {Element} scope
 */
function restoreFocus(mark, scope) {
  if (!mark) return;
  // The message itself, one inside `scope`, or the one `scope` is a part of (a re-rendered row).
  const sel = mark.messageId ? `[data-id="${CSS.escape(mark.messageId)}"]` : null;
  const message = sel
    ? /** @type {HTMLElement | null} */ (scope.closest(sel) ?? scope.querySelector(sel))
    : /** @type {HTMLElement} */ (scope);
  if (!message) return;
  const focusables = /** @type {HTMLElement[]} */ ([...message.querySelectorAll(FOCUSABLE)]);
  const target =
    (mark.key ? focusableAt(message.querySelector(`[data-key="${CSS.escape(mark.key)}"]`)) : null) ??
    focusables.find((n) => n.tagName === mark.tag && (n.textContent ?? '').trim() === mark.text) ??
    focusables[mark.index] ??
    message;
  target.focus({ preventScroll: true });
}

/**
 * The open/folded state of the keyed <details> under `from`, carried to their twins under `to`.
 * @param {Element} from
 * @param {Element} to
 */
function carryDisclosures(from, to) {
  for (const d of /** @type {NodeListOf<HTMLDetailsElement>} */ (
    from.querySelectorAll('details[data-key]')
  )) {
    const twin = to.querySelector(`details[data-key="${CSS.escape(d.dataset.key ?? '')}"]`);
    if (twin instanceof HTMLDetailsElement && twin.open !== d.open) {
      twin.open = d.open;
      twin.dispatchEvent(new Event('toggle'));
    }
  }
}

/**
 * Replaces `old` by `fresh`, keeping focus and open disclosures.
 * @param {Element} old
 * @param {Element} fresh
 */
export function replaceKeeping(old, fresh) {
  const mark = markFocus(old);
  carryDisclosures(old, fresh);
  old.replaceWith(fresh);
  restoreFocus(mark, fresh);
}

/**
 * Fills `box` with `nodes`, keeping focus and open disclosures of the messages it showed.
 * @param {HTMLElement} box
 * @param {Element[]} nodes
 */
export function replaceChildrenKeeping(box, nodes) {
  const mark = markFocus(box);
  for (const node of nodes) {
    const id = node.getAttribute('data-id');
    const old = id ? box.querySelector(`[data-id="${CSS.escape(id)}"]`) : null;
    if (old) carryDisclosures(old, node);
  }
  box.replaceChildren(...nodes);
  restoreFocus(mark, box);
}
