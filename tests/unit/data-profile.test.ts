// Data profiling: column kinds, missing shares, summaries and the target's type, balance and skew.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import type { Table } from '../../core/intake/index.ts';
import {
  inferTargetType,
  looksLikeDate,
  looksLikeIdName,
  profileTable,
  skewness,
} from '../../core/intake/index.ts';

const sentence = (i: number) =>
  `Customer ${i} wrote that the delivery was ${i % 2 ? 'late and the box was damaged' : 'quick and friendly'} this time`;

function sample(n = 40): Table {
  const rows = Array.from({ length: n }, (_, i) => [
    String(i + 1),
    String(20 + (i % 9) * 1.5),
    ['red', 'green', 'blue'][i % 3]!,
    sentence(i),
    new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10),
    'same',
    i % 4 === 0 ? 'yes' : 'no',
    i % 5 === 0 ? null : String(i * 2),
    ['low', 'mid', 'high'][i % 3]!,
  ]);
  return {
    columns: ['customer_id', 'age', 'colour', 'review', 'day', 'source', 'churned', 'visits', 'tier'],
    rows,
  };
}

describe('profileTable', () => {
  const profile = profileTable(sample(), { targets: ['churned'], idColumn: 'customer_id' });
  const col = (name: string) => profile.columns.find((c) => c.name === name)!;

  it('gives each column its kind', () => {
    expect(Object.fromEntries(profile.columns.map((c) => [c.name, c.kind]))).toEqual({
      customer_id: 'id',
      age: 'numeric',
      colour: 'categorical',
      review: 'text',
      day: 'datetime',
      source: 'constant',
      churned: 'boolean',
      visits: 'numeric',
      tier: 'categorical',
    });
  });

  it('reports missing share, unique count, examples and numeric summaries', () => {
    expect(profile.rows).toBe(40);
    expect(col('visits').missingShare).toBeCloseTo(8 / 40, 12);
    expect(col('colour').unique).toBe(3);
    expect(col('colour').examples).toEqual(['red', 'green', 'blue']);
    expect(col('colour').top?.[0]).toEqual({ value: 'red', count: 14 });
    expect(col('age').min).toBe(20);
    expect(col('age').max).toBe(32);
    expect(col('review').meanLength).toBeGreaterThan(30);
  });

  it('uses the sample standard deviation and skew pandas reports', () => {
    const values = ['1', '2', '2', '3', '10', '4', '5', '1.5'];
    const p = profileTable({ columns: ['y'], rows: values.map((v) => [v]) }, { targets: ['y'] });
    // Reference values from pandas (Series.mean/std/skew) on the same numbers, computed once with /usr/bin/python3.
    expect(p.columns[0]!.mean).toBeCloseTo(3.5625, 12);
    expect(p.columns[0]!.std).toBeCloseTo(2.920830361386981, 12);
    expect(p.target.skew).toBeCloseTo(1.8072428961606841, 12);
    expect(p.target.type).toBe('regression');
    expect(skewness([1, 1, 1])).toBe(0);
  });

  it('describes a binary target with class counts, most frequent first', () => {
    expect(profile.target).toEqual({
      names: ['churned'],
      type: 'binary',
      classes: [
        { value: 'no', count: 30 },
        { value: 'yes', count: 10 },
      ],
    });
  });

  it('describes multiclass, regression and multi-target data', () => {
    expect(profileTable(sample(), { targets: ['tier'] }).target.type).toBe('multiclass');
    const regression = profileTable(sample(), { targets: ['visits'] }).target;
    expect(regression.type).toBe('regression');
    expect(regression.mean).toBeCloseTo(40, 12);
    expect(profileTable(sample(), { targets: ['age', 'visits'] }).target.type).toBe('multi-regression');
    expect(
      profileTable(sample(), { targets: ['visits'], targetType: 'multiclass' }).target.classes,
    ).toHaveLength(32);
  });

  it('refuses an unknown target and a text target for regression', () => {
    expect(() => profileTable(sample(), { targets: ['nope'] })).toThrow(LinguacodusError);
    expect(() => profileTable(sample(), { targets: ['colour'], targetType: 'regression' })).toThrow(
      /holds text values/,
    );
  });
});

describe('helpers', () => {
  it('tells target types apart', () => {
    expect(inferTargetType(['0', '1', '1'])).toBe('binary');
    expect(inferTargetType(['3', '5', '6', '7', '6'])).toBe('multiclass');
    expect(inferTargetType(['cat', 'dog', 'bird'])).toBe('multiclass');
    expect(inferTargetType(['1.5', '2.25', '3.75'])).toBe('regression');
    expect(inferTargetType(Array.from({ length: 40 }, (_, i) => String(i)))).toBe('regression');
  });

  it('recognises id names and dates', () => {
    for (const name of [
      'id',
      'ID',
      'PassengerId',
      'student_id',
      'Product ID',
      'UDI',
      'No',
      'RowNumber',
      'Row#',
    ]) {
      expect(looksLikeIdName(name), name).toBe(true);
    }
    for (const name of ['Paid', 'width', 'idea', 'price']) expect(looksLikeIdName(name), name).toBe(false);
    expect(looksLikeDate('1981-01-01')).toBe(true);
    expect(looksLikeDate('2010-01-01 13:00:00')).toBe(true);
    expect(looksLikeDate('25/12/2020')).toBe(true);
    expect(looksLikeDate('Jan 5, 2020')).toBe(true);
    expect(looksLikeDate('12.5')).toBe(false);
    expect(looksLikeDate('A/5 21171')).toBe(false);
  });
});
