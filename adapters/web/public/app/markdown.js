// Markdown-lite for message text: **bold**, _italic_, `code`, [links](url) and "- " bullets; everything else escaped.
// @ts-check

/** @type {Record<string, string>} */
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** @param {string} s */
function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * One line as HTML: the inline marks, everything else escaped.
 * @param {string} text
 */
export function mdInline(text) {
  /** @type {string[]} */
  const codes = [];
  let s = escapeHtml(text).replace(/`([^`]+)`/g, (_, c) => {
    codes.push(c);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = s
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:!?])/g, '$1<em>$2</em>')
    .replace(
      /\[([^\]]+)\]\(((?:https?:\/\/|\/)[^)\s]+)\)/g,
      '<a href="$2" target="_blank" rel="noopener">$1</a>',
    );
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
}

/**
 * Several lines as paragraphs and bullet lists, in a <div class="md">.
 * @param {string} text
 */
export function md(text) {
  /** @type {string[]} */
  const out = [];
  /** @type {string[] | null} */
  let list = null;
  for (const line of text.split('\n')) {
    const bullet = /^\s*[-*•] (.*)$/.exec(line);
    if (bullet) {
      list ??= [];
      list.push(`<li>${mdInline(bullet[1] ?? '')}</li>`);
      continue;
    }
    if (list) {
      out.push(`<ul>${list.join('')}</ul>`);
      list = null;
    }
    if (line.trim()) out.push(`<p>${mdInline(line)}</p>`);
  }
  if (list) out.push(`<ul>${list.join('')}</ul>`);
  const div = document.createElement('div');
  div.className = 'md';
  div.innerHTML = out.join('');
  return div;
}
