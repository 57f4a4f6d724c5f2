// Words as intake compares them: split from text or a column name, and stemmed (Porter, 1980) so that "survival"
// meets `Survived` and "progressed" meets `progression`.

export interface Word {
  /** The lower-case word as written. */
  word: string;
  stem: string;
  /** Where it starts in the text it came from. */
  at: number;
}

/** The words of a text or a column name: camelCase split, letters and digits only, lower case. */
export function wordsOf(text: string): Word[] {
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return [...spaced.matchAll(/[A-Za-z]+|[0-9]+(?:\.[0-9]+)?[kKmM]?/g)].map((m) => {
    const word = m[0].toLowerCase();
    return { word, stem: stem(word), at: m.index ?? 0 };
  });
}

/**
 * Two stems name the same thing: equal, a column's abbreviation the text spells out ("temp" in "temperature"), or
 * a short form of a longer stem ("fail" in "failur").
 */
export function sameStem(columnStem: string, textStem: string): boolean {
  if (columnStem === textStem) return true;
  if (columnStem.length >= 4 && textStem.startsWith(columnStem)) return true;
  return (
    textStem.length >= 4 && columnStem.startsWith(textStem) && textStem.length / columnStem.length >= 0.6
  );
}

const isVowelAt = (w: string, i: number): boolean => {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return true;
  return c === 'y' && i > 0 && !isVowelAt(w, i - 1);
};

/** Porter's m: the number of vowel-consonant sequences in the stem. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && !isVowelAt(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && isVowelAt(w, i)) i++;
    if (i >= w.length) break;
    while (i < w.length && !isVowelAt(w, i)) i++;
    m++;
  }
  return m;
}

const hasVowel = (w: string) => [...w].some((_, i) => isVowelAt(w, i));
const doubleConsonant = (w: string) =>
  w.length >= 2 && w[w.length - 1] === w[w.length - 2] && !isVowelAt(w, w.length - 1);
/** Consonant-vowel-consonant at the end, the last not w, x or y. */
function cvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  return (
    !isVowelAt(w, n - 1) && isVowelAt(w, n - 2) && !isVowelAt(w, n - 3) && !'wxy'.includes(w[n - 1] as string)
  );
}

/** Replaces `suffix` by `by` when the stem before it has a measure above `min`; null when the suffix is absent. */
function swap(w: string, suffix: string, by: string, min: number): string | null {
  if (!w.endsWith(suffix)) return null;
  const base = w.slice(0, w.length - suffix.length);
  return measure(base) > min ? base + by : w;
}

const STEP2: [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];
const STEP3: [string, string][] = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];
const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/** Porter's stemmer for one lower-case word; words of one or two letters, and numbers, stay as they are. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 2 || !/^[a-z]+$/.test(w)) return w;
  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b: -ed and -ing.
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (doubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && cvc(w)) w += 'e';
  }
  // Step 1c.
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  // Steps 2 and 3: double and single suffixes.
  for (const table of [STEP2, STEP3]) {
    for (const [suffix, by] of table) {
      const next = swap(w, suffix, by, 0);
      if (next !== null) {
        w = next;
        break;
      }
    }
  }
  // Step 4: what is left of a suffix, where the stem is long enough.
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, w.length - suffix.length);
    if (measure(base) > 1 && (suffix !== 'ion' || /[st]$/.test(base))) w = base;
    break;
  }
  // Step 5: a final e, and a final double l.
  if (w.endsWith('e')) {
    const base = w.slice(0, -1);
    const m = measure(base);
    if (m > 1 || (m === 1 && !cvc(base))) w = base;
  }
  if (measure(w) > 1 && w.endsWith('ll')) w = w.slice(0, -1);
  return w;
}
