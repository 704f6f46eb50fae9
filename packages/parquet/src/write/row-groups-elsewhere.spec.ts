import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { columnsOf, parseType, type Schema, type Value } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { bytesFile, ParquetFile, ParquetWriter, type EncodedRowGroup } from '../index.js';

const field = (name: string, type: string, nullable = true) => ({ name, type: parseType(type), nullable });
const schema: Schema = {
  fields: [
    field('id', 'int', false),
    field('name', 'varchar'),
    field('price', 'decimal(10,4)'),
    field('updated_at', 'timestamp'),
    field('gift', 'boolean'),
    field('rate', 'double'),
  ],
};
const row = (i: number): Value[] => [
  i,
  i % 7 === 0 ? null : `名前 ${i % 13}`,
  `${i}.${String((i * 37) % 10000).padStart(4, '0')}`,
  1_700_000_000_000_000n + BigInt(i) * 1_000_001n,
  i % 6 === 0 ? null : i % 2 === 0,
  i / 7,
];
const batchOf = (from: number, to: number) =>
  columnsOf(
    schema.fields,
    Array.from({ length: to - from }, (_, k) => row(from + k)),
  );

describe('ParquetWriter: row groups encoded elsewhere (encodeColumns, appendRowGroup)', () => {
  it('a file of row groups encoded by other writers (as on worker threads) reads back every row, in the order placed', async () => {
    // Two "workers", each encoding its pieces of the rows on its own.
    const workers = [new ParquetWriter(schema, { rowGroupRows: 700 }), new ParquetWriter(schema, { rowGroupRows: 700 })];
    const pieces: Array<[number, number]> = [
      [0, 1000],
      [1000, 1500],
      [1500, 3100],
      [3100, 3101],
    ];
    const encoded: EncodedRowGroup[][] = pieces.map(([from, to], k) => {
      const worker = workers[k % 2] as ParquetWriter;
      const groups = worker.encodeColumns(batchOf(from, to));
      const last = worker.encodeOpenRowGroup();
      return last ? [...groups, last] : groups;
    });
    // Structured clone, as postMessage does: plain data survives the crossing.
    const crossed = structuredClone(encoded);
    const writer = new ParquetWriter(schema);
    const parts: Uint8Array[] = [];
    for (const groups of crossed) for (const group of groups) parts.push(...writer.appendRowGroup(group));
    parts.push(...writer.finish());
    const bytes = Buffer.concat(parts);

    const file = await ParquetFile.open(bytesFile(bytes, 'placed.parquet'));
    expect(file.rowGroups.map((g) => g.rows)).toEqual([700, 300, 500, 700, 700, 200, 1]);
    const rows = [];
    for await (const batch of file.batches()) rows.push(...batch.rows);
    expect(rows).toHaveLength(3101);
    for (let i = 0; i < 3101; i++) expect(Object.values(rows[i] as object)).toEqual(row(i));

    const dir = mkdtempSync(join(tmpdir(), 'row-groups-elsewhere-'));
    const path = join(dir, 'placed.parquet');
    writeFileSync(path, bytes);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const read = await connection.runAndReadAll(
      `select count(*)::int n, sum(id)::bigint s, count(name)::int named from read_parquet('${path}')`,
    );
    expect(read.getRowObjectsJS()).toEqual([{ n: 3101, s: BigInt((3100 * 3101) / 2), named: 3101 - Math.ceil(3101 / 7) }]);
    connection.closeSync();
  });

  it('refuses a placed row group while rows appended to the writer itself are open', () => {
    const worker = new ParquetWriter(schema);
    worker.encodeColumns(batchOf(0, 10));
    const group = worker.encodeOpenRowGroup() as EncodedRowGroup;
    const writer = new ParquetWriter(schema);
    writer.appendColumns(batchOf(0, 3));
    expect(() => writer.appendRowGroup(group)).toThrow(/not flushed/);
    expect(new ParquetWriter(schema).encodeOpenRowGroup()).toBeUndefined();
  });
});
