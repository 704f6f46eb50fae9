import { describe, expect, it } from 'vitest';
import { createShard, fnv1a, shardOf, wholeRun } from './shard.js';

describe('shardOf', () => {
  it('is FNV-1a of the UTF-8 name (published test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('gives every name exactly one owner among the shards, whatever else is listed', () => {
    const names = Array.from({ length: 200 }, (_, i) => `landing/2026/12/${i}.csv`);
    const shards = [0, 1, 2].map((i) => createShard(i, 3));
    for (const name of names) expect(shards.filter((s) => s.owns(name))).toHaveLength(1);
    // By name only: the owner of a file does not change when other files come or go.
    const owners = names.map((n) => shardOf(n, 3));
    expect(names.slice(50).map((n) => shardOf(n, 3))).toEqual(owners.slice(50));
    // Spread over every shard (200 names: each gets a fair share, not all of them).
    for (const shard of shards) expect(names.filter((n) => shard.owns(n)).length).toBeGreaterThan(40);
  });

  it('hashes names outside ASCII by their UTF-8 bytes, not their UTF-16 code units', () => {
    expect(fnv1a('\u00e9')).toBe(0x1e9de8c1); // FNV-1a of C3 A9; of the single unit E9 it is 0x6c0b6c44
  });
});

describe('createShard', () => {
  it('owns everything as the whole run', () => {
    expect(wholeRun).toMatchObject({ index: 0, size: 1 });
    expect(wholeRun.owns('anything')).toBe(true);
  });

  it('refuses an index outside the size and non-integers', () => {
    expect(() => createShard(2, 2)).toThrow('shard index must be an integer from 0 to 1, got 2');
    expect(() => createShard(-1, 2)).toThrow(RangeError);
    expect(() => createShard(0.5, 2)).toThrow(RangeError);
    expect(() => createShard(0, 0)).toThrow('shard size must be a positive integer, got 0');
  });
});
