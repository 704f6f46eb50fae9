import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom, TerminalError } from '@etl/core';
import type { Value } from '@etl/schema';
import { hashJoin, type HashJoinOptions, type JoinType } from './hash-join.js';

const MiB = 1024 * 1024;
let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'join-spec-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** Rows `[id, account, region, padding]`: repeated keys, some null accounts. */
function randomRows(prefix: string, count: number, accounts: number, seed: number, padding = 0): Value[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => [
    `${prefix}${i}`,
    random() < 0.03 ? null : Math.floor(random() * accounts),
    random() < 0.5 ? 'eu' : 'us',
    'x'.repeat(padding),
  ]);
}

/** Nested loops, as SQL defines the join: pairs named `left id|right id`, '-' for a missing side. */
function reference(left: Value[][], right: Value[][], keys: number[], type: JoinType): string[] {
  const same = (a: Value[], b: Value[]) => keys.every((k) => a[k] !== null && b[k] !== null && a[k] === b[k]);
  const out: string[] = [];
  const rightMatched = new Set<Value[]>();
  for (const l of left) {
    let any = false;
    for (const r of right)
      if (same(l, r)) {
        out.push(`${String(l[0])}|${String(r[0])}`);
        rightMatched.add(r);
        any = true;
      }
    if (!any && type !== 'inner') out.push(`${String(l[0])}|-`);
  }
  if (type === 'full') for (const r of right) if (!rightMatched.has(r)) out.push(`-|${String(r[0])}`);
  return out.sort();
}

function batches(rows: readonly Value[][], size = 1000): Value[][][] {
  const out: Value[][][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function run(left: Value[][], right: Value[][], keys: number[], options: HashJoinOptions) {
  const joined = hashJoin(
    { rows: batches(left), keyColumns: keys, columns: 4 },
    { rows: batches(right), keyColumns: keys, columns: 4 },
    { ...options, tempDir },
  );
  const pairs: string[] = [];
  const widths = new Set<number>();
  for await (const batch of joined)
    for (const row of batch) {
      widths.add(row.length);
      pairs.push(`${row[0] === null ? '-' : String(row[0])}|${row[4] === null ? '-' : String(row[4])}`);
    }
  expect([...widths]).toEqual(pairs.length === 0 ? [] : [8]);
  return { pairs: pairs.sort(), counts: joined.counts };
}

describe('hashJoin', () => {
  for (const type of ['inner', 'left', 'full'] as const) {
    it(`${type}: equals the nested-loop join in memory (repeated keys on both sides, null keys)`, async () => {
      const left = randomRows('L', 3000, 800, 1);
      const right = randomRows('R', 2000, 1000, 2);
      const { pairs, counts } = await run(left, right, [1], { type });
      expect(pairs).toEqual(reference(left, right, [1], type));
      expect(counts).toMatchObject({ leftRows: 3000, rightRows: 2000, rowsOut: pairs.length, spilledRows: 0, partitions: 0 });
    });

    it(`${type}: equals the nested-loop join when forced to spill and re-partition (composite key)`, async () => {
      // ~1.1 kB per row: each side's 30 k rows are ~33 MB against a 16 MiB budget, ~16 MB per partition of 2.
      const left = randomRows('L', 30_000, 12_000, 3, 1000);
      const right = randomRows('R', 30_000, 12_000, 4, 1000);
      const { pairs, counts } = await run(left, right, [1, 2], { type, memoryBytes: 16 * MiB, partitions: 2 });
      expect(pairs).toEqual(referenceByKeyIndex(left, right, [1, 2], type));
      expect(counts.partitions).toBeGreaterThan(4);
      expect(counts).toMatchObject({ leftRows: 30_000, rightRows: 30_000, rowsOut: pairs.length });
      expect(await readdir(tempDir)).toEqual([]);
    });
  }

  it('removes its spill folder when the left input fails after the right side spilled', async () => {
    const right = randomRows('R', 30_000, 5000, 5, 1000);
    let spilled: string[] = [];
    async function* failing(): AsyncGenerator<Value[][]> {
      yield [['L0', 1, 'eu', '']];
      spilled = await readdir(tempDir);
      throw new Error('the left source broke');
    }
    const joined = hashJoin(
      { rows: failing(), keyColumns: [1], columns: 4 },
      { rows: batches(right), keyColumns: [1], columns: 4 },
      { memoryBytes: 16 * MiB, tempDir },
    );
    await expect(async () => {
      for await (const batch of joined) void batch;
    }).rejects.toThrow('the left source broke');
    expect(spilled).toHaveLength(1);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses bad options at once, in one line', () => {
    expect(() =>
      hashJoin({ rows: [], keyColumns: [4], columns: 4 }, { rows: [], keyColumns: [0, 1], columns: 2 }, { type: 'outer' as JoinType }),
    ).toThrow(TerminalError);
    expect(() =>
      hashJoin({ rows: [], keyColumns: [4], columns: 4 }, { rows: [], keyColumns: [0, 1], columns: 2 }, { type: 'outer' as JoinType }),
    ).toThrow(
      'hashJoin: type must be inner, left or full, not outer; left.keyColumns 4 is beyond its 4 columns; left.keyColumns and right.keyColumns must have as many columns',
    );
  });
});

/** The nested-loop reference through an index on the key (the spill cases are too large for plain loops). */
function referenceByKeyIndex(left: Value[][], right: Value[][], keys: number[], type: JoinType): string[] {
  const keyOf = (row: Value[]) => (keys.some((k) => row[k] === null) ? undefined : JSON.stringify(keys.map((k) => row[k])));
  const byKey = new Map<string, Value[][]>();
  for (const r of right) {
    const key = keyOf(r);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const out: string[] = [];
  const matched = new Set<Value[]>();
  for (const l of left) {
    const key = keyOf(l);
    const rows = key === undefined ? [] : (byKey.get(key) ?? []);
    for (const r of rows) {
      out.push(`${String(l[0])}|${String(r[0])}`);
      matched.add(r);
    }
    if (rows.length === 0 && type !== 'inner') out.push(`${String(l[0])}|-`);
  }
  if (type === 'full') for (const r of right) if (!matched.has(r)) out.push(`-|${String(r[0])}`);
  return out.sort();
}
