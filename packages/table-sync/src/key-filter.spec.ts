import { seededRandom } from '@etl/core';
import { columnsOf, parseType, type Field, type Value } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyFilter } from './key-filter.js';

const field = (name: string, type: string): Field => ({ name, type: parseType(type), nullable: true });

/** Observes the rows in batches of `size`; the filter's answer at the end. */
function maybeDuplicates(fields: Field[], keys: number[], rows: Value[][], size = 1000, bits?: number): boolean {
  const filter = new DuplicateKeyFilter(keys, bits);
  for (let i = 0; i < rows.length; i += size) filter.observe(columnsOf(fields, rows.slice(i, i + size)));
  return filter.maybeDuplicates;
}

describe('DuplicateKeyFilter', () => {
  it('says "no duplicates" for distinct keys of every layout, a million bigint keys included', () => {
    const ids = Array.from({ length: 1_000_000 }, (_, i) => [BigInt(i) * 7919n + 9_007_199_254_740_993n]);
    expect(maybeDuplicates([field('id', 'bigint')], [0], ids, 8192)).toBe(false);
    const codes = Array.from({ length: 300_000 }, (_, i) => [`SKU-${(i * 2654435761) % 4294967296}-${i % 97}`]);
    expect(maybeDuplicates([field('code', 'varchar(40)')], [0], codes, 8192)).toBe(false);
    const layouts: Array<[string, Value[]]> = [
      ['int', [1, -1, 0, 2147483647]],
      ['varchar(9)', ['a', 'b', 'ab', 'ba', '株']],
      ['double', [0.5, 1.5, -2]],
      ['decimal(38,18)', ['1.500000000000000000', '1.600000000000000000']],
      ['timestamp', [0n, 1n, -1n]],
      ['date', ['2026-11-22', '2026-11-23']],
    ];
    for (const [type, values] of layouts)
      expect(
        maybeDuplicates(
          [field('k', type)],
          [0],
          values.map((v) => [v]),
        ),
        type,
      ).toBe(false);
  });

  it('never misses a repeated key: single, composite, across batches, and keys the warehouse calls equal', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const rows: Value[][] = Array.from({ length: 5000 }, (_, i) => [BigInt(i), `n${i % 7}`, i]);
      const copy = rows[Math.floor(random() * rows.length)] as Value[];
      rows.splice(Math.floor(random() * rows.length), 0, [...copy]);
      expect(maybeDuplicates([field('a', 'bigint'), field('b', 'varchar(9)'), field('c', 'int')], [0, 1], rows, 700)).toBe(true);
    }
    const text = [field('k', 'varchar(9)')];
    expect(maybeDuplicates(text, [0], [['abc'], ['abc ']])).toBe(true); // Redshift ignores trailing blanks
    expect(maybeDuplicates(text, [0], [['ABC'], ['abc']])).toBe(true); // case-insensitive collations
    expect(maybeDuplicates([field('k', 'double')], [0], [[0], [-0]])).toBe(true);
  });

  it('keeps the dedupe when a composite key repeats only as a whole, not when its parts do', () => {
    const fields = [field('a', 'int'), field('b', 'int')];
    expect(
      maybeDuplicates(
        fields,
        [0, 1],
        [
          [1, 2],
          [2, 1],
          [1, 1],
          [2, 2],
        ],
      ),
    ).toBe(false);
    expect(
      maybeDuplicates(
        fields,
        [0, 1],
        [
          [1, 2],
          [2, 1],
          [1, 2],
        ],
      ),
    ).toBe(true);
  });

  it('answers "maybe" when full (false positives are allowed, false negatives are not)', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [i]);
    expect(maybeDuplicates([field('k', 'int')], [0], rows, 1000, 64)).toBe(true);
    expect(() => new DuplicateKeyFilter([0], 1000)).toThrow(/power of two/);
  });
});
