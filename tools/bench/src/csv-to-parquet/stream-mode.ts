import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordError, type RunContext } from '@etl/core';
import { csvReader, type CsvRecord } from '@etl/csv';
import { ParquetWriter } from '@etl/parquet';
import { castRecord, planColumns, type CastPlan } from '@etl/schema';
import { BENCH_SCHEMA } from './bench-schema.js';

/**
 * The memory-bound mode: generated CSV text straight into parse -> cast -> Parquet, the bytes counted
 * and dropped, so nothing the size of the input is ever stored (10 GB runs need no disk).
 */
export async function streamToParquetSink(text: Iterable<string>, ctx: RunContext): Promise<{ rows: number; outputBytes: number }> {
  let columns: string[] = [];
  let plan: CastPlan | undefined;
  const writer = new ParquetWriter(BENCH_SCHEMA);
  let rows = 0;
  let outputBytes = 0;
  const sink = new Writable({
    objectMode: true,
    write(batch: CsvRecord[], _encoding, callback) {
      plan ??= planColumns(BENCH_SCHEMA, columns);
      for (const record of batch) {
        const values = castRecord(plan, record.fields, record.line);
        if (values instanceof RecordError) return callback(values);
        for (const part of writer.appendRow(values)) outputBytes += part.length;
        rows++;
      }
      callback();
    },
    final(callback) {
      for (const part of writer.finish()) outputBytes += part.length;
      callback();
    },
  });
  await pipeline(Readable.from(text), csvReader(ctx, { onColumns: (names) => (columns = names) }), sink);
  return { rows, outputBytes };
}
