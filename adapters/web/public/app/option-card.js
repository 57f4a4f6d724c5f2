// Plan option cards (owned with bot/render-plan.ts): each option, the resolver's choice and the vanilla control is
// a card with its own Vote and Run beside it (the viewer's vote pressed, aria-pressed), its summary cut at a word
// with "more", and "Full text" shown in place (a toggle with aria-expanded; nothing is posted). What is open stays
// open when the plan is re-rendered (a vote tallied edits the message).
// @ts-check
import { el } from './dom.js';
import { md, mdInline } from './markdown.js';
import { actionButton } from './press.js';

/** @typedef {import('../../web-views.ts').BlockView} BlockView */
/** @typedef {import('../../web-views.ts').MessageView} MessageView */
/** @typedef {Extract<BlockView, { kind: 'option' }>} OptionBlock */

/**
 * What a card's look depends on besides its message: whose vote is marked, and which parts of cards are open (by
 * message id, option and part, "more" or "full"), kept by the page across re-renders.
 * @typedef {{ viewer: string | undefined, openParts: Set<string> }} CardContext
 */

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
export function ownedByCard(block, message) {
  return Boolean(block.for && message.blocks?.some((b) => b.kind === 'option' && b.choice === block.for));
}

/**
 * The buttons of a plain buttons block: in a message with option cards, a button that would post the full text is
 * left out, as every card shows its own in place.
 * @param {Extract<BlockView, { kind: 'buttons' }>} block
 * @param {MessageView} message
 */
export function plainButtons(block, message) {
  const cards = message.blocks?.some((b) => b.kind === 'option');
  return cards ? block.buttons.filter((b) => b.role !== 'expand') : block.buttons;
}

/**
 * A toggle that shows or hides `region` in place, remembered per message and card in `openParts`.
 * @param {Set<string>} openParts
 * @param {{ key: string, label: string, openLabel: string, name: string, region: HTMLElement, onToggle?: (open: boolean) => void }} o
 */
function cardToggle(openParts, o) {
  const open = openParts.has(o.key);
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
    const now = !openParts.has(o.key);
    if (now) openParts.add(o.key);
    else openParts.delete(o.key);
    o.region.hidden = !now;
    button.textContent = now ? o.openLabel : o.label;
    button.setAttribute('aria-expanded', String(now));
    button.setAttribute('aria-label', `${now ? o.openLabel : o.label}: ${o.name}`);
    o.onToggle?.(now);
  });
  return button;
}

/**
 * A card's words: title and summary, the rest of the summary behind "more", the full text behind "Full text".
 * @param {OptionBlock} card
 * @param {MessageView} message
 * @param {string} name the card's name in its buttons' labels
 * @param {Set<string>} openParts
 */
function cardText(card, message, name, openParts) {
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
    const key = `${message.id}|${card.choice}|more`;
    toggles.push(
      cardToggle(openParts, {
        key,
        label: 'more',
        openLabel: 'less',
        name: `the summary of ${name}`,
        region: more,
        onToggle: showMore,
      }),
    );
    showMore(!more.hidden);
  }
  /** @type {HTMLElement | null} */
  let full = null;
  if (card.full) {
    full = md(card.full);
    full.classList.add('card-full');
    full.id = `${base}-full`;
    full.setAttribute('data-testid', 'card-full-text');
    const key = `${message.id}|${card.choice}|full`;
    toggles.push(
      cardToggle(openParts, { key, label: 'Full text', openLabel: 'Hide full text', name, region: full }),
    );
  }
  return { heading, body: el('div', { class: 'card-body' }, heading, summary, more), full, toggles };
}

/**
 * A card's own Vote and Run (from the message's buttons block for its choice), the viewer's vote pressed.
 * @param {OptionBlock} card
 * @param {MessageView} message
 * @param {string} name
 * @param {boolean} mine whether the viewer voted for this card
 */
function cardActions(card, message, name, mine) {
  const own = message.blocks?.find((b) => b.kind === 'buttons' && b.for === card.choice);
  return (own && own.kind === 'buttons' ? own.buttons : [])
    .filter((b) => b.role !== 'expand')
    .flatMap((b) => {
      const button = actionButton(message, b);
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
}

/**
 * One option card: title, summary (with "more"), the full text in place, its note, and its own buttons.
 * @param {OptionBlock} card
 * @param {MessageView} message
 * @param {CardContext} context
 */
export function renderOptionCard(card, message, context) {
  const name = cardName(card.choice);
  const { heading, body, full, toggles } = cardText(card, message, name, context.openParts);
  const { viewer } = context;
  const mine = viewer ? (card.voters ?? []).includes(viewer) : false;
  const bar = el(
    'div',
    { class: 'card-actions buttons' },
    ...cardActions(card, message, name, mine),
    ...toggles,
  );
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
