import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TableDefinition } from '@etl/catalog';
import { ParquetWriter } from '@etl/parquet';
import { parseType, type Schema, type Value } from '@etl/schema';

/** Test data for the CDC specs: Parquet files of an `orders` table (id, updated_at, amount, note). */
export const ordersSchema: Schema = {
  fields: [
    { name: 'id', type: parseType('bigint'), nullable: true },
    { name: 'updated_at', type: parseType('timestamp'), nullable: true },
    { name: 'amount', type: parseType('decimal(12,2)'), nullable: true },
    { name: 'note', type: parseType('varchar'), nullable: true },
  ],
};

export function ordersTable(folder: string, name = 'orders'): TableDefinition {
  return {
    database: 'shop',
    name,
    format: 'parquet',
    location: pathToFileURL(folder).href.replace(/\/?$/, '/'),
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
      { name: 'amount', type: 'decimal(12,2)' },
      { name: 'note', type: 'string' },
    ],
    partitionKeys: [],
  };
}

/** Microseconds since the epoch of an ISO time. */
export const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

export function writeParquet(path: string, rows: Value[][], schema: Schema = ordersSchema, rowGroupRows = 65_536): void {
  const writer = new ParquetWriter(schema, { rowGroupRows });
  const chunks: Uint8Array[] = [];
  for (const row of rows) chunks.push(...writer.appendRow(row));
  chunks.push(...writer.finish());
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat(chunks));
}
