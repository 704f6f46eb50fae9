import { describe, expect, it } from 'vitest';
import { encodeKey, hashKey, hashMapKey, hasNullKey, mapKeyOf } from './key.js';

describe('encodeKey', () => {
  it('is type-aware: 1, 1n, "1" and true are different keys', () => {
    const keys = [[1], [1n], ['1'], [true], [null], ['null'], ['']].map((row) => encodeKey(row, [0]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('makes 0 and -0 one key, and all nulls one key', () => {
    expect(encodeKey([0], [0])).toBe(encodeKey([-0], [0]));
    expect(encodeKey([null, 'a'], [0, 1])).toBe(encodeKey([null, 'a', 5], [0, 1]));
  });

  it('never lets composite keys collide through their separators', () => {
    expect(encodeKey(['a,b', 'c'], [0, 1])).not.toBe(encodeKey(['a', 'b,c'], [0, 1]));
    expect(encodeKey(['a;', 'n1'], [0, 1])).not.toBe(encodeKey(['a', ';n1'], [0, 1]));
    expect(encodeKey([1, 23], [0, 1])).not.toBe(encodeKey([12, 3], [0, 1]));
    expect(encodeKey(['x', 1], [0, 1])).toBe(encodeKey([0, 1, 'x'], [2, 1]));
  });

  it('treats a key column past the row end as null', () => {
    expect(encodeKey([1], [3])).toBe(encodeKey([null], [0]));
    expect(hasNullKey([1, null], [0, 1])).toBe(true);
    expect(hasNullKey([1, 0], [0, 1])).toBe(false);
  });
});

describe('hashKey', () => {
  it('spreads sequential integer keys evenly over partitions, at every level', () => {
    for (const level of [0, 1, 2]) {
      const counts = new Array<number>(64).fill(0);
      for (let i = 0; i < 64_000; i++) {
        const p = hashKey(encodeKey([i], [0]), level) % 64;
        counts[p] = (counts[p] ?? 0) + 1;
      }
      expect(Math.min(...counts)).toBeGreaterThan(800);
      expect(Math.max(...counts)).toBeLessThan(1200);
    }
  });

  it('re-spreads one partition at the next level', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => encodeKey([`k${i}`], [0])).filter((k) => hashKey(k, 0) % 8 === 3);
    const sub = new Set(keys.map((k) => hashKey(k, 1) % 8));
    expect(sub.size).toBe(8);
  });
});

describe('mapKeyOf / hashMapKey', () => {
  it('keys a one-column key by its value, a composite by its encoded string', () => {
    expect(mapKeyOf([7, 'a'], [0])).toBe(7);
    expect(mapKeyOf([7, 'a'], [0, 1])).toBe(encodeKey([7, 'a'], [0, 1]));
    expect(mapKeyOf([], [2])).toBeNull();
  });

  it('hashes a one-column key as its encoded form would spread, integers directly', () => {
    expect(hashMapKey('k1', false, 0)).toBe(hashKey(encodeKey(['k1'], [0]), 0));
    expect(hashMapKey(10n, false, 1)).toBe(hashKey(encodeKey([10n], [0]), 1));
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const p = hashMapKey(i * 16, false, 0) % 16;
      counts[p] = (counts[p] ?? 0) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });
});
