import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '@etl/core';
import type { Value } from '@etl/schema';
import { KeyFanoutError, keyJoin, type JoinType, type KeyJoinInput } from './key-join.js';

const MiB = 1024 * 1024;
let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'key-join-spec-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** Rows `[id, key]`: keys 0..keys-1 drawn at random (so some repeat and some are missing), a few null. */
function randomRows(prefix: string, count: number, keys: number, seed: number): Value[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => [`${prefix}${i}`, random() < 0.02 ? null : Math.floor(random() * keys)]);
}

/** SQL's chain `a JOIN b USING (key) JOIN c USING (key)` by nested loops, rows as `key|a id|b id|c id` ('-' for none). */
function reference(tables: Value[][][], type: JoinType): string[] {
  const keys = new Set<Value>();
  for (const [i, t] of tables.entries()) if (type === 'full' || i === 0 || type === 'inner') for (const r of t) keys.add(r[1] ?? null);
  keys.delete(null);
  const byKey = tables.map((t) => {
    const m = new Map<Value, string[]>();
    for (const r of t) m.set(r[1] ?? null, [...(m.get(r[1] ?? null) ?? []), String(r[0])]);
    return m;
  });
  const out: string[] = [];
  for (const key of keys) {
    const lists = byKey.map((m) => m.get(key) ?? []);
    if (type === 'inner' && lists.some((l) => l.length === 0)) continue;
    if (type === 'left' && lists[0]?.length === 0) continue;
    let combos: string[][] = [[]];
    for (const l of lists) combos = combos.flatMap((c) => (l.length === 0 ? ['-'] : l).map((id) => [...c, id]));
    for (const c of combos) out.push([String(key), ...c].join('|'));
  }
  return out.sort();
}

const inputs = (tables: Value[][][]): KeyJoinInput[] =>
  tables.map((rows, i) => ({ name: `t${i}`, rows: [rows], keyColumn: 1, columns: 2 }));

async function collect(join: AsyncIterable<Value[][]>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of join)
    for (const row of batch) {
      const ids = [];
      for (let i = 1; i < row.length; i += 2) ids.push(row[i] === null ? '-' : String(row[i]));
      out.push([String(row[0]), ...ids].join('|'));
    }
  return out.sort();
}

