// The web chat in the browser: channels, threads, buttons, uploads and live updates over SSE.
// @ts-check
import hljs from '/vendor/hljs.js';
import bash from '/vendor/lang/bash.js';
import json from '/vendor/lang/json.js';
import markdown from '/vendor/lang/markdown.js';
import plaintext from '/vendor/lang/plaintext.js';
import python from '/vendor/lang/python.js';

hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('markdown', markdown);
hljs.registerLanguage('plaintext', plaintext);
hljs.registerLanguage('text', plaintext);

/** @typedef {import('../web-views.ts').BlockView} BlockView */
/** @typedef {import('../web-views.ts').ChannelMessagesView} ChannelMessagesView */
/** @typedef {import('../web-views.ts').ChannelsView} ChannelsView */
/** @typedef {import('../web-views.ts').FileView} FileView */
/** @typedef {import('../web-views.ts').LiveEventType} LiveEventType */
/** @typedef {import('../web-views.ts').MeView} MeView */
/** @typedef {import('../web-views.ts').MessageView} MessageView */
/** @typedef {import('../web-views.ts').PostedView} PostedView */
/** @typedef {import('../web-views.ts').PostMessageRequest} PostMessageRequest */
/** @typedef {import('../web-views.ts').PressRequest} PressRequest */
/** @typedef {import('../web-views.ts').RenameRequest} RenameRequest */
/** @typedef {import('../web-views.ts').RunState} RunState */
/** @typedef {import('../web-views.ts').ThreadView} ThreadView */
/** @typedef {import('../web-views.ts').UploadRefusedView} UploadRefusedView */
/** @typedef {import('../web-views.ts').UploadView} UploadView */
/** @typedef {import('../web-views.ts').WebUser} WebUser */

/**
 * The page's element for a selector; index.html has every one the script asks for.
 * @param {string} sel
 * @returns {HTMLElement}
 */
function $(sel) {
  const node = document.querySelector(sel);
  if (!(node instanceof HTMLElement)) throw new Error(`the page has no ${sel}`);
  return node;
}

/**
 * What the channel list knows of a thread: its replies, where its runs stand (per progress message), when it last
 * changed and how many replies came since this browser last looked.
 * @typedef {{ replyCount: number, status: RunState | null, runs: Map<string, { state: RunState, ts: number }>, lastTs: number, unread: number }} ThreadInfo
 */

/**
 * Who this browser is comes from the server (GET /api/me, a signed cookie or the person's own token), never from
 * the page: requests carry no user.
 * @type {{ channels: string[], channel: string | null, thread: string | null, user: WebUser | null, maxUploadMb: number, renaming: Promise<void>, threads: Map<string, ThreadInfo>, channelUnread: Map<string, number> }}
 */
const state = {
  channels: [],
  channel: null,
  thread: null,
  user: null,
  maxUploadMb: 50,
  renaming: Promise.resolve(),
  threads: new Map(),
  channelUnread: new Map(),
};

/** What the bot reads: CSV (or tab-separated) tables; the first is the training file, a second the file to predict. */
const ACCEPTED_FILE = /\.(csv|tsv)$/i;
/** At most this many files per message (the server's limit). */
const MAX_FILES = 10;
/** Code up to this many lines shows open; longer code starts folded. */
const OPEN_CODE_LINES = 12;
/** The phone layout (drawer, full-screen thread): keep in step with app.css. */
const PHONE = '(max-width: 700px)';

/** A refusal by the server: its status and its message. */
class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The server's answer to a request; a refusal (an ErrorView) becomes an ApiError with its status and message.
 * @param {string} path
 * @param {RequestInit} [options]
 * @returns {Promise<unknown>}
 */
async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error || `${res.status} ${res.statusText}`);
  return body;
}

/**
 * @param {string} path
 * @param {PostMessageRequest | PressRequest | RenameRequest} body
 */
const postJson = (path, body) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** @type {Record<string, string>} */
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** @param {string} s */
function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Markdown-lite: **bold**, _italic_, `code`, [links](url) and "- " bullets; everything else escaped.
 * @param {string} text
 */
function mdInline(text) {
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

/** @param {string} text */
function md(text) {
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

/** Attributes set as attributes; any other key is set as a property (onclick, tabIndex, open, …). */
const ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'type', 'role', 'for', 'id', 'target', 'rel']);

/**
 * An element with attributes (class, text, data-*, aria-*, href, src, alt, title, type, role, …) or properties.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElement}
 */
