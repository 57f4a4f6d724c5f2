// How intake compares words and finds where a task asks: Snowball English stems (so "survival" meets `Survived`), column names
// split as words, and the regions of a task: what is asked, the inputs listed, the rest.
import { describe, expect, it } from 'vitest';
import { taskRegions } from '../../core/intake/task-regions.ts';
import { sameStem, stem, wordsOf } from '../../core/intake/word-forms.ts';

const regions = (text: string, whole = false) =>
  taskRegions(text, whole).map((r) => `${r.kind}: ${text.slice(r.start, r.end).trim()}`);

describe('word forms', () => {
  it('stems as Snowball English (Porter2) does', () => {
    const cases: [string, string][] = [
      ['survival', 'surviv'],
      ['survived', 'surviv'],
      ['progressed', 'progress'],
      ['progression', 'progress'],
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['relational', 'relat'],
      ['generalizations', 'general'],
      ['hopping', 'hop'],
      ['price', 'price'],
      ['prices', 'price'],
    ];
    for (const [word, expected] of cases) expect(stem(word), word).toBe(expected);
  });

  it('matches a short form or an abbreviation, not any prefix', () => {
    expect(sameStem(stem('failure'), stem('fail'))).toBe(true);
    expect(sameStem('temp', stem('temperature'))).toBe(true);
    expect(sameStem('ag', stem('average'))).toBe(false);
  });

  it('splits column names into words', () => {
    expect(wordsOf('SalePrice').map((w) => w.word)).toEqual(['sale', 'price']);
    expect(wordsOf('x_e_out [-]').map((w) => w.word)).toEqual(['x', 'e', 'out']);
    expect(wordsOf('NumOfProducts').map((w) => w.word)).toEqual(['num', 'of', 'products']);
    expect(wordsOf('salary >50K').map((w) => w.word)).toEqual(['salary', '50k']);
  });
});

describe('task regions', () => {
  it('what is asked, then the inputs listed after "from", "using", "given"', () => {
    expect(regions('I want to predict how old a crab is from its sex and length. MAE.')).toEqual([
      'neutral: I want to',
      'target: predict how old a crab is',
      'feature: from its sex and length',
      'neutral: MAE',
    ]);
  });

  it('a question asks; a question after the inputs asks from its wh-word', () => {
    expect(regions('Will the machine break down?')).toEqual(['target: Will the machine break down']);
    expect(regions('Given the author and pressure, what is its outlet quality?')).toEqual([
      'feature: Given the author and pressure,',
      'target: what is its outlet quality',
    ]);
  });

  it('a list in parentheses is inputs; "from 3 to 9" is not where inputs start', () => {
    expect(regions('Rate each wine from 3 to 9 (acidity, sugar, alcohol).')).toEqual([
      'target: Rate each wine from 3 to 9',
      'feature: (acidity, sugar, alcohol)',
    ]);
  });

  it('a short reply asks throughout', () => {
    expect(regions('how old they are', true)).toEqual(['target: how old they are']);
  });
});
