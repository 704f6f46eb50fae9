import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCatalog, type TableDefinition } from '@etl/catalog';
import { testContext } from '@etl/core/testing';
import { LocalObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { parseType, type Schema, type Value } from '@etl/schema';
import { tableFiles } from './table-files.js';
import { tableRows, type TableReadOptions } from './table-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'table-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = new LocalObjectStore();
const catalog = new FileCatalog(store, join(dir, 'catalog'));
const at = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

function write(path: string, body: string | Uint8Array): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), body);
}

function parquet(schema: Schema, rows: Value[][], rowGroupRows: number): Uint8Array {
  const writer = new ParquetWriter(schema, { rowGroupRows });
  const chunks: Uint8Array[] = [];
  for (const row of rows) chunks.push(...writer.appendRow(row));
  chunks.push(...writer.finish());
  return Buffer.concat(chunks);
}

const field = (name: string, type: string) => ({ name, type: parseType(type), nullable: true });

async function read(table: TableDefinition, options: Partial<TableReadOptions> = {}) {
  const { ctx, rejects } = testContext();
  const rows = tableRows(store, table, await tableFiles(store, catalog, table), { ctx, ...options });
  const all: Value[][] = [];
  for await (const batch of rows.batches()) all.push(...batch);
  return { rows: all, stats: rows.stats, rejects };
}

describe('tableRows', () => {
  const orders: TableDefinition = {
    database: 'shop',
    name: 'orders',
    format: 'parquet',
    location: pathToFileURL(join(dir, 'orders')).href,
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
      { name: 'note', type: 'string' },
    ],
    partitionKeys: [],
  };
  // Two files in key order; the older has two row groups of two rows, the first wholly before the window.
  write(
    'orders/part-0.parquet',
    parquet(
      { fields: [field('id', 'int'), field('updated_at', 'timestamp')] },
      [
        [1, at('2026-01-01T00:00:00Z')],
        [2, at('2026-01-02T00:00:00Z')],
        [3, at('2026-02-01T00:00:00Z')],
        [4, at('2026-01-03T00:00:00Z')],
      ],
      2,
    ),
  );
  write(
    'orders/part-1.parquet',
    parquet(
      { fields: [field('id', 'bigint'), field('updated_at', 'timestamp'), field('note', 'varchar')] },
      [[5n, at('2026-03-01T00:00:00Z'), 'late']],
      10,
    ),
  );
  write('orders/_SUCCESS', '');
  write('orders/.part-1.parquet.crc', 'not parquet');
  write('orders/_temporary/0/part-9.parquet', 'half written');

  it('reads every Parquet file in key order, skipping hidden files, casting to the catalog columns (int widened, a missing column null)', async () => {
    const { rows, stats } = await read(orders);
    expect(rows).toEqual([
      [1n, at('2026-01-01T00:00:00Z'), null],
      [2n, at('2026-01-02T00:00:00Z'), null],
      [3n, at('2026-02-01T00:00:00Z'), null],
      [4n, at('2026-01-03T00:00:00Z'), null],
      [5n, at('2026-03-01T00:00:00Z'), 'late'],
    ]);
    expect(stats).toMatchObject({ files: 2, rowsRead: 5, rowsSkippedByStatistics: 0 });
  });

  it('skips row groups whose updated_at statistics end before the window and drops older rows of the groups it reads', async () => {
    const { rows, stats } = await read(orders, { window: { column: 'updated_at', from: at('2026-01-03T00:00:00Z') } });
    expect(rows.map((r) => r[0])).toEqual([3n, 4n, 5n]);
    expect(stats).toMatchObject({ rowGroupsSkipped: 1, rowsSkippedByStatistics: 2, rowsRead: 3, rowsBeforeWindow: 0 });
    // The window is inclusive: a row stamped exactly at its start is read.
    const boundary = await read(orders, { window: { column: 'updated_at', from: at('2026-02-01T00:00:00Z') } });
    expect(boundary.rows.map((r) => r[0])).toEqual([3n, 5n]);
    expect(boundary.stats).toMatchObject({ rowsSkippedByStatistics: 2, rowsBeforeWindow: 1 });
  });

  it('reads a Parquet table without a text reader, and asks for one for a text table', async () => {
    const { ctx } = testContext();
    const parquetOnly = tableRows(store, orders, await tableFiles(store, catalog, orders), { ctx });
    let rows = 0;
    for await (const batch of parquetOnly.batches()) rows += batch.length;
    expect(rows).toBe(5);
    const text = { ...orders, format: 'csv' as const };
    const csv = tableRows(store, text, [{ uri: pathToFileURL(join(dir, 'orders', 'part-0.parquet')).href, partitionValues: [] }], { ctx });
    await expect(csv.batches().next()).rejects.toThrow(/give tableRows openText/);
  });

  it('fails naming the file when one is not Parquet', async () => {
    write('broken/part-0.parquet', 'PAR1 this is not a footer PAR1');
    const broken = { ...orders, name: 'broken', location: pathToFileURL(join(dir, 'broken')).href };
    await expect(read(broken)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/broken.*part-0\.parquet/) });
  });
});
