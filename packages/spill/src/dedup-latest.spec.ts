import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom, TerminalError } from '@etl/core';
import type { Value } from '@etl/schema';
import { dedupLatest, type DedupLatestOptions } from './dedup-latest.js';
import { encodeKey } from './key.js';
import { compareOrder } from './order.js';

const MiB = 1024 * 1024;
let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'dedup-spec-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

/** Rows `[id, region, updated_at, row number, padding]`: few timestamps (many ties), some null. */
function randomRows(count: number, ids: number, seed: number, padding = 0): Value[][] {
  const random = seededRandom(seed);
  const regions = ['eu', 'us', 'ap'];
  return Array.from({ length: count }, (_, i) => [
    Math.floor(random() * ids),
    regions[Math.floor(random() * regions.length)] as string,
    random() < 0.1 ? null : 1_733_443_200_000_000n + BigInt(Math.floor(random() * 3)),
    i,
    'x'.repeat(padding),
  ]);
}

/** The rule stated plainly: greatest updated_at, null below any, the later row on a tie. */
function reference(rows: readonly Value[][], keyColumns: number[], orderColumn: number | undefined): number[] {
  const best = new Map<string, Value[]>();
  for (const row of rows) {
    const key = JSON.stringify(keyColumns.map((c) => [typeof row[c], String(row[c])]));
    const old = best.get(key);
    const order = (r: Value[]) => (orderColumn === undefined ? null : (r[orderColumn] as bigint | null));
    const wins = old === undefined || order(old) === null || (order(row) !== null && (order(row) as bigint) >= (order(old) as bigint));
    if (wins) best.set(key, row);
  }
  return [...best.values()].map((r) => r[3] as number).sort((a, b) => a - b);
}

