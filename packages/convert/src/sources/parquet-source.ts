import { TerminalError } from '@etl/core';
import { objectRandomAccess, type ObjectStore } from '@etl/object-store';
import { ParquetFile, type ParquetRow } from '@etl/parquet';
import type { Field, Value } from '@etl/schema';
import { toJsonValue } from '../json-value.js';
import type { CountingRowSource, RowSource, SourceOptions } from './row-source.js';

const utf8 = new TextDecoder();
/** Rows per batch handed on from a row group. */
const BATCH_ROWS = 8192;

/** A Parquet value as the `@etl/schema` value of its field: nested values become JSON text. */
function asValue(value: unknown, field: Field): Value {
  if (value === undefined || value === null) return null;
  if (field.type.kind === 'json' && typeof value !== 'string') return JSON.stringify(toJsonValue(value));
  if (value instanceof Uint8Array) return utf8.decode(value);
  return value as Value;
}

/** Parquet rows, one row group at a time, fetched with ranged reads; the schema is the file's. */
export async function parquetSource(
  store: ObjectStore,
  uri: string,
  options: SourceOptions & { columns?: readonly string[] },
): Promise<RowSource> {
  const file = await ParquetFile.open(await objectRandomAccess(store, uri, { signal: options.ctx.signal }));
  const fields = options.columns
    ? options.columns.map((c) => file.schema.fields.find((f) => f.name === c) ?? missing(uri, c, file.schema.fields))
    : file.schema.fields;
  // Counted as the run's reader, like the CSV and JSON parsers.
  const metrics = options.ctx.counters.component('parquet-read', 'reader');
  const source: CountingRowSource = {
    name: uri,
    readByReader: true,
    open: () => source.batches(),
    schema: { fields },
    rowsRead: 0,
    bytesRead: 0,
    async *batches() {
      const names = fields.map((f) => f.name);
      for (const group of file.rowGroups) {
        const rows: Array<ParquetRow | undefined> = await file.readRowGroup(group.index, { columns: names });
        source.bytesRead += group.compressedBytes;
        // Handed on in slices, each row object let go once converted: a row group can be hundreds of
        // thousands of rows, and its rows, their value arrays and their encoded output all at once
        // were what a Parquet read's memory peaked on.
        for (let at = 0; at < rows.length; at += BATCH_ROWS) {
          const end = Math.min(rows.length, at + BATCH_ROWS);
          const batch: Value[][] = [];
          for (let i = at; i < end; i++) {
            const row = rows[i] as ParquetRow;
            rows[i] = undefined;
            batch.push(fields.map((f) => asValue(row[f.name], f)));
          }
          source.rowsRead += batch.length;
          metrics.rowsIn += batch.length;
          metrics.rowsOut += batch.length;
          yield batch;
        }
      }
    },
  };
  return source;
}

function missing(uri: string, column: string, fields: readonly Field[]): never {
  throw new TerminalError(
    'BAD_ARGUMENT',
    `${uri} has no column ${column}: name one of its columns (${fields.map((f) => f.name).join(', ')})`,
  );
}
