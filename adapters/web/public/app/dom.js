// Small DOM helpers every part of the page uses: the page's elements, new elements, sizes and error words.
// @ts-check

/**
 * The page's element for a selector; index.html has every one the script asks for.
 * @param {string} sel
 * @returns {HTMLElement}
 */
export function $(sel) {
  const node = document.querySelector(sel);
  if (!(node instanceof HTMLElement)) throw new Error(`the page has no ${sel}`);
  return node;
}

/** Attributes set as attributes; any other key is set as a property (onclick, tabIndex, open, …). */
const ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'type', 'role', 'for', 'id', 'target', 'rel']);

/**
 * An element with attributes (class, text, data-*, aria-*, href, src, alt, title, type, role, …) or properties.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = String(v);
    else if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('data-') || k.startsWith('aria-') || ATTRIBUTES.has(k))
      node.setAttribute(k, String(v));
    else Object.assign(node, { [k]: v });
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

/** @param {number} n */
export function formatBytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {HTMLElement} container */
export function scrollDown(container) {
  container.scrollTop = container.scrollHeight;
}

/**
 * Says what went wrong where the page shows its connection.
 * @param {unknown} error
 */
export function showError(error) {
  $('#connection').textContent = `error: ${messageOf(error)}`;
}
