// Words as intake compares them: split from text or a column name, and stemmed (Snowball's English stemmer, Porter2,
// from snowball-stemmers) so that "survival" meets `Survived` and "progressed" meets `progression`.
import { snowballStemmer } from './task-language.ts';

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

/** The English Snowball (Porter2) stem of one lower-case word; words of one or two letters, and numbers, stay. */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = snowballStemmer('english').stem(word);
    if (cache.size < 50_000) cache.set(word, stemmed);
  }
  return stemmed;
}

const cache = new Map<string, string>();
