// The drawer: the channel list on phones, opened by its toggle, closed by the backdrop, Escape or a wide window.
// @ts-check
import { $ } from './dom.js';

/** The phone layout (drawer, full-screen thread): keep in step with app.css. */
export const PHONE = '(max-width: 700px)';

/** Whether the drawer is open. */
export function drawerOpen() {
  return document.body.classList.contains('drawer-open');
}

/**
 * @param {boolean} open
 * @param {{ focus?: boolean }} [how] focus: move focus into the drawer (open) or back to its toggle (closed)
 */
export function setDrawer(open, how = {}) {
  document.body.classList.toggle('drawer-open', open);
  $('#menu-toggle').setAttribute('aria-expanded', String(open));
  $('#drawer-backdrop').hidden = !open;
  // While the drawer covers the channel, Tab goes between the drawer and its toggle only.
  const covered = open && matchMedia(PHONE).matches;
  for (const part of ['#messages', '#composer']) $(part).inert = covered;
  if (!how.focus) return;
  if (open) {
    const current =
      document.querySelector('#channels a[aria-current="page"]') ?? document.querySelector('#channels a');
    if (current instanceof HTMLElement) current.focus();
  } else $('#menu-toggle').focus();
}

/** The toggle and the backdrop; back to a wide window, the drawer is a sidebar again. */
export function wireDrawer() {
  $('#menu-toggle').addEventListener('click', () => setDrawer(!drawerOpen(), { focus: true }));
  $('#drawer-backdrop').addEventListener('click', () => setDrawer(false, { focus: true }));
  matchMedia(PHONE).addEventListener('change', (e) => {
    if (!e.matches) setDrawer(false);
  });
}
