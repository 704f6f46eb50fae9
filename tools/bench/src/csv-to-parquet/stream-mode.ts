import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RunContext } from '@etl/core';
import { csvReader, type CsvBatch } from '@etl/csv';
import { decodeStream } from '@etl/encoding';
import { ParquetWriter } from '@etl/parquet';
import { castColumns, columnCastPlan, planColumns, type ColumnCastPlan } from '@etl/schema';
import { BENCH_SCHEMA } from './bench-schema.js';

/**
 * The memory-bound mode: generated CSV straight into decode -> parse -> cast -> Parquet (the path
 * `etl convert` takes: UTF-8 bytes in, column batches), the output bytes counted and dropped, so
 * nothing the size of the input is ever stored (10 GB runs need no disk).
 */
export async function streamToParquetSink(text: Iterable<string>, ctx: RunContext): Promise<{ rows: number; outputBytes: number }> {
  let columns: string[] = [];
  let plan: ColumnCastPlan | undefined;
  const writer = new ParquetWriter(BENCH_SCHEMA);
  let rows = 0;
  let outputBytes = 0;
  const sink = new Writable({
    objectMode: true,
    write(batch: CsvBatch, _encoding, callback) {
      plan ??= columnCastPlan(planColumns(BENCH_SCHEMA, columns));
      const { batch: typed, rejects } = castColumns(plan, batch);
      if (rejects.length > 0) return callback(rejects[0]);
      for (const part of writer.appendColumns(typed)) outputBytes += part.length;
      rows += typed.length;
      callback();
    },
    final(callback) {
      for (const part of writer.finish()) outputBytes += part.length;
      callback();
    },
  });
  const bytes = Readable.from(
    (function* () {
      for (const chunk of text) yield Buffer.from(chunk);
    })(),
  );
  await pipeline(bytes, decodeStream(ctx, { encoding: 'utf-8' }), csvReader(ctx, { onColumns: (names) => (columns = names) }), sink);
  return { rows, outputBytes };
}