describe('keyJoin', () => {
  const tables = [randomRows('a', 300, 120, 1), randomRows('b', 400, 150, 2), randomRows('c', 200, 100, 3)];

  for (const type of ['inner', 'left', 'full'] as const)
    it(`${type}: equals the chained SQL join of three inputs (key coalesced, repeated keys as a cross product)`, async () => {
      const joined = keyJoin(inputs(tables.map((t) => t.map((r) => [...r]))), { type, tempDir });
      expect(await collect(joined)).toEqual(reference(tables, type));
      expect(joined.counts.rowsOut).toBe(reference(tables, type).length);
      expect(joined.counts.inputs.map((i) => i.nullKeys)).toEqual(tables.map((t) => t.filter((r) => r[1] === null).length));
      expect(await readdir(tempDir)).toEqual([]);
    });

  it('hands on wide rows in batches of at most BATCH_VALUES values (and batchRows rows)', async () => {
    const wide = (name: string): KeyJoinInput => ({
      name,
      rows: [Array.from({ length: 1000 }, (_, i) => [i, ...Array.from({ length: 99 }, (_, c) => `${name}${c}`)])],
      keyColumn: 0,
      columns: 100,
    });
    const sizes: number[] = [];
    for await (const batch of keyJoin([wide('a'), wide('b')], { tempDir })) sizes.push(batch.length);
    // 201 values a joined row: 41 rows make 8,241, the first batch past 8,192.
    expect(sizes.slice(0, -1).every((n) => n === 41)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    const narrow = keyJoin([{ name: 'n', rows: [Array.from({ length: 100 }, (_, i) => [i])], keyColumn: 0, columns: 1 }], {
      tempDir,
      batchRows: 30,
    });
    const narrowSizes: number[] = [];
    for await (const batch of narrow) narrowSizes.push(batch.length);
    expect(narrowSizes).toEqual([30, 30, 30, 10]);
  });

  it('counts repeated keys per input', async () => {
    const joined = keyJoin(
      inputs([
        [
          ['a1', 1],
          ['a2', 1],
          ['a3', 2],
        ],
        [
          ['b1', 1],
          ['b2', 2],
          ['b3', 2],
          ['b4', 2],
        ],
      ]),
    );
    expect(await collect(joined)).toHaveLength(2 + 3);
    expect(joined.counts.inputs.map((i) => [i.keysRepeated, i.rowsInRepeatedKeys])).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(joined.counts.maxFanout).toBe(3);
  });

  it('maxFanout: a key that would produce more joined rows fails the join naming the key and each input', async () => {
    const rows = [
      [
        ['a1', 7],
        ['a2', 7],
      ],
      [
        ['b1', 7],
        ['b2', 7],
        ['b3', 7],
      ],
    ];
    await expect(collect(keyJoin(inputs(rows), { maxFanout: 5, tempDir }))).rejects.toThrow(
      new KeyFanoutError(
        7,
        6,
        [
          { name: 't0', rows: 2 },
          { name: 't1', rows: 3 },
        ],
        5,
      ),
    );
    expect(await readdir(tempDir)).toEqual([]);
    expect(await collect(keyJoin(inputs(rows), { maxFanout: 6 }))).toHaveLength(6);
  });

  it('changed: only keys with a changed row in some input, each with all its rows of every input', async () => {
    const [a, b, c] = tables.map((t) => t.map((r) => [...r])) as [Value[][], Value[][], Value[][]];
    const changedIds = new Set(['b5', 'c7']);
    const changed = (row: readonly Value[]) => changedIds.has(row[0] as string);
    const joined = keyJoin(
      [
        { name: 'a', rows: [a], keyColumn: 1, columns: 2, changed },
        { name: 'b', rows: [b], keyColumn: 1, columns: 2, changed },
        { name: 'c', rows: [c], keyColumn: 1, columns: 2, changed },
      ],
      { type: 'full' },
    );
    const keys = new Set([b[5]?.[1], c[7]?.[1]].map(String));
    expect(await collect(joined)).toEqual(reference(tables, 'full').filter((r) => keys.has(r.split('|')[0] as string)));
    expect(joined.counts.inputs.map((i) => i.rowsChanged)).toEqual([0, 1, 1]);
  });

  it('skipFailedInput: an input that fails is left out whole, the others joined', async () => {
    async function* failing(): AsyncGenerator<Value[][]> {
      yield [['x1', 1]];
      throw new Error('corrupt file');
    }
    const rows = [
      [
        ['a1', 1],
        ['a2', 2],
      ],
      [['b1', 1]],
    ];
    const join = (skip: boolean) =>
      keyJoin([...inputs(rows), { name: 'bad', rows: failing(), keyColumn: 1, columns: 2 }], {
        type: 'full',
        tempDir,
        skipFailedInput: () => skip,
      });
    await expect(collect(join(false))).rejects.toThrow('corrupt file');
    const skipped = join(true);
    expect(await collect(skipped)).toEqual(['1|a1|b1|-', '2|a2|-|-']);
    expect(skipped.counts.inputs[2]).toMatchObject({ name: 'bad', skipped: 'corrupt file' });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('re-partitions a partition too big for memoryBytes, with the same result', async () => {
    // ~35 MB of rows in 2 partitions against 16 MiB: each partition is split again.
    const big = (prefix: string, seed: number) =>
      randomRows(prefix, 80_000, 40_000, seed).map((r) => [`${String(r[0])}-${'p'.repeat(200)}`, r[1] ?? null]);
    const [a, b] = [big('a', 4), big('b', 5)];
    const joined = keyJoin(
      [
        { name: 'a', rows: [a.map((r) => [...r])], keyColumn: 1, columns: 2 },
        { name: 'b', rows: [b.map((r) => [...r])], keyColumn: 1, columns: 2 },
      ],
      { type: 'full', memoryBytes: 16 * MiB, partitions: 2, tempDir },
    );
    const expected = reference([a, b], 'full');
    const got = await collect(joined);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(joined.counts.partitions).toBeGreaterThan(4);
  }, 90_000);
});
