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
 * Who this browser is comes from the server (GET /api/me, a signed cookie or the person's own token), never from
 * the page: requests carry no user.
 * @type {{ channels: string[], channel: string | null, thread: string | null, user: WebUser | null, maxUploadMb: number, renaming: Promise<void> }}
 */
const state = {
  channels: [],
  channel: null,
  thread: null,
  user: null,
  maxUploadMb: 50,
  renaming: Promise.resolve(),
};

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

/**
 * An element with attributes (class, text, data-*, href, src, alt, title, type) or properties (onclick, …).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string | null | undefined)} children
 * @returns {HTMLElement}
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = String(v);
    else if (k === 'text') node.textContent = String(v);
    else if (
      k.startsWith('data-') ||
      k === 'href' ||
      k === 'src' ||
      k === 'alt' ||
      k === 'title' ||
      k === 'type'
    )
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

/** @param {FileView} file */
function fileLink(file) {
  return el('a', {
    class: 'file',
    href: `${file.url}?download=1`,
    text: `${file.name} (${formatBytes(file.bytes)})`,
    'data-testid': 'file-link',
    download: file.name,
  });
}

/** @param {Extract<BlockView, { kind: 'code' }>} block */
function renderCode(block) {
  const code = el('code', { class: 'hljs' });
  const language = hljs.getLanguage(block.language) ? block.language : 'plaintext';
  code.innerHTML = hljs.highlight(block.code, { language }).value;
  return el(
    'figure',
    { class: 'code', 'data-testid': 'code-block' },
    el('figcaption', { text: block.filename || block.language }),
    el('pre', {}, code),
  );
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
    .map((b) => {
      const button = cardActionButton(message, b);
      if (b.role === 'vote') {
        button.setAttribute('aria-label', `Vote for ${name}`);
        button.setAttribute('aria-pressed', String(mine));
        if (mine) {
          button.classList.add('voted');
          button.append(el('span', { class: 'your-vote', text: ' ✓ your vote' }));
        }
      } else if (b.role === 'run') button.setAttribute('aria-label', `Run ${name}`);
      return button;
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
 */
function renderBlock(block, message) {
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
      return renderCode(block);
    case 'option':
      return renderOptionCard(block, message);
    case 'buttons':
      if (ownedByCard(block, message)) return null;
      return el(
        'div',
        { class: 'buttons' },
        ...plainButtons(block, message).map((b) =>
          el('button', {
            type: 'button',
            class: b.style,
            text: b.label,
            'data-testid': 'action-button',
            onclick: (/** @type {MouseEvent} */ ev) =>
              press(/** @type {HTMLButtonElement} */ (ev.currentTarget), message.id, b.action),
          }),
        ),
      );
    case 'progress': {
      const pct = Math.round((100 * block.step) / block.total);
      const fill = el('span');
      fill.style.width = `${pct}%`;
      const bar = el('div', { class: 'bar' }, fill);
      return el(
        'div',
        { class: 'progress', 'data-testid': 'progress' },
        el('div', { text: block.label }),
        bar,
        block.detail ? el('div', { class: 'detail', text: block.detail }) : null,
      );
    }
    case 'image':
      return el(
        'a',
        { class: 'image', href: block.file.url, target: '_blank' },
        el('img', { src: block.file.url, alt: block.alt, 'data-testid': 'image' }),
      );
    case 'file':
      return fileLink(block.file);
    default:
      return null;
  }
}

/**
 * @param {MessageView} m
 * @param {boolean} inThread
 */
function renderMessage(m, inThread) {
  const node = el('article', {
    class: `message${m.bot ? ' bot' : ''}`,
    'data-id': m.id,
    'data-testid': m.bot ? 'bot-message' : 'user-message',
  });
  const when = new Date(m.ts).toLocaleTimeString();
  const meta = el(
    'div',
    { class: 'meta' },
    el('strong', { text: m.user.name }),
    `${when}${m.editedTs ? ' (edited)' : ''}`,
  );
  node.append(meta);
  if (m.blocks?.length) for (const b of m.blocks) node.append(renderBlock(b, m) ?? '');
  else if (m.text) node.append(md(m.text));
  else if (!m.files.length) node.append(el('p', { class: 'context', text: '(empty message)' }));
  for (const f of m.files) node.append(fileLink(f));
  if (!inThread && !m.thread) {
    const count = m.replyCount ?? 0;
    node.append(
      el('button', {
        class: 'replies',
        type: 'button',
        'data-count': String(count),
        'data-testid': 'open-thread',
        text: count ? `${count} repl${count === 1 ? 'y' : 'ies'} →` : 'Open thread →',
        onclick: () => openThread(m.id),
      }),
    );
  }
  return node;
}

/**
 * @param {HTMLButtonElement} button
 * @param {string} messageId
 * @param {string} action
 */
async function press(button, messageId, action) {
  button.disabled = true;
  try {
    await postJson('/api/actions', { messageId, action });
  } catch (error) {
    alert(messageOf(error));
  } finally {
    setTimeout(() => {
      button.disabled = false;
    }, 600);
  }
}

/** @param {HTMLElement} container */
function scrollDown(container) {
  container.scrollTop = container.scrollHeight;
}

/** @param {string} channel */
async function loadChannel(channel) {
  state.channel = channel;
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#channels a')))
    a.classList.toggle('active', a.dataset.channel === channel);
  $('#channel-title').textContent = `# ${channel}`;
  const { messages } = /** @type {ChannelMessagesView} */ (
    await api(`/api/channels/${encodeURIComponent(channel)}/messages`)
  );
  const box = $('#messages');
  box.replaceChildren(...messages.map((m) => renderMessage(m, false)));
  if (!messages.length)
    box.append(el('p', { class: 'empty', text: 'No tasks yet. Post one below with a CSV.' }));
  scrollDown(box);
}

/** @param {string} id */
async function openThread(id) {
  state.thread = id;
  $('#thread-view').hidden = false;
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
  $('#thread-view').classList.remove('lost');
  box.replaceChildren(renderMessage(view.root, true), ...view.replies.map((m) => renderMessage(m, true)));
  scrollDown(box);
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
    if (!inThread && !m.thread) {
      // Keep the live reply count: the edited message carries the count from when it was loaded.
      const old = existing.querySelector('.replies');
      if (old) fresh.querySelector('.replies')?.replaceWith(old);
    }
    existing.replaceWith(fresh);
  } else {
    container.querySelector('.empty')?.remove();
    const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
    container.append(fresh);
    if (atBottom) scrollDown(container);
  }
}

/** @param {string} rootId */
function bumpReplies(rootId) {
  const button = /** @type {HTMLButtonElement | null} */ (
    $('#messages').querySelector(`[data-id="${CSS.escape(rootId)}"] .replies`)
  );
  if (!button) return;
  const count = Number(button.dataset.count) + 1;
  button.dataset.count = String(count);
  button.textContent = `${count} repl${count === 1 ? 'y' : 'ies'} →`;
}

/**
 * @param {LiveEventType} type
 * @param {MessageView} m
 */
function onEvent(type, m) {
  if (m.channel !== state.channel) return;
  if (!m.thread) upsert($('#messages'), m, false);
  else if (type === 'message') bumpReplies(m.thread);
  if (state.thread && (m.thread === state.thread || m.id === state.thread))
    upsert($('#thread-messages'), m, true);
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
 * @param {HTMLFormElement} form
 * @param {() => string | null} threadOf
 */
function wireComposer(form, threadOf) {
  const textBox = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('text'));
  const fileBox = /** @type {HTMLInputElement} */ (form.elements.namedItem('file'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const hint = /** @type {HTMLElement} */ (form.querySelector('[data-role="hint"]'));
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
    const text = textBox.value;
    const file = fileBox.files?.[0];
    hint.textContent = '';
    button.disabled = true;
    try {
      await state.renaming;
      const uploads = file ? [await upload(file)] : [];
      const thread = threadOf();
      const { message } = /** @type {PostedView} */ (
        await postJson('/api/messages', { channel: state.channel ?? '', thread, text, uploads })
      );
      form.reset();
      if (!thread) await openThread(message.id);
    } catch (error) {
      hint.textContent = messageOf(error);
    } finally {
      button.disabled = false;
    }
  });
  textBox.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
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
  $('#channels').replaceChildren(
    ...channels.map((c) =>
      el('a', {
        href: `#${c}`,
        text: `# ${c}`,
        'data-channel': c,
        onclick: (/** @type {MouseEvent} */ ev) => {
          ev.preventDefault();
          history.replaceState(null, '', `#${c}`);
          $('#thread-view').hidden = true;
          state.thread = null;
          loadChannel(c);
        },
      }),
    ),
  );
  wireComposer(/** @type {HTMLFormElement} */ ($('#composer')), () => null);
  wireComposer(/** @type {HTMLFormElement} */ ($('#thread-composer')), () => state.thread);
  $('#close-thread').addEventListener('click', () => {
    $('#thread-view').hidden = true;
    state.thread = null;
  });
  const wanted = decodeURIComponent(location.hash.slice(1));
  // The server's config always has at least one channel.
  await loadChannel(channels.includes(wanted) ? wanted : (channels[0] ?? wanted));
  connect();
}

main().catch((error) => {
  document.body.prepend(el('p', { class: 'hint', text: `Could not start the chat: ${error.message}` }));
});
