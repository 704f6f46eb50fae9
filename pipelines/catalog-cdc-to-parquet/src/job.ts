import { formatOf, openRows, RowFileSink } from '@etl/convert';
import { from, runPipeline } from '@etl/core';
import { defineJob, objectsExist } from '@etl/runtime';
import { catalogCdcToParquetArgs } from './config.js';

/**
 * source -> sink: the file's typed rows (CSV and NDJSON types inferred from its first MiB) into one file.
 * Records that do not parse or cast go to the run's rejects. Stages go between `from(rows)` and `.into(sink)`.
 * Memory: one Parquet row group (`ParquetWriterOptions`) plus the upload buffers of the output.
 */
export const catalogCdcToParquetJob = defineJob({
  name: 'catalog-cdc-to-parquet',
  description: 'Reads one CSV, NDJSON or Parquet file and writes its rows as typed Parquet; bad rows go to the rejects with their line',
  args: catalogCdcToParquetArgs,
  // Checked before anything is opened or written: a missing source is exit 2, nothing changed.
  check: objectsExist('source'),
  async run(config, ctx, { objects }) {
    const rows = await openRows(objects, config.source, formatOf(config.source), { ctx });
    const sink = new RowFileSink(objects, config.output, rows.schema);
    await runPipeline(from(rows).into(sink), ctx);
    return { outputs: { data: config.output }, figures: { rows: sink.rows } };
  },
});
