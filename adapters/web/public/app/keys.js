// The keyboard and the thread's close button: Escape closes the drawer, else the open thread.
// @ts-check
import { $ } from './dom.js';
import { drawerOpen, setDrawer } from './drawer.js';

/** @typedef {import('./panes.js').Panes} Panes */

/** @param {Panes} panes */
export function wireKeys(panes) {
  $('#close-thread').addEventListener('click', () => panes.closeThread());
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.defaultPrevented) return;
    if (drawerOpen()) {
      ev.preventDefault();
      setDrawer(false, { focus: true });
    } else if (panes.view.thread) {
      ev.preventDefault();
      panes.closeThread();
    }
  });
}
