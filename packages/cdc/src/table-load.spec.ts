import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCatalog } from '@etl/catalog';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { LocalObjectStore } from '@etl/object-store';
import { at, ordersTable, writeParquet } from './cdc-fixtures.harness.js';
import { loadTable, type TableLoadOptions } from './table-load.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-load-'));
const store = new LocalObjectStore();
const catalog = new FileCatalog(store, join(dir, 'catalog'));
let duck: DuckDBConnection;
beforeAll(async () => {
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ts = (i: number) => at('2026-12-01T00:00:00Z') + BigInt(i) * 1_000_000n;

function options(name: string, extra: Partial<TableLoadOptions> = {}): TableLoadOptions {
  return {
    store,
    catalog,
    table: ordersTable(join(dir, 'data', name), name),
    outputPath: join(dir, 'out'),
    cdcPath: join(dir, 'cdc'),
    primaryKey: ['id'],
    loadType: 'incremental',
    memoryBytes: 32 * 1024 * 1024,
    tempDir: join(dir, 'tmp'),
    ...extra,
  };
}

async function load(name: string, extra: Partial<TableLoadOptions> = {}) {
  const { ctx } = testContext();
  return loadTable(options(name, extra), ctx);
}

/** `current` as DuckDB reads its files, less the rows DuckDB's QUALIFY over every data file keeps, and the other way round. */
async function differenceFromQualify(name: string): Promise<{ extra: number; missing: number; rows: number }> {
  const manifest = await readManifest(store, join(dir, 'out', name, 'current'));
  const files = (manifest?.files ?? []).map((f) => `'${new URL(f.uri).pathname}'`).join(', ');
  const expected = `SELECT id, updated_at, amount, note FROM read_parquet('${join(dir, 'data', name)}/*.parquet', filename = true, file_row_number = true)
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY updated_at DESC NULLS LAST, filename DESC, file_row_number DESC) = 1`;
  const actual = `SELECT id, updated_at, amount, note FROM read_parquet([${files}])`;
  const count = async (sql: string) => Number((await duck.runAndReadAll(sql)).getRows()[0]?.[0]);
  return {
    extra: await count(`SELECT count(*) FROM (${actual} EXCEPT ALL ${expected})`),
    missing: await count(`SELECT count(*) FROM (${expected} EXCEPT ALL ${actual})`),
    rows: await count(`SELECT count(*) FROM (${actual})`),
  };
}

async function changesOf(manifestUri: string | undefined): Promise<unknown[][]> {
  if (!manifestUri) return [];
  const manifest = JSON.parse(readFileSync(new URL(manifestUri), 'utf8')) as { files: Array<{ uri: string }> };
  if (manifest.files.length === 0) return [];
  const files = manifest.files.map((f) => `'${new URL(f.uri).pathname}'`).join(', ');
  return (await duck.runAndReadAll(`SELECT id, note FROM read_parquet([${files}]) ORDER BY id`)).getRows();
}

function watermarkOf(name: string): Record<string, string> {
  return JSON.parse(readFileSync(join(dir, 'cdc', `${name}.json`), 'utf8')) as Record<string, string>;
}

describe('loadTable: full, then incremental on changed data', () => {
  it("current equals DuckDB's QUALIFY over all data after each run; the second run's changes are exactly the new and changed rows", async () => {
    const data = join(dir, 'data', 'orders');
    // 1,000 keys, each written three times across two files; ties on updated_at for every tenth key.
    const first = Array.from({ length: 3000 }, (_, i) => {
      const id = BigInt(i % 1000);
      const tie = i % 1000 < 100;
      return [id, ts(tie ? 0 : i), `${i}.00`, `v${i}`];
    });
    writeParquet(join(data, 'part-000.parquet'), first.slice(0, 1500), undefined, 500);
    writeParquet(join(data, 'part-001.parquet'), first.slice(1500), undefined, 500);
    const full = await load('orders');
    expect(full).toMatchObject({ mode: 'full', rowsRead: 3000, duplicatesRemoved: 2000, rowsInChanges: 1000, rowsInCurrent: 1000 });
    expect(await differenceFromQualify('orders')).toEqual({ extra: 0, missing: 0, rows: 1000 });
    expect(watermarkOf('orders')).toMatchObject({ table: 'orders', column: 'updated_at', value: '2026-12-01T00:49:59.000000Z' });

    // New data: 5 new keys, 3 changed keys, 2 rows re-sent unchanged (the same content), an older version that must lose.
    writeParquet(join(data, 'part-002.parquet'), [
      [2000n, ts(3000), '1.00', 'new'],
      [2001n, ts(3000), '1.00', 'new'],
      [2002n, ts(3001), '1.00', 'new'],
      [2003n, ts(3001), '1.00', 'new'],
      [2004n, ts(3002), '1.00', 'new'],
      [5n, ts(3003), '9.00', 'changed'],
      [6n, ts(3003), '9.00', 'changed'],
      [7n, ts(3004), '9.00', 'changed'],
      ...first.slice(2998), // ids 998, 999: identical to what current holds
      [500n, ts(0), '0.00', 'stale'], // older than the version current holds: loses (and is below the window anyway)
    ]);
    const incremental = await load('orders');
    // The last row group of part-001 ends at the watermark: read again (its 499 older rows dropped, as are 2 old rows of part-002); the rest skipped unread.
    expect(incremental).toMatchObject({
      mode: 'incremental',
      rowsSkippedByStatistics: 2500,
      rowsRead: 511,
      rowsBeforeWindow: 501,
      rowsInChanges: 8,
      rowsInCurrent: 1005,
    });
    expect(await differenceFromQualify('orders')).toEqual({ extra: 0, missing: 0, rows: 1005 });
    expect(await changesOf(incremental.changes)).toEqual([
      [5n, 'changed'],
      [6n, 'changed'],
      [7n, 'changed'],
      [2000n, 'new'],
      [2001n, 'new'],
      [2002n, 'new'],
      [2003n, 'new'],
      [2004n, 'new'],
    ]);
    expect(watermarkOf('orders').value).toBe('2026-12-01T00:50:04.000000Z');
    expect((await readManifest(store, join(dir, 'out', 'orders', 'current')))?.annotations).toEqual({
      watermark: '2026-12-01T00:50:04.000000Z',
    });
  });

  it('loses no row sharing the watermark that arrives after the run, adds no duplicate key, and keeps the watermark file small', async () => {
    const data = join(dir, 'data', 'ties');
    const n = 100_000;
    const last = ts(10);
    writeParquet(
      join(data, 'part-000.parquet'),
      Array.from({ length: n }, (_, i) => [BigInt(i), last, '1.00', 'first']),
    );
    expect(await load('ties')).toMatchObject({ mode: 'full', rowsInCurrent: n });
    // More rows at that same updated_at, committed after the run: new keys and new versions of old ones.
    writeParquet(join(data, 'part-001.parquet'), [
      ...Array.from({ length: 1000 }, (_, i) => [BigInt(n + i), last, '2.00', 'late']),
      [0n, last, '3.00', 'late version'],
    ]);
    const again = await load('ties');
    expect(again).toMatchObject({ mode: 'incremental', rowsRead: n + 1001, rowsInChanges: 1001, rowsInCurrent: n + 1000 });
    expect(await differenceFromQualify('ties')).toEqual({ extra: 0, missing: 0, rows: n + 1000 });
    expect(statSync(join(dir, 'cdc', 'ties.json')).size).toBeLessThan(4096);
    // A third run on the same files: the overlap is read again, nothing is published.
    expect(await load('ties')).toMatchObject({ mode: 'incremental', rowsInChanges: 0, published: false });
  }, 60_000);

  it('with --lag_seconds 30 catches a row stamped 20 s before the watermark that appears after the run; without it, misses it', async () => {
    for (const [name, lagSeconds] of [
      ['lag30', 30],
      ['lag0', 0],
    ] as const) {
      const data = join(dir, 'data', name);
      writeParquet(join(data, 'part-000.parquet'), [
        [1n, ts(100), '1.00', 'a'],
        [2n, ts(200), '1.00', 'b'],
      ]);
      await load(name, { lagSeconds });
      writeParquet(join(data, 'part-001.parquet'), [[3n, ts(180), '1.00', 'late by 20 s']]);
      const next = await load(name, { lagSeconds });
      expect(next.rowsInChanges, name).toBe(lagSeconds === 30 ? 1 : 0);
    }
    expect(await differenceFromQualify('lag30')).toEqual({ extra: 0, missing: 0, rows: 3 });
  });

  it('a full load ignores the watermark; a table without a key gets its rows as read, in changes only', async () => {
    const data = join(dir, 'data', 'nokey');
    writeParquet(join(data, 'part-000.parquet'), [
      [1n, ts(1), '1.00', 'a'],
      [1n, ts(2), '1.00', 'b'],
    ]);
    expect(await load('nokey', { primaryKey: undefined })).toMatchObject({ mode: 'full', rowsInChanges: 2, rowsInCurrent: null });
    expect(await readManifest(store, join(dir, 'out', 'nokey', 'current'))).toBeUndefined();
    expect(await load('nokey', { primaryKey: undefined, loadType: 'full' })).toMatchObject({ mode: 'full', rowsInChanges: 2 });
  });

  it("fails a table whose key is not a column, naming it, and leaves that table's outputs and watermark as they were", async () => {
    await expect(load('orders', { primaryKey: ['order_id'] })).rejects.toThrow(/primary key column order_id of orders is not a column/);
    expect(watermarkOf('orders').value).toBe('2026-12-01T00:50:04.000000Z');
  });
});

describe('loadTable: rows with a null updated_at', () => {
  it('are loaded by a full run; an incremental run counts them apart, warns once for the table and does not load them', async () => {
    const data = join(dir, 'data', 'undated');
    writeParquet(join(data, 'part-000.parquet'), [
      [1n, ts(1), '1.00', 'dated'],
      [2n, null, '2.00', 'undated'],
    ]);
    const full = await load('undated');
    expect(full).toMatchObject({ mode: 'full', rowsInCurrent: 2, rowsWithoutChangeTime: 0 });

    writeParquet(join(data, 'part-001.parquet'), [
      [3n, null, '3.00', 'undated later'],
      [4n, null, '4.00', 'undated later'],
      [5n, ts(5), '5.00', 'dated later'],
    ]);
    const incremental = await load('undated');
    expect(incremental).toMatchObject({
      mode: 'incremental',
      rowsInChanges: 1,
      rowsInCurrent: 3,
      rowsWithoutChangeTime: 3,
      rowsBeforeWindow: 0,
    });
    expect(incremental.warnings.filter((w) => w.includes('null updated_at'))).toEqual([
      'undated: 3 rows with a null updated_at not loaded (an incremental load reads by updated_at; --load_type full loads them)',
    ]);
    expect(await changesOf(incremental.changes)).toEqual([[5n, 'dated later']]);
  });
});

describe('loadTable: a watermark another run wrote', () => {
  it('reads from what current holds when the watermark is ahead of it (a run with a mistyped output path moved it): no row skipped', async () => {
    const data = join(dir, 'data', 'typo');
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => [BigInt(from + k), ts(from + k), '1.00', `v${from + k}`]);
    const run = (id: string, extra: Partial<TableLoadOptions> = {}) => loadTable(options('typo', extra), testContext({ runId: id }).ctx);
    writeParquet(join(data, 'part-000.parquet'), rows(0, 100));
    expect(await run('run-1')).toMatchObject({ rowsInCurrent: 100 });
    writeParquet(join(data, 'part-001.parquet'), rows(100, 200));
    // The same --cdc_path, another --output_path: a full load there, and the shared watermark moves on.
    expect(await run('run-2', { outputPath: join(dir, 'out-typo') })).toMatchObject({ mode: 'full', rowsInCurrent: 200 });
    expect(watermarkOf('typo')['value']).toBe('2026-12-01T00:03:19.000000Z');
    writeParquet(join(data, 'part-002.parquet'), rows(200, 210));
    const { ctx, logs } = testContext({ runId: 'run-3' });
    const report = await loadTable(options('typo'), ctx);
    expect(report).toMatchObject({ mode: 'incremental', rowsInCurrent: 210, rowsInChanges: 110 });
    expect(await differenceFromQualify('typo')).toEqual({ extra: 0, missing: 0, rows: 210 });
    expect(String(logs.lines.find((l) => l['level'] === 'warn')?.['msg'])).toMatch(
      /^typo: the watermark .+ \(2026-12-01T00:03:19\.000000Z, run .+\) is ahead of the published current state \(2026-12-01T00:01:39\.000000Z, run .+\), which another run wrote: was it run with another --output_path\? Reading from 2026-12-01T00:01:39\.000000Z/,
    );
    expect(watermarkOf('typo')['run_id']).toBe(ctx.runId);
  });
});

describe('loadTable: a CSV table with a quote that never closes', () => {
  it('fails the table rather than load the rows before the quote and move the watermark past the lines it swallowed', async () => {
    const folder = join(dir, 'data', 'stray');
    const table = { ...ordersTable(folder, 'stray'), format: 'csv' as const };
    const line = (i: number) => `${i},2026-12-01 00:00:${String(i).padStart(2, '0')},1.00,v${i}`;
    const csv = (from: number, to: number, stray?: number) =>
      Array.from({ length: to - from }, (_, k) => (from + k === stray ? `${from + k},2026-12-01 00:00:00,1.00,"v` : line(from + k))).join(
        '\n',
      );
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.csv'), `${csv(0, 10)}\n`);
    const ratio = (id: string) => ({ ...testContext({ runId: id }).ctx, maxRejectRatio: 0.1 });
    expect(await loadTable({ ...options('stray'), table }, ratio('stray-1'))).toMatchObject({ rowsInCurrent: 10 });
    const before = watermarkOf('stray');
    // Row 12 of the new file opens a quote: the 29 lines after it would be one reject, 1 in 41.
    writeFileSync(join(folder, 'b.csv'), `${csv(10, 50, 21)}\n`);
    await expect(loadTable({ ...options('stray'), table }, ratio('stray-2'))).rejects.toThrow(
      /^29 of \d+ records of table stray rejected, counting the lines each reject took \(1 reject over 29 lines: a stray quote swallows/,
    );
    expect(watermarkOf('stray')).toEqual(before);
  });
});

describe('loadTable: a keyless table', () => {
  const rows = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => [BigInt(from + k), ts(from + k), '1.00', `v${from + k}`]);
  const run = (id: string, extra: Partial<TableLoadOptions> = {}) =>
    loadTable(options('typo-nokey', { primaryKey: undefined, ...extra }), testContext({ runId: id }).ctx);
  const copied = async (out: string) =>
    Number(
      (
        await duck.runAndReadAll(
          `SELECT count(*) FROM read_parquet('${join(dir, out, 'typo-nokey', 'changes')}/**/*.parquet') WHERE id >= 0`,
        )
      ).getRows()[0]?.[0],
    );

  it('reads from what its last published changes hold when a run elsewhere moved the shared watermark: no row skipped', async () => {
    const data = join(dir, 'data', 'typo-nokey');
    writeParquet(join(data, 'part-000.parquet'), rows(0, 100));
    expect(await run('run-1')).toMatchObject({ rowsInChanges: 100 });
    writeParquet(join(data, 'part-001.parquet'), rows(100, 200));
    // The same --cdc_path, another --output_path: that run moves the shared watermark past rows 100-199.
    expect(await run('run-2', { outputPath: join(dir, 'out-typo-nokey') })).toMatchObject({ mode: 'incremental', published: true });
    expect(watermarkOf('typo-nokey')['value']).toBe('2026-12-01T00:03:19.000000Z');
    writeParquet(join(data, 'part-002.parquet'), rows(200, 210));
    // From row 99's time, what run-1 published (a keyless table's overlap comes again: at-least-once).
    expect(await run('run-3')).toMatchObject({ mode: 'incremental', rowsInChanges: 111 });
    expect(await copied('out')).toBe(211);
    expect(watermarkOf('typo-nokey')['run_id']).toBe('run-3');
  });
});
