// A code block, folded when long, highlighted (highlight.js, the languages the bot writes) once first shown.
// @ts-check
import hljs from '/vendor/hljs.js';
import bash from '/vendor/lang/bash.js';
import json from '/vendor/lang/json.js';
import markdown from '/vendor/lang/markdown.js';
import plaintext from '/vendor/lang/plaintext.js';
import python from '/vendor/lang/python.js';
import { el } from './dom.js';

/** @typedef {import('../../web-views.ts').BlockView} BlockView */

hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('markdown', markdown);
hljs.registerLanguage('plaintext', plaintext);
hljs.registerLanguage('text', plaintext);

/** Code up to this many lines shows open; longer code starts folded. */
const OPEN_CODE_LINES = 12;

/**
 * A code block, folded when long: the summary names the file and its line count; highlighted once first shown.
 * @param {Extract<BlockView, { kind: 'code' }>} block
 * @param {number} index the block's place in its message (its key)
 */
export function renderCode(block, index) {
  const source = block.code.replace(/\n$/, '');
  const lines = source ? source.split('\n').length : 0;
  const name = block.filename || block.language || 'code';
  const code = el('code', { class: 'hljs' });
  const language = hljs.getLanguage(block.language) ? block.language : 'plaintext';
  let highlighted = false;
  const highlight = () => {
    if (highlighted) return;
    highlighted = true;
    code.innerHTML = hljs.highlight(source, { language }).value;
  };
  const details = /** @type {HTMLDetailsElement} */ (
    el(
      'details',
      { class: 'code', 'data-testid': 'code-block', 'data-key': `code:${index}:${name}` },
      el(
        'summary',
        { 'data-testid': 'code-summary' },
        el('span', { class: 'code-name', text: name }),
        el('span', { class: 'code-lines', text: `${lines} line${lines === 1 ? '' : 's'}` }),
      ),
      el('pre', { tabIndex: 0, 'aria-label': `${name}, ${lines} lines` }, code),
    )
  );
  details.addEventListener('toggle', () => {
    if (details.open) highlight();
  });
  if (lines <= OPEN_CODE_LINES) {
    details.open = true;
    highlight();
  }
  return details;
}
