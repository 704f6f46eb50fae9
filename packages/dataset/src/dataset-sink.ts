import type { RecordBatch, Sink } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import type { ColumnBatch, Value } from '@etl/schema';
import { ParquetDataset, type DatasetResult } from './dataset.js';
import type { DatasetOptions } from './options.js';

/** A core `Sink` into a Parquet dataset. */
export interface DatasetSink<T> extends Sink<T> {
  /** What the run published; set once `close` has resolved. */
  readonly result: DatasetResult | undefined;
}

/**
 * Rows (values in schema order, as `RowSource.batches()` yields them) into a Parquet dataset:
 * `runPipeline({ …, sink: datasetSink(store, { prefix, schema, partitionBy }) }, ctx)`. Core owns
 * batching and concurrency; writes are applied one at a time in order, and a batch is never retried
 * once part of it was written. Bad options fail here, before the run starts.
 */
export function datasetSink(store: ObjectStore, options: DatasetOptions): DatasetSink<Value[]> {
  const dataset = new ParquetDataset(store, options);
  return sinkOf(dataset, (rows) => dataset.writeRows(rows));
}

/**
 * Column batches (`@etl/schema` `ColumnBatch`es of the schema) into a Parquet dataset, copied into
 * the files as they are. Each record here is a whole batch: give `sinkWritable`
 * `{ maxItems: 1, countOf: (batch) => batch.length }` (its default of 500 records would hold 500
 * batches, and the reject-ratio guard would count each batch as one row).
 */
export function datasetColumnSink(store: ObjectStore, options: DatasetOptions): DatasetSink<ColumnBatch> {
  const dataset = new ParquetDataset(store, options);
  return sinkOf(dataset, async (batches) => {
    let bytes = 0;
    for (const batch of batches) bytes += await dataset.writeColumns(batch);
    return bytes;
  });
}

function sinkOf<T>(dataset: ParquetDataset, write: (batch: RecordBatch<T>) => Promise<number>): DatasetSink<T> {
  return {
    name: dataset.options.name,
    connect: (ctx) => dataset.connect(ctx),
    writeBatch: async (batch) => ({ bytes: await write(batch) }),
    close: async (ctx) => {
      await dataset.close(ctx);
    },
    abort: (reason, ctx) => dataset.abort(reason, ctx),
    get result() {
      return dataset.result;
    },
  };
}
