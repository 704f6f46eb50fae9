import { createRunContext, type RunContext } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { SchemaInference, type InferOptions, type Schema } from '@etl/schema';
import { csvRecords, type CsvRecordsOptions } from './csv-records.js';

/**
 * The column types of a CSV file from every record, as Spark's inferSchema reads the whole file (the
 * sniff types from the first MiB): one streaming pass before the load, over the same records the load
 * reads (`csvRecords`). Memory: the evidence per column, not the records. The pass runs on a context
 * of its own (the run's signal and logger, its own counters and rejects), so a ragged row is rejected
 * once, by the load, not twice; records the load rejects are not evidence either. The bytes it reads
 * count on the run's `type-inference` component (bytes in, no rows), so progress moves during a
 * pass that can take minutes, and the run report shows the file was read twice. Returns the schema
 * and the number of records it was inferred from.
 */
export async function inferCsvFile(
  store: ObjectStore,
  uri: string,
  ctx: RunContext,
  options: Omit<CsvRecordsOptions, 'onColumns' | 'counted'> & { infer: InferOptions },
): Promise<{ schema: Schema; records: number }> {
  const pass = createRunContext({ jobName: ctx.jobName, runId: ctx.runId, logger: ctx.logger, clock: ctx.clock, signal: ctx.signal });
  const inference = new SchemaInference(options.columns, options.infer);
  const read = ctx.counters.component('type-inference', 'source');
  const started = ctx.clock.monotonicMs();
  let records = 0;
  for await (const batch of await csvRecords(store, uri, pass, { ...options, counted: (bytes) => (read.bytesIn += bytes) })) {
    for (let r = 0; r < batch.length; r++) inference.observe(batch.fields(r));
    records += batch.length;
  }
  ctx.logger.info(
    { file: uri, records, seconds: Number(((ctx.clock.monotonicMs() - started) / 1000).toFixed(2)) },
    `${uri}: column types inferred from all ${records} records`,
  );
  return { schema: inference.schema(), records };
}