function batches(rows: readonly Value[][], size = 1000): Value[][][] {
  const out: Value[][][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function run(rows: readonly Value[][], options: Omit<DedupLatestOptions, 'tempDir'>) {
  const dedup = dedupLatest(batches(rows), { ...options, tempDir });
  const out: Value[][] = [];
  for await (const batch of dedup) out.push(...batch);
  return { numbers: out.map((r) => r[3] as number).sort((a, b) => a - b), out, counts: dedup.counts };
}

describe('dedupLatest', () => {
  it('keeps the latest row per key in memory, keys in first-seen order, nothing spilled', async () => {
    const rows = randomRows(20_000, 5_000, 1);
    const { numbers, out, counts } = await run(rows, { keyColumns: [0], orderColumn: 2 });
    expect(numbers).toEqual(reference(rows, [0], 2));
    const firstSeen = [...new Set(rows.map((r) => r[0]))];
    expect(out.map((r) => r[0])).toEqual(firstSeen);
    const n = firstSeen.length;
    expect(counts).toEqual({ rowsIn: 20_000, rowsOut: n, duplicatesRemoved: 20_000 - n, spilledRows: 0, partitions: 0 });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('gives the same rows as the reference when forced to spill and to re-partition (composite key, ties, nulls)', async () => {
    // About 1.2 kB per held row, ~55 k keys: ~66 MB against a 16 MiB budget (~14 MB stay held), ~26 MB per partition of 2.
    const rows = randomRows(100_000, 25_000, 2, 1000);
    const { numbers, counts } = await run(rows, { keyColumns: [0, 1], orderColumn: 2, memoryBytes: 16 * MiB, partitions: 2 });
    const expected = reference(rows, [0, 1], 2);
    expect(numbers).toEqual(expected);
    expect(counts.rowsOut).toBe(expected.length);
    expect(counts.duplicatesRemoved).toBe(100_000 - expected.length);
    expect(counts.spilledRows).toBeGreaterThan(expected.length / 2);
    expect(counts.partitions).toBeGreaterThan(2);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('gives the same rows as the reference when a one-column key spills', async () => {
    const rows = randomRows(40_000, 30_000, 7, 1000);
    const { numbers, counts } = await run(rows, { keyColumns: [0], orderColumn: 2, memoryBytes: 16 * MiB, partitions: 8 });
    expect(numbers).toEqual(reference(rows, [0], 2));
    expect(counts.partitions).toBe(8);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('gives the same rows as the reference when the held keys outgrow the budget after the spill started', async () => {
    // Small rows fill the budget with ~55 k of their ~86 k keys; then larger rows of the same key space
    // replace held rows (outgrowing the budget by more than a quarter: all held rows go to disk).
    const small = randomRows(150_000, 40_000, 8, 0);
    const large = randomRows(40_000, 40_000, 9, 2000).map((r, i) => [r[0], r[1], r[2], 150_000 + i, r[4]] as Value[]);
    const rows = [...small, ...large];
    const { numbers, counts } = await run(rows, { keyColumns: [0, 1], orderColumn: 2, memoryBytes: 16 * MiB, partitions: 4 });
    expect(numbers).toEqual(reference(rows, [0, 1], 2));
    expect(counts.spilledRows).toBeGreaterThan(60_000);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('matches a naive Map dedup on random rows of every value type, held and spilled', async () => {
    // Keys and order values of every type (type-aware keys, -0 and NaN, long and non-Latin text,
    // unpaired surrogates, bigints beyond 64 bits); 300 k rows of ~100 bytes spill from 16 MiB.
    const random = seededRandom(21);
    const keys: Value[] = [0, -0, 1, '1', 1n, null, Number.NaN, 'é', '\uD800', '\uDC00', 2n ** 70n, true, 2.5];
    const orders: Value[] = [null, 1, 2, 1n, 3n, 2n ** 65n, 'a', 'b', 1.5, Number.NaN, false, true];
    const rows: Value[][] = Array.from({ length: 300_000 }, (_, i) => [
      random() < 0.5 ? (keys[Math.floor(random() * keys.length)] as Value) : Math.floor(random() * 120_000),
      keys[Math.floor(random() * keys.length)] as Value,
      orders[Math.floor(random() * orders.length)] as Value,
      i,
      'x'.repeat(Math.floor(random() * 120)),
    ]);
    const naive = (input: Value[][], keyColumns: number[], orderColumn: number | undefined) => {
      const best = new Map<Value, Value[]>();
      for (const row of input) {
        const key = keyColumns.length === 1 ? (row[0] as Value) : encodeKey(row, keyColumns);
        const old = best.get(key);
        if (old === undefined || orderColumn === undefined || compareOrder(row[orderColumn] ?? null, old[orderColumn] ?? null) >= 0)
          best.set(key, row);
      }
      return [...best.values()].map((r) => r[3] as number).sort((a, b) => a - b);
    };
    for (const [keyColumns, orderColumn] of [
      [[0], 2],
      [[0, 1], 2],
      [[0], undefined],
    ] as const) {
      const few = rows.slice(0, 20_000);
      const held = await run(few, { keyColumns: [...keyColumns], orderColumn });
      expect(held.counts.spilledRows).toBe(0);
      expect(held.numbers).toEqual(naive(few, [...keyColumns], orderColumn));
      const spilled = await run(rows, { keyColumns: [...keyColumns], orderColumn, memoryBytes: 16 * MiB, partitions: 4 });
      expect(spilled.counts.spilledRows).toBeGreaterThan(0);
      expect(spilled.numbers).toEqual(naive(rows, [...keyColumns], orderColumn));
    }
  });

  it('lets a null order value lose to any value, and the later of two nulls win', async () => {
    const rows: Value[][] = [
      [1, null, null, 0],
      [1, null, 5n, 1],
      [1, null, null, 2],
      [2, null, null, 3],
      [2, null, null, 4],
      [3, null, 7n, 5],
      [3, null, 7n, 6],
      [3, null, 6n, 7],
    ];
    expect((await run(rows, { keyColumns: [0], orderColumn: 2 })).numbers).toEqual([1, 4, 6]);
  });

  it('keeps the last row read per key without an order column', async () => {
    const rows = randomRows(10_000, 100, 3);
    expect((await run(rows, { keyColumns: [0] })).numbers).toEqual(reference(rows, [0], undefined));
  });

  it('tells 1 from "1" from 1n in keys (type-aware), and groups null keys', async () => {
    const rows: Value[][] = [
      [1, null, 1n, 0],
      ['1', null, 1n, 1],
      [1n, null, 1n, 2],
      [null, null, 1n, 3],
      [null, null, 2n, 4],
      [1, null, 0n, 5],
    ];
    const { numbers } = await run(rows, { keyColumns: [0], orderColumn: 2 });
    expect(numbers).toEqual([0, 1, 2, 4]);
  });

  it('removes its spill folder when the input fails mid-stream after spilling', async () => {
    const rows = randomRows(40_000, 30_000, 4, 1000);
    let spilledBeforeFailure: string[] = [];
    async function* failing(): AsyncGenerator<Value[][]> {
      yield* batches(rows);
      spilledBeforeFailure = await readdir(tempDir);
      throw new Error('the source broke');
    }
    const dedup = dedupLatest(failing(), { keyColumns: [0], orderColumn: 2, memoryBytes: 16 * MiB, tempDir });
    await expect(async () => {
      for await (const batch of dedup) void batch;
    }).rejects.toThrow('the source broke');
    expect(spilledBeforeFailure).toHaveLength(1);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('removes its spill folder when the reader stops early', async () => {
    const rows = randomRows(40_000, 30_000, 5, 1000);
    const dedup = dedupLatest(batches(rows), { keyColumns: [0], orderColumn: 2, memoryBytes: 16 * MiB, tempDir });
    let sawFolder = false;
    for await (const batch of dedup) {
      sawFolder = (await readdir(tempDir)).length === 1 && batch.length > 0;
      break;
    }
    expect(sawFolder).toBe(true);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('stops with the signal reason when aborted, spill folder removed', async () => {
    const rows = randomRows(40_000, 30_000, 6, 1000);
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Value[][]> {
      for (const [i, batch] of batches(rows).entries()) {
        if (i === 30) controller.abort(new TerminalError('ABORTED', 'stopped by SIGTERM'));
        yield batch;
      }
    }
    const dedup = dedupLatest(slow(), { keyColumns: [0], orderColumn: 2, memoryBytes: 16 * MiB, tempDir, signal: controller.signal });
    await expect(async () => {
      for await (const batch of dedup) void batch;
    }).rejects.toThrow('stopped by SIGTERM');
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('refuses bad options at once, in one line naming each', () => {
    const attempt = () => dedupLatest([], { keyColumns: [], orderColumn: -1, memoryBytes: MiB, partitions: 1 });
    expect(attempt).toThrow(TerminalError);
    expect(attempt).toThrow(
      /^dedupLatest: memoryBytes must be .* at least 16 MiB .*; partitions must be .* 2 to 1024, not 1; keyColumns must name at least one column; orderColumn must be column indexes/,
    );
    expect(() =>
      dedupLatest([], { keyColumns: [0, 3], schema: { fields: [{ name: 'id', type: { kind: 'int' }, nullable: false }] } }),
    ).toThrow('dedupLatest: keyColumns 3 is beyond the 1 columns of the schema');
  });

  it('composes as a stage of a stream pipeline feeding a slow sink', async () => {
    const rows = randomRows(40_000, 30_000, 10, 1000);
    const out: number[] = [];
    await pipeline(
      Readable.from(batches(rows)),
      (source: AsyncIterable<Value[][]>) => dedupLatest(source, { keyColumns: [0], orderColumn: 2, memoryBytes: 16 * MiB, tempDir }),
      new Writable({
        objectMode: true,
        highWaterMark: 1,
        write(batch: Value[][], _encoding, done) {
          for (const row of batch) out.push(row[3] as number);
          setTimeout(done, 1);
        },
      }),
    );
    expect(out.sort((a, b) => a - b)).toEqual(reference(rows, [0], 2));
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('can be read once', async () => {
    const dedup = dedupLatest([[[1]]], { keyColumns: [0], tempDir });
    for await (const batch of dedup) void batch;
    await expect(async () => {
      for await (const batch of dedup) void batch;
    }).rejects.toThrow('read once');
  });
});