function el(tag, attrs = {}, ...children) {
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
function formatBytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------------------------
// Focus kept across re-renders. A message is rendered anew on every edit (a vote tallied, a run's progress), and
// a thread or channel anew after a reconnect. Every control a message renders carries `data-key`, unique within
// the message and stable across its edits (a button's action id, "open-thread", "code:…", "file:…"): after a
// re-render, focus goes back to the control with the focused one's key, and <details data-key> stay open or folded
// as they were. Renderers that add controls (the plan's option cards too) give them a data-key; without one, the
// control with the same tag and text, then the one at the same place, is taken, and at worst the message itself.
// ---------------------------------------------------------------------------------------------------------------

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
function markFocus(scope) {
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
function replaceKeeping(old, fresh) {
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
function replaceChildrenKeeping(box, nodes) {
  const mark = markFocus(box);
  for (const node of nodes) {
    const id = node.getAttribute('data-id');
    const old = id ? box.querySelector(`[data-id="${CSS.escape(id)}"]`) : null;
    if (old) carryDisclosures(old, node);
  }
  box.replaceChildren(...nodes);
  restoreFocus(mark, box);
}

// ---------------------------------------------------------------------------------------------------------------
// Announcements: new bot replies (and a run's end) are read out through one polite live region, not the whole log.
// ---------------------------------------------------------------------------------------------------------------

/** @param {string} text */
function announce(text) {
  const region = $('#announcer');
  region.textContent = '';
  // A change after a tick, so the same words twice are read twice.
  setTimeout(() => {
    region.textContent = text;
  }, 60);
}

/**
 * A bot reply in a sentence: its heading, else its first line.
 * @param {MessageView} m
 */
function gist(m) {
  const heading = m.blocks?.find((b) => b.kind === 'heading');
  const first = heading && 'text' in heading ? heading.text : m.text.split('\n')[0];
  const text = (first ?? '').replace(/[*_`]/g, '').trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks.
// ---------------------------------------------------------------------------------------------------------------

/** @param {FileView} file */
function fileLink(file) {
  return el('a', {
    class: 'file',
    href: `${file.url}?download=1`,
    text: `${file.name} (${formatBytes(file.bytes)})`,
    'data-testid': 'file-link',
    'data-key': `file:${file.url}`,
    download: file.name,
  });
}

/**
 * A code block, folded when long: the summary names the file and its line count; highlighted once first shown.
 * @param {Extract<BlockView, { kind: 'code' }>} block
 * @param {number} index the block's place in its message (its key)
 */
function renderCode(block, index) {
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

/**
 * One picture; several in a row sit side by side (wrapping on narrow screens).
 * @param {Extract<BlockView, { kind: 'image' }>} block
 */
function renderImage(block) {
  return el(
    'figure',
    { class: 'image' },
    el(
      'a',
      {
        class: 'image-link',
        href: block.file.url,
        target: '_blank',
        rel: 'noopener',
        'data-key': `image:${block.file.url}`,
      },
      el('img', { src: block.file.url, alt: block.alt, 'data-testid': 'image', loading: 'lazy' }),
    ),
  );
}

/**
 * A button of a bot message: pressing it sends its action. It stays focusable while the press is under way
 * (aria-disabled, not disabled, which would drop focus to the page).
 * @param {MessageView} message
 * @param {{ action: string, label: string, style?: string }} b
 */
function actionButton(message, b) {
  return el('button', {
    type: 'button',
    class: b.style ?? 'default',
    text: b.label,
    'data-testid': 'action-button',
    'data-key': `action:${b.action}`,
    onclick: (/** @type {MouseEvent} */ ev) =>
      press(/** @type {HTMLButtonElement} */ (ev.currentTarget), message.id, b.action),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Plan option cards (owned with bot/render-plan.ts): each option, the resolver's choice and the vanilla control is
// a card with its own Vote and Run beside it (the viewer's vote pressed, aria-pressed), its summary cut at a word
// with "more", and "Full text" shown in place (a toggle with aria-expanded; nothing is posted). What is open stays
// open when the plan is re-rendered (a vote tallied edits the message).
// ---------------------------------------------------------------------------------------------------------------

/** Open parts of cards, by message id, option and part ("more" or "full"). @type {Set<string>} */
const openCardParts = new Set();

/**
 * The words a card's buttons are named by: "option 2", "the resolver's choice", "the vanilla control".
 * @param {string} choice
 */
function cardName(choice) {
  if (choice === 'resolver') return "the resolver's choice";
  if (choice === 'vanilla') return 'the vanilla control';
  return `option ${choice}`;
}

/**
 * Whether a buttons block is drawn inside an option card of its message (so not again on its own).
 * @param {Extract<BlockView, { kind: 'buttons' }>} block
 * @param {MessageView} message
 */
function ownedByCard(block, message) {
  return Boolean(block.for && message.blocks?.some((b) => b.kind === 'option' && b.choice === block.for));
}

/**
 * The buttons of a plain buttons block: in a message with option cards, a button that would post the full text is
 * left out, as every card shows its own in place.
 * @param {Extract<BlockView, { kind: 'buttons' }>} block
 * @param {MessageView} message
 */
function plainButtons(block, message) {
  const cards = message.blocks?.some((b) => b.kind === 'option');
  return cards ? block.buttons.filter((b) => b.role !== 'expand') : block.buttons;
}

/**
 * A card's Vote or Run: pressing it sends its action (as every bot button does); `data-key` lets a re-render put
 * focus back on it.
 * @param {MessageView} message
 * @param {{ action: string, label: string, style?: string }} b
 */
function cardActionButton(message, b) {
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

/**
 * A toggle that shows or hides `region` in place, remembered per message and card.
 * @param {{ key: string, label: string, openLabel: string, name: string, region: HTMLElement, onToggle?: (open: boolean) => void }} o
 */
function cardToggle(o) {
  const open = openCardParts.has(o.key);
  o.region.hidden = !open;
  const button = el('button', {
    type: 'button',
    class: 'card-toggle',
    text: open ? o.openLabel : o.label,
    'data-key': `card:${o.key.split('|').slice(1).join('|')}`,
    'data-testid': 'card-toggle',
  });
  button.setAttribute('aria-expanded', String(open));
  button.setAttribute('aria-controls', o.region.id);
  button.setAttribute('aria-label', `${open ? o.openLabel : o.label}: ${o.name}`);
  button.addEventListener('click', () => {
    const now = !openCardParts.has(o.key);
    if (now) openCardParts.add(o.key);
    else openCardParts.delete(o.key);
    o.region.hidden = !now;
    button.textContent = now ? o.openLabel : o.label;
    button.setAttribute('aria-expanded', String(now));
    button.setAttribute('aria-label', `${now ? o.openLabel : o.label}: ${o.name}`);
    o.onToggle?.(now);
  });
  return button;
}

/**
 * One option card: title, summary (with "more"), the full text in place, its note, and its own buttons.
 * @param {Extract<BlockView, { kind: 'option' }>} card
 * @param {MessageView} message
 */
function renderOptionCard(card, message) {
  const name = cardName(card.choice);
  const base = `lc-card-${message.id}-${card.choice}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const heading = el('h4', {
    class: 'card-title',
    id: `${base}-title`,
    text: card.title.replace(/\*\*/g, ''),
  });
  const summary = md(card.summary);
  summary.classList.add('card-summary');
  /** @type {HTMLElement[]} */
  const toggles = [];
  /** @type {HTMLElement | null} */
  let more = null;
  if (card.more) {
    more = md(card.more);
    more.classList.add('card-summary');
    more.id = `${base}-more`;
    const showMore = (/** @type {boolean} */ open) => {
      summary.hidden = open;
    };
    toggles.push(
      cardToggle({
        key: `${message.id}|${card.choice}|more`,
        label: 'more',
        openLabel: 'less',
        name: `the summary of ${name}`,
        region: more,
        onToggle: showMore,
      }),
    );
    showMore(!more.hidden);
  }
  const body = el('div', { class: 'card-body' }, heading, summary, more);
  /** @type {HTMLElement | null} */
  let full = null;
  if (card.full) {
    full = md(card.full);
    full.classList.add('card-full');
    full.id = `${base}-full`;
    full.setAttribute('data-testid', 'card-full-text');
    toggles.push(
      cardToggle({
        key: `${message.id}|${card.choice}|full`,
        label: 'Full text',
        openLabel: 'Hide full text',
        name,
        region: full,
      }),
    );
  }
  const own = message.blocks?.find((b) => b.kind === 'buttons' && b.for === card.choice);
  const mine = state.user ? (card.voters ?? []).includes(state.user.id) : false;
  const actions = (own && own.kind === 'buttons' ? own.buttons : [])
    .filter((b) => b.role !== 'expand')
    .flatMap((b) => {
      const button = cardActionButton(message, b);
      // The visible word is part of the accessible name ("Vote" in "Vote for option 2"): axe's
      // label-content-name-mismatch (serious) fails a name that leaves out the button's visible text.
      if (b.role === 'vote') {
        button.textContent = 'Vote';
        button.setAttribute('aria-label', `Vote for ${name}`);
        button.setAttribute('aria-pressed', String(mine));
        if (mine) {
          button.classList.add('voted');
          return [button, el('span', { class: 'your-vote', text: '✓ your vote' })];
        }
      } else if (b.role === 'run') {
        button.textContent = 'Run';
        button.setAttribute('aria-label', `Run ${name}`);
      }
      return [button];
    });
  const bar = el('div', { class: 'card-actions buttons' }, ...actions, ...toggles);
  const note = card.note ? el('p', { class: 'context card-note' }) : null;
  if (note && card.note) note.innerHTML = mdInline(card.note);
  const section = el(
    'section',
    {
      class: `option-card${mine ? ' mine' : ''}${card.choice === 'vanilla' ? ' vanilla' : ''}`,
      'data-testid': 'option-card',
      'data-choice': card.choice,
    },
    body,
    full,
    note,
    bar,
  );
  section.setAttribute('aria-labelledby', heading.id);
  return section;
}

/**
 * @param {BlockView} block
 * @param {MessageView} message
 * @param {number} index the block's place in the message
 */
function renderBlock(block, message, index) {
  switch (block.kind) {
    case 'heading':
      return el('h3', { class: 'block-heading', text: block.text });
    case 'text':
      return md(block.text);
    case 'context': {
      const p = el('p', { class: 'context' });
      p.innerHTML = mdInline(block.text);
      return p;
    }
    case 'code':
      return renderCode(block, index);
    case 'option':
      return renderOptionCard(block, message);
    case 'buttons': {
      if (ownedByCard(block, message)) return null;
      const buttons = plainButtons(block, message);
      return buttons.length
        ? el('div', { class: 'buttons' }, ...buttons.map((b) => actionButton(message, b)))
        : null;
    }
    case 'progress': {
      const pct = Math.round((100 * block.step) / block.total);
      const fill = el('span');
      fill.style.width = `${pct}%`;
      const bar = el(
        'div',
        {
          class: 'bar',
          role: 'progressbar',
          'aria-label': block.label,
          'aria-valuemin': 0,
          'aria-valuemax': block.total,
          'aria-valuenow': block.step,
        },
        fill,
      );
      return el(
        'div',
        { class: `progress${message.runState ? ` ${message.runState}` : ''}`, 'data-testid': 'progress' },
        el('div', { text: block.label }),
        bar,
        block.detail ? el('div', { class: 'detail', text: block.detail }) : null,
      );
    }
    case 'image':
      return renderImage(block);
    case 'file':
      return fileLink(block.file);
    default:
      return null;
  }
}

/**
 * A message's blocks in order; consecutive images go into one row.
 * @param {MessageView} m
 * @returns {Node[]}
 */
function renderBlocks(m) {
  /** @type {Node[]} */
  const out = [];
  /** @type {HTMLElement | null} */
  let row = null;
  (m.blocks ?? []).forEach((b, i) => {
    if (b.kind === 'image') {
      if (!row) {
        row = el('div', { class: 'image-row', 'data-testid': 'image-row' });
        out.push(row);
      }
      row.append(renderImage(b));
      return;
    }
    row = null;
    const node = renderBlock(b, m, i);
    if (node) out.push(node);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Threads in the channel list: reply count, unread marker and run badge.
// ---------------------------------------------------------------------------------------------------------------

const SEEN_KEY = 'linguacodus:seen';
const FIRST_VISIT_KEY = 'linguacodus:first-visit';

/** When this browser last looked at each thread (kept across reloads); threads older than its first visit count as seen. */
const seen = (() => {
  /** @type {Record<string, number>} */
  let map = {};
  let since = Date.now();
  try {
    map = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}');
    since = Number(localStorage.getItem(FIRST_VISIT_KEY)) || since;
    localStorage.setItem(FIRST_VISIT_KEY, String(since));
  } catch {
    // Storage off: unread markers cover this visit only.
  }
  return {
    /** @param {string} id */
    at: (id) => map[id] ?? since,
    /** @param {string} id @param {number} ts */
    mark(id, ts) {
      if ((map[id] ?? 0) >= ts) return;
      map[id] = ts;
      const ids = Object.keys(map);
      if (ids.length > 500) for (const old of ids.slice(0, ids.length - 500)) delete map[old];
      try {
        localStorage.setItem(SEEN_KEY, JSON.stringify(map));
      } catch {
        // Storage full or off: kept for this visit.
      }
    },
  };
})();

/**
 * @param {string} id
 * @returns {ThreadInfo}
 */
function threadInfo(id) {
  let info = state.threads.get(id);
  if (!info) {
    info = { replyCount: 0, status: null, runs: new Map(), lastTs: 0, unread: 0 };
    state.threads.set(id, info);
  }
  return info;
}

/**
 * Any run under way, else the latest run's end, else what the listing said.
 * @param {ThreadInfo} info
 */
function statusOf(info) {
  let latest = /** @type {{ state: RunState, ts: number } | null} */ (null);
  for (const run of info.runs.values()) {
    if (run.state === 'running') return 'running';
    if (!latest || run.ts >= latest.ts) latest = run;
  }
  return latest?.state ?? info.status;
}

const STATUS_WORDS = { running: 'running', done: 'done', failed: 'failed' };

/**
 * The row under a thread's root in the channel: open it, how many replies, unread, the run badge.
 * @param {string} id
 */
function threadRow(id) {
  const info = threadInfo(id);
  const count = info.replyCount;
  const status = statusOf(info);
  return el(
    'div',
    { class: 'thread-row' },
    el('button', {
      class: 'replies',
      type: 'button',
      'data-count': String(count),
      'data-testid': 'open-thread',
      'data-key': 'open-thread',
      text: count ? `${count} repl${count === 1 ? 'y' : 'ies'} →` : 'Open thread →',
      onclick: () => openThread(id, { focus: true }).catch(showError),
    }),
    info.unread
      ? el(
          'span',
          { class: 'badge unread', 'data-testid': 'thread-unread' },
          'new',
          el('span', { class: 'visually-hidden', text: ' replies unread' }),
        )
      : null,
    status
      ? el(
          'span',
          { class: `badge run ${status}`, 'data-testid': 'thread-status', 'data-status': status },
          el('span', { class: 'visually-hidden', text: 'run ' }),
          STATUS_WORDS[status],
        )
      : null,
  );
}

/** @param {string} id */
function refreshThreadRow(id) {
  const row = $('#messages').querySelector(`[data-id="${CSS.escape(id)}"] .thread-row`);
  if (row) replaceKeeping(row, threadRow(id));
}

/** The channel list: each channel's link, the open one marked, with its count of unread messages. */
function renderChannels() {
  const nav = $('#channels');
  const links = state.channels.map((c) => {
    const unread = c === state.channel ? 0 : (state.channelUnread.get(c) ?? 0);
    return el(
      'a',
      {
        // A real address (opens the channel in a new tab too), not an in-page #anchor.
        href: `?channel=${encodeURIComponent(c)}`,
        'data-channel': c,
        'data-key': `channel:${c}`,
        class: c === state.channel ? 'active' : '',
        'aria-current': c === state.channel ? 'page' : undefined,
        onclick: (/** @type {MouseEvent} */ ev) => {
          ev.preventDefault();
          history.replaceState(null, '', `#${c}`);
          closeThread({ focus: false });
          setDrawer(false);
          loadChannel(c)
            .then(() => $('#channel-title').focus())
            .catch(showError);
        },
      },
      el('span', { class: 'channel-name', text: `# ${c}` }),
      unread
        ? el(
            'span',
            { class: 'badge unread', 'data-testid': 'channel-unread' },
            String(unread),
            el('span', { class: 'visually-hidden', text: ' unread' }),
          )
        : null,
    );
  });
  const mark = markFocus(nav);
  nav.replaceChildren(...links);
  if (mark) {
    const again = mark.key ? nav.querySelector(`[data-key="${CSS.escape(mark.key)}"]`) : null;
    if (again instanceof HTMLElement) again.focus({ preventScroll: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Messages.
// ---------------------------------------------------------------------------------------------------------------

/**
 * @param {MessageView} m
 * @param {boolean} inThread
 */
function renderMessage(m, inThread) {
  const node = el('article', {
    class: `message${m.bot ? ' bot' : ''}`,
    'data-id': m.id,
    'data-testid': m.bot ? 'bot-message' : 'user-message',
    tabIndex: -1,
  });
  const when = new Date(m.ts).toLocaleTimeString();
  const meta = el(
    'div',
    { class: 'meta' },
    el('strong', { text: m.user.name }),
    `${when}${m.editedTs ? ' (edited)' : ''}`,
  );
  node.append(meta);
  if (m.blocks?.length) node.append(...renderBlocks(m));
  else if (m.text) node.append(md(m.text));
  else if (!m.files.length) node.append(el('p', { class: 'context', text: '(empty message)' }));
  for (const f of m.files) node.append(fileLink(f));
  if (!inThread && !m.thread) node.append(threadRow(m.id));
  return node;
}

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
    await postJson('/api/actions', { messageId, action });
  } catch (error) {
    const said = el('p', { class: 'press-error', role: 'alert', text: messageOf(error) });
    (message ?? button.parentElement)?.append(said);
  } finally {
    setTimeout(() => button.removeAttribute('aria-disabled'), 600);
  }
}

/** @param {HTMLElement} container */
function scrollDown(container) {
  container.scrollTop = container.scrollHeight;
}

/** @param {string} channel */
async function loadChannel(channel) {
  state.channel = channel;
  state.channelUnread.delete(channel);
  renderChannels();
  $('#channel-title').textContent = `# ${channel}`;
  const { messages } = /** @type {ChannelMessagesView} */ (
    await api(`/api/channels/${encodeURIComponent(channel)}/messages`)
  );
  for (const m of messages) {
    const info = threadInfo(m.id);
    info.replyCount = m.replyCount ?? 0;
    info.status = m.threadStatus ?? null;
    info.runs.clear();
    info.lastTs = m.lastTs ?? m.ts;
    info.unread = m.id !== state.thread && info.lastTs > seen.at(m.id) ? Math.max(info.unread, 1) : 0;
  }
  const box = $('#messages');
  replaceChildrenKeeping(
    box,
    messages.map((m) => renderMessage(m, false)),
  );
  if (!messages.length)
    box.append(el('p', { class: 'empty', text: 'No tasks yet. Post one below with a CSV.' }));
  scrollDown(box);
}

/** @param {boolean} open */
function showThreadPane(open) {
  $('#thread-view').hidden = !open;
  document.body.classList.toggle('thread-open', open);
}

/**
 * Opens a thread; `focus` (a person opened it) moves focus to its title.
 * @param {string} id
 * @param {{ focus?: boolean }} [how]
 */
async function openThread(id, how = {}) {
  const switched = state.thread !== id;
  state.thread = id;
  showThreadPane(true);
  const info = threadInfo(id);
  info.unread = 0;
  seen.mark(id, Date.now());
  refreshThreadRow(id);
  if (how.focus) $('#thread-title').focus();
  const box = $('#thread-messages');
  /** @type {ThreadView} */
  let view;
  try {
    view = /** @type {ThreadView} */ (await api(`/api/threads/${encodeURIComponent(id)}`));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    showLost(box);
    return;
  }
  if (state.thread !== id) return;
  $('#thread-view').classList.remove('lost');
  const nodes = [renderMessage(view.root, true), ...view.replies.map((m) => renderMessage(m, true))];
  if (switched) box.replaceChildren(...nodes);
  else replaceChildrenKeeping(box, nodes);
  scrollDown(box);
}

/**
 * Closes the thread pane; `focus` (the default: a person closed it) goes back to the thread in the channel.
 * @param {{ focus?: boolean }} [how]
 */
function closeThread(how = {}) {
  const id = state.thread;
  showThreadPane(false);
  state.thread = null;
  if (how.focus === false) return;
  const back = id
    ? $('#messages').querySelector(`[data-id="${CSS.escape(id)}"] [data-key="open-thread"]`)
    : null;
  (back instanceof HTMLElement ? back : $('#channel-title')).focus();
}

/**
 * The open thread is gone from the server: its storage was reset (a Redis restart without persistence) or its
 * history expired. Said plainly, instead of a page that keeps showing "working on it".
 * @param {HTMLElement} box
 */
function showLost(box) {
  $('#thread-view').classList.add('lost');
  box.replaceChildren(
    el(
      'p',
      { class: 'lost-notice', 'data-testid': 'thread-lost' },
      el('strong', { text: 'The server lost this conversation. ' }),
      'Its storage was reset or its history expired, so the task, the plan and any work under way are gone. Post the task again in a channel to start over.',
    ),
  );
}

/**
 * @param {HTMLElement} container
 * @param {MessageView} m
 * @param {boolean} inThread
 */
function upsert(container, m, inThread) {
  const existing = container.querySelector(`[data-id="${CSS.escape(m.id)}"]`);
  const fresh = renderMessage(m, inThread);
  if (existing) {
    replaceKeeping(existing, fresh);
  } else {
    container.querySelector('.empty')?.remove();
    const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
    container.append(fresh);
    if (atBottom) scrollDown(container);
  }
}

/**
 * A reply in a thread of the open channel: its count, run state and unread mark in the channel list.
 * @param {LiveEventType} type
 * @param {MessageView} m
 * @param {string} root
 */
function trackReply(type, m, root) {
  const info = threadInfo(root);
  if (type === 'message') info.replyCount += 1;
  info.lastTs = Math.max(info.lastTs, m.editedTs ?? m.ts);
  if (m.runState) info.runs.set(m.id, { state: m.runState, ts: m.ts });
  if (root === state.thread) seen.mark(root, Date.now());
  else if (type === 'message' && m.user.id !== state.user?.id) info.unread += 1;
  refreshThreadRow(root);
}

/** Run states last seen per progress message, so a run's end is announced once. */
const announcedRuns = new Map();

/**
 * @param {LiveEventType} type
 * @param {MessageView} m
 */
function onEvent(type, m) {
  if (m.channel !== state.channel) {
    if (type === 'message' && m.user.id !== state.user?.id) {
      state.channelUnread.set(m.channel, (state.channelUnread.get(m.channel) ?? 0) + 1);
      renderChannels();
    }
    return;
  }
  if (!m.thread) upsert($('#messages'), m, false);
  else trackReply(type, m, m.thread);
  const inOpenThread = Boolean(state.thread && (m.thread === state.thread || m.id === state.thread));
  if (inOpenThread) upsert($('#thread-messages'), m, true);
  if (!m.bot || !(inOpenThread || !m.thread)) return;
  if (type === 'message') announce(`Linguacodus: ${gist(m)}`);
  else if (m.runState && m.runState !== 'running' && announcedRuns.get(m.id) !== m.runState)
    announce(m.runState === 'done' ? 'The run finished.' : 'The run stopped.');
  if (m.runState) announcedRuns.set(m.id, m.runState);
}

/** Loads again what is on screen: after the live feed was cut, events may have been missed or the data lost. */
function reload() {
  if (state.channel) loadChannel(state.channel).catch(showError);
  if (state.thread) openThread(state.thread).catch(showError);
}

/** @param {unknown} error */
function showError(error) {
  $('#connection').textContent = `error: ${messageOf(error)}`;
}

function connect() {
  const events = new EventSource('/api/events');
  let reconnecting = false;
  events.addEventListener('open', () => {
    $('#connection').textContent = 'live';
    if (reconnecting) reload();
  });
  // The server's own feed (Redis) dropped and came back: same as a reconnect of ours.
  events.addEventListener('resync', reload);
  events.addEventListener('error', () => {
    reconnecting = true;
    $('#connection').textContent = 'reconnecting…';
  });
  /** @param {Event} e @returns {MessageView} */
  const viewOf = (e) => JSON.parse(/** @type {MessageEvent<string>} */ (e).data);
  events.addEventListener('message', (e) => onEvent('message', viewOf(e)));
  events.addEventListener('edit', (e) => onEvent('edit', viewOf(e)));
}

// ---------------------------------------------------------------------------------------------------------------
// The composers: text, several CSV files as removable chips, Enter to send.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Uploads the file; one over the limit is refused here, before any byte is sent (the server cuts off a larger
 * upload anyway, and answers 413 with the refusal).
 * @param {File} file
 * @returns {Promise<string>} the upload's id, for the message that carries it
 */
async function upload(file) {
  if (file.size > state.maxUploadMb * 1048576) {
    throw new Error(`${file.name} is ${formatBytes(file.size)}; the limit is ${state.maxUploadMb} MB.`);
  }
  const res = await fetch(`/api/uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = /** @type {UploadView | UploadRefusedView} */ (await res.json());
  if (!res.ok) throw new Error('error' in body ? body.error : 'upload failed');
  return body.id;
}

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

/**
 * @param {HTMLFormElement} form
 * @param {() => string | null} threadOf
 */
function wireComposer(form, threadOf) {
  const textBox = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  const fileBox = /** @type {HTMLInputElement} */ (form.elements.namedItem('file'));
  const chips = /** @type {HTMLElement} */ (form.querySelector('[data-role="chips"]'));
  const hint = /** @type {HTMLElement} */ (form.querySelector('[data-role="hint"]'));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  /** @type {File[]} */
  let files = [];
  let sending = false;

  const renderChips = () => {
    const roles = fileRoles(files);
    chips.replaceChildren(
      ...files.map((f, i) =>
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
            onclick: () => {
              files = files.filter((g) => g !== f);
              renderChips();
              const next = chips.querySelectorAll('.chip-remove')[Math.min(i, files.length - 1)];
              (next instanceof HTMLElement ? next : fileBox).focus();
            },
          }),
        ),
      ),
    );
  };

  /** @param {Iterable<File>} picked */
  const addFiles = (picked) => {
    /** @type {string[]} */
    const refused = [];
    for (const f of picked) {
      if (!ACCEPTED_FILE.test(f.name)) refused.push(`${f.name} is not a CSV file`);
      else if (f.size > state.maxUploadMb * 1048576)
        refused.push(`${f.name} is ${formatBytes(f.size)}, over the ${state.maxUploadMb} MB limit`);
      else if (files.length >= MAX_FILES) refused.push(`${f.name}: at most ${MAX_FILES} files per message`);
      else files = [...files.filter((g) => g.name !== f.name), f];
    }
    hint.textContent = refused.length ? `${refused.join('; ')}.` : '';
    renderChips();
  };
  fileBox.addEventListener('change', () => {
    addFiles(fileBox.files ?? []);
    fileBox.value = '';
  });
  // Files dropped on the composer are attached the same way.
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
    addFiles(ev.dataTransfer.files);
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (sending) return;
    const text = textBox.value;
    if (!text.trim() && files.length === 0) {
      hint.textContent = 'Nothing to send: write the task or attach a CSV.';
      textBox.focus();
      return;
    }
    hint.textContent = '';
    sending = true;
    button.setAttribute('aria-disabled', 'true');
    try {
      await state.renaming;
      const uploads = [];
      for (const f of files) uploads.push(await upload(f));
      const thread = threadOf();
      const { message } = /** @type {PostedView} */ (
        await postJson('/api/messages', { channel: state.channel ?? '', thread, text, uploads })
      );
      form.reset();
      files = [];
      renderChips();
      if (!thread) {
        threadInfo(message.id).lastTs = message.ts;
        await openThread(message.id, { focus: true });
      }
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

// ---------------------------------------------------------------------------------------------------------------
// The drawer (the channel list on phones) and the keyboard.
// ---------------------------------------------------------------------------------------------------------------

/**
 * @param {boolean} open
 * @param {{ focus?: boolean }} [how] focus: move focus into the drawer (open) or back to its toggle (closed)
 */
function setDrawer(open, how = {}) {
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

function wireKeys() {
  $('#menu-toggle').addEventListener('click', () =>
    setDrawer(!document.body.classList.contains('drawer-open'), { focus: true }),
  );
  $('#drawer-backdrop').addEventListener('click', () => setDrawer(false, { focus: true }));
  $('#close-thread').addEventListener('click', () => closeThread());
  // Escape closes the drawer, else the thread.
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.defaultPrevented) return;
    if (document.body.classList.contains('drawer-open')) {
      ev.preventDefault();
      setDrawer(false, { focus: true });
    } else if (state.thread) {
      ev.preventDefault();
      closeThread();
    }
  });
  // Back to a wide window: the drawer is a sidebar again.
  matchMedia(PHONE).addEventListener('change', (e) => {
    if (!e.matches) setDrawer(false);
  });
}

async function main() {
  const name = /** @type {HTMLInputElement} */ ($('#username'));
  const me = /** @type {MeView} */ (await api('/api/me'));
  state.user = me.user;
  name.value = me.user.name;
  // A member's name comes with their access token; a guest picks theirs, kept by the server in their cookie.
  name.disabled = me.nameFixed;
  const rename = async () => {
    const wanted = name.value.trim();
    if (!wanted || wanted === state.user?.name) return;
    try {
      const renamed = /** @type {MeView} */ (await postJson('/api/me', { name: wanted }));
      state.user = renamed.user;
    } catch (error) {
      name.value = state.user?.name ?? '';
      showError(error);
    }
  };
  // Posts wait for a rename under way, so a message sent right after it carries the new name.
  name.addEventListener('change', () => {
    state.renaming = state.renaming.then(rename);
  });
  const { channels, maxUploadMb } = /** @type {ChannelsView} */ (await api('/api/channels'));
  state.channels = channels;
  state.maxUploadMb = maxUploadMb;
  wireComposer(/** @type {HTMLFormElement} */ ($('#composer')), () => null);
  wireComposer(/** @type {HTMLFormElement} */ ($('#thread-composer')), () => state.thread);
  wireKeys();
  // The channel a link or an earlier visit named: #name (kept as channels are picked), else ?channel=name.
  const wanted =
    decodeURIComponent(location.hash.slice(1)) || (new URLSearchParams(location.search).get('channel') ?? '');
  // The server's config always has at least one channel.
  await loadChannel(channels.includes(wanted) ? wanted : (channels[0] ?? wanted));
  connect();
  const params = new URLSearchParams(location.search);
  if (params.get('thread')) await followChatLink(params);
  // A link to a message of this chat (a leaderboard row's "result") opens it in place instead of reloading the page.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(link instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.searchParams.get('thread')) return;
    event.preventDefault();
    history.pushState(null, '', url.search);
    followChatLink(url.searchParams).catch(showError);
  });
}

/**
 * Opens what a chat link names (?channel=C&thread=R&message=M): the channel, the thread, and the message scrolled
 * into view, focused and marked; a message no longer there leaves the thread open at its end.
 * @param {URLSearchParams} params
 */
async function followChatLink(params) {
  const channel = params.get('channel');
  if (channel && channel !== state.channel && state.channels.includes(channel)) await loadChannel(channel);
  const thread = params.get('thread');
  if (!thread) return;
  await openThread(thread);
  const message = params.get('message');
  const node = message ? $('#thread-messages').querySelector(`[data-id="${CSS.escape(message)}"]`) : null;
  if (!(node instanceof HTMLElement)) return;
  for (const old of document.querySelectorAll('.message.linked')) old.classList.remove('linked');
  node.classList.add('linked');
  node.tabIndex = -1;
  node.scrollIntoView({ block: 'start' });
  node.focus({ preventScroll: true });
}

main().catch((error) => {
  document.body.prepend(el('p', { class: 'hint', text: `Could not start the chat: ${error.message}` }));
});
