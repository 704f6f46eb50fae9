import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { TerminalError } from '@etl/core';
import { columnsOf, parseType, type Schema, type Value } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { bytesFile, maxAfter, ParquetFile, ParquetWriter, type ParquetWriterOptions } from '../index.js';

const field = (name: string, type: string, nullable = true) => ({ name, type: parseType(type), nullable });
const schema: Schema = {
  fields: [
    field('id', 'int', false),
    field('name', 'varchar'),
    field('price', 'decimal(10,4)'),
    field('small_price', 'decimal(6,2)'),
    field('huge', 'decimal(30,5)'),
    field('updated_at', 'timestamp'),
    field('day', 'date'),
    field('gift', 'boolean'),
    field('rate', 'double'),
    field('big', 'bigint'),
    field('qty', 'smallint'),
    field('doc', 'json'),
  ],
};

/** Deterministic rows covering nulls, signs, scales, Japanese text, quotes and line breaks. */
function row(i: number): Value[] {
  const sign = i % 5 === 0 && i > 0 ? '-' : '';
  return [
    i,
    i % 7 === 0 ? null : i % 11 === 0 ? `商品 "${i}",\n改行` : `名前 ${i % 13}`,
    `${sign}${i}.${String((i * 37) % 10000).padStart(4, '0')}`,
    i % 3 === 0 ? null : `${sign}${i % 9999}.${String(i % 100).padStart(2, '0')}`,
    `${sign}123456789012345678901234.${String(i).padStart(5, '0').slice(-5)}`,
    1_700_000_000_000_000n + BigInt(i) * 1_000_001n,
    i % 4 === 0 ? null : `20${String(10 + (i % 15))}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
    i % 6 === 0 ? null : i % 2 === 0,
    i % 17 === 0 ? Number.NaN : i % 19 === 0 ? -0 : i / 7,
    BigInt(i) ** 3n * (i % 2 ? -1n : 1n),
    i % 200,
    i % 8 === 0 ? null : JSON.stringify({ i }),
  ];
}

function write(rows: number, options: ParquetWriterOptions = {}): Buffer {
  const writer = new ParquetWriter(schema, options);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < rows; i++) parts.push(...writer.appendRow(row(i)));
  parts.push(...writer.finish());
  return Buffer.concat(parts);
}

const asObject = (values: Value[]) => Object.fromEntries(schema.fields.map((f, i) => [f.name, values[i]]));

describe('ParquetWriter', () => {
  it.each(['snappy', 'gzip', 'none'] as const)('round-trips every value exactly through our reader (%s)', async (compression) => {
    const bytes = write(5000, { compression, rowGroupRows: 2048, pageBytes: 4096 });
    const file = await ParquetFile.open(bytesFile(bytes, 'rt.parquet'));
    expect(file.rowGroups.map((g) => g.rows)).toEqual([2048, 2048, 904]);
    expect(file.schema).toEqual(schema);
    const rows = [];
    for await (const batch of file.batches()) rows.push(...batch.rows);
    expect(rows).toHaveLength(5000);
    for (let i = 0; i < 5000; i += 1) expect(rows[i]).toEqual(asObject(row(i)));
  });

  it('writes files DuckDB reads with the same typed values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-writer-'));
    const path = join(dir, 'out.parquet');
    writeFileSync(path, write(3000, { rowGroupRows: 1000 }));
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const reader = await connection.runAndReadAll(
      `select id, name, price::varchar p, small_price::varchar sp, huge::varchar h, epoch_us(updated_at)::varchar u, day::varchar d, gift, rate, big::varchar b, qty, doc from read_parquet('${path}') order by id`,
    );
    const rows = reader.getRowObjectsJS();
    expect(rows).toHaveLength(3000);
    for (const i of [0, 1, 5, 7, 11, 17, 19, 999, 1000, 2999]) {
      const v = row(i);
      const got = rows[i] as Record<string, unknown>;
      expect(got['id']).toBe(v[0]);
      expect(got['name']).toBe(v[1]);
      expect(got['p']).toBe(v[2]);
      expect(got['sp']).toBe(v[3]);
      expect(got['h']).toBe(v[4]);
      expect(got['u']).toBe(String(v[5]));
      expect(got['d']).toBe(v[6]);
      expect(got['gift']).toBe(v[7]);
      expect(got['rate']).toBe(v[8]); // toBe is Object.is: NaN and -0 included
      expect(got['b']).toBe(String(v[9]));
      expect(got['qty']).toBe(v[10]);
      expect(got['doc']).toBe(v[11]);
    }
    const meta = await connection.runAndReadAll(
      `select path_in_schema, encodings, stats_min_value, stats_max_value, stats_null_count from parquet_metadata('${path}') where row_group_id = 0`,
    );
    const byColumn = Object.fromEntries(meta.getRowObjectsJS().map((r) => [r['path_in_schema'], r]));
    expect(byColumn['name']?.['encodings']).toContain('PLAIN_DICTIONARY'); // 14 distinct names
    expect(byColumn['price']?.['encodings']).not.toContain('PLAIN_DICTIONARY'); // all distinct
    expect(byColumn['id']?.['stats_min_value']).toBe('0');
    expect(byColumn['id']?.['stats_max_value']).toBe('999');
    expect(byColumn['name']?.['stats_null_count']).toBe(143n);
    connection.closeSync();
  });

  it('writes files @dsnp/parquetjs reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-writer-'));
    const path = join(dir, 'out.parquet');
    writeFileSync(path, write(500));
    const { ParquetReader } = (await import('@dsnp/parquetjs')) as unknown as {
      ParquetReader: {
        openFile(path: string): Promise<{ getCursor(): { next(): Promise<Record<string, unknown> | null> }; close(): Promise<void> }>;
      };
    };
    const reader = await ParquetReader.openFile(path);
    const cursor = reader.getCursor();
    const names: unknown[] = [];
    for (let r = await cursor.next(); r; r = await cursor.next()) names.push(r['name'] ?? null);
    await reader.close();
    expect(names).toEqual(Array.from({ length: 500 }, (_, i) => row(i)[1]));
  });

  it('keeps row-group statistics that skip groups by watermark', async () => {
    const file = await ParquetFile.open(bytesFile(write(5000, { rowGroupRows: 1000 })));
    const stats = file.rowGroups.map((g) => g.statistics['updated_at']);
    expect(stats[0]).toEqual({ nullCount: 0, min: 1_700_000_000_000_000n, max: 1_700_000_000_000_000n + 999n * 1_000_001n });
    const watermark = 1_700_000_000_000_000n + 3500n * 1_000_001n;
    const read: number[] = [];
    for await (const batch of file.batches({ rowGroups: maxAfter('updated_at', watermark), columns: ['id', 'updated_at'] })) {
      read.push(batch.rowGroup);
      expect(Object.keys(batch.rows[0] ?? {})).toEqual(['id', 'updated_at']);
    }
    expect(read).toEqual([3, 4]);
  });

  it('orders and dictionary-encodes int64 values beyond the safe integers exactly', async () => {
    const edges = [
      -(2n ** 63n),
      2n ** 63n - 1n,
      2n ** 53n + 1n,
      2n ** 53n,
      -(2n ** 53n) - 1n,
      -(2n ** 53n),
      -1n,
      0n,
      2n ** 32n,
      -(2n ** 32n) + 1n,
      4294967295n,
    ];
    const values = Array.from({ length: 3000 }, (_, i) => edges[(i * 7) % edges.length] as bigint);
    const writer = new ParquetWriter({ fields: [field('big', 'bigint', false)] });
    const bytes = Buffer.concat([...values.flatMap((v) => writer.appendRow([v])), ...writer.finish()]);
    const file = await ParquetFile.open(bytesFile(bytes, 'int64.parquet'));
    const read: unknown[] = [];
    for await (const batch of file.batches()) read.push(...batch.rows.map((r) => r['big']));
    expect(read).toEqual(values);
    expect(file.rowGroups[0]?.statistics['big']).toMatchObject({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    // Same high word, low words on both sides of 2^31: the low word must compare unsigned.
    const sameHigh = new ParquetWriter({ fields: [field('big', 'bigint', false)] });
    const sameHighBytes = Buffer.concat([
      ...[-1n, -4294967295n, -2147483649n].flatMap((v) => sameHigh.appendRow([v])),
      ...sameHigh.finish(),
    ]);
    const sameHighFile = await ParquetFile.open(bytesFile(sameHighBytes, 'same-high.parquet'));
    expect(sameHighFile.rowGroups[0]?.statistics['big']).toMatchObject({ min: -4294967295n, max: -1n });
  });

  it('dictionary-encodes doubles by bit pattern: -0, NaN and neighbouring values stay themselves', async () => {
    const next = (v: number) =>
      new Float64Array(new BigInt64Array([(new BigInt64Array(new Float64Array([v]).buffer)[0] as bigint) + 1n]).buffer)[0] as number;
    // 1 + k/1024 differ in the high word only, 1.25 + k ulps in the low word only: table probes meet
    // entries that share one word.
    const distinct = [
      0,
      -0,
      Number.NaN,
      1.5,
      next(1.5),
      -1.5,
      Infinity,
      -Infinity,
      Number.MIN_VALUE,
      2 ** 53 + 2,
      ...Array.from({ length: 400 }, (_, k) => 1 + k / 1024),
      ...Array.from({ length: 400 }, (_, k) => 1.25 + k * 2 ** -52),
    ];
    const values = Array.from({ length: 3000 }, (_, i) => distinct[(i * 7) % distinct.length] as number);
    const writer = new ParquetWriter({ fields: [field('rate', 'double', false)] });
    const bytes = Buffer.concat([...values.flatMap((v) => writer.appendRow([v])), ...writer.finish()]);
    const file = await ParquetFile.open(bytesFile(bytes, 'doubles.parquet'));
    const read: unknown[] = [];
    for await (const batch of file.batches()) read.push(...batch.rows.map((r) => r['rate']));
    expect(read).toHaveLength(values.length);
    read.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
    const dir = mkdtempSync(join(tmpdir(), 'parquet-writer-'));
    const path = join(dir, 'doubles.parquet');
    writeFileSync(path, bytes);
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const meta = await connection.runAndReadAll(`select encodings from parquet_metadata('${path}')`);
    expect(meta.getRowObjectsJS()[0]?.['encodings']).toContain('PLAIN_DICTIONARY');
    connection.closeSync();
  });

  it('writes the same bytes from column batches as from rows, across row-group and slice edges', () => {
    const options = { rowGroupRows: 2048, pageBytes: 4096 };
    const writer = new ParquetWriter(schema, options);
    const parts: Uint8Array[] = [];
    for (let from = 0; from < 5000; from += 1500) {
      const rows = Array.from({ length: Math.min(1500, 5000 - from) }, (_, i) => row(from + i));
      parts.push(...writer.appendColumns(columnsOf(schema.fields, rows)));
    }
    parts.push(...writer.finish());
    expect(Buffer.concat(parts).equals(write(5000, options))).toBe(true);
  });

  it('refuses a column batch of another schema, naming the column', () => {
    const other = { fields: [...schema.fields.slice(0, 2), field('price', 'decimal(12,4)'), ...schema.fields.slice(3)] };
    expect(() => new ParquetWriter(schema).appendColumns(columnsOf(other.fields, [row(1)]))).toThrow(
      'batch column price (decimal(12,4)) does not match column price of the file',
    );
  });

  it('writes a valid file with no rows', async () => {
    const file = await ParquetFile.open(bytesFile(write(0)));
    expect(file.numRows).toBe(0);
    expect(file.schema).toEqual(schema);
  });

  it('refuses a null in a NOT NULL column, naming it', () => {
    const writer = new ParquetWriter(schema);
    expect(() => writer.appendRow([null])).toThrow(/column id is NOT NULL/);
  });

  it('says zstd needs a newer Node rather than writing something else (a BAD_ARGUMENT: the user picks another)', () => {
    const attempt = () => new ParquetWriter(schema, { compression: 'zstd' });
    // Node has zstd from 22.15 (and 23.8); CI runs Node 20, where the refusal is what is tested.
    if ('zstdCompressSync' in zlib) {
      expect(attempt).not.toThrow();
      return;
    }
    let error: unknown;
    try {
      attempt();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerminalError);
    expect(error).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: `zstd compression needs Node 22.15 or later (this is ${process.version}); use snappy, gzip or none`,
    });
  });
});
