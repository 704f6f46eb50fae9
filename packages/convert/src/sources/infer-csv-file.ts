import { createRunContext, type RunContext } from '@etl/core';
import { csvReader, type CsvBatch } from '@etl/csv';
import type { ObjectStore } from '@etl/object-store';
import { SchemaInference, type InferOptions, type Schema } from '@etl/schema';
import type { SniffResult } from '../sniff-file.js';
import { textOf } from './text-bytes.js';

export interface WholeFileInference {
  sniffed: SniffResult;
  delimiter: string;
  skipLines?: number;
  joinShortRows?: boolean;
  infer: InferOptions;
}

/**
 * The column types of a CSV file from every record, as Spark's inferSchema reads the whole file (the
 * sniff types from the first MiB): one streaming pass before the load, with the sniffed encoding and
 * dialect. Memory: the evidence per column, not the records. The pass runs on a context of its own
 * (the run's signal and logger, its own counters and rejects), so a ragged row is rejected once, by
 * the load, not twice.
 */
export async function inferCsvFile(store: ObjectStore, uri: string, ctx: RunContext, options: WholeFileInference): Promise<Schema> {
  const { sniffed } = options;
  const pass = createRunContext({ jobName: ctx.jobName, runId: ctx.runId, logger: ctx.logger, clock: ctx.clock, signal: ctx.signal });
  const names = sniffed.columns.map((c) => c.name);
  const inference = new SchemaInference(names, options.infer);
  const { text, decoder } = await textOf(store, uri, pass, { encoding: sniffed.encoding, invalid: 'replace', compression: sniffed.compression ?? 'none', counted: () => undefined });
  const reader = csvReader(pass, {
    delimiter: options.delimiter,
    quote: sniffed.quote,
    file: uri,
    header: sniffed.header,
    ...(sniffed.header ? {} : { columns: names }),
    ...(options.skipLines ? { skipLines: options.skipLines } : {}),
    ...(options.joinShortRows ? { joinShortRows: true } : {}),
    decoded: decoder,
  });
  text.on('error', (error: Error) => reader.destroy(error));
  const started = ctx.clock.monotonicMs();
  let records = 0;
  for await (const batch of text.pipe(reader) as AsyncIterable<CsvBatch>) {
    for (let r = 0; r < batch.length; r++) inference.observe(batch.fields(r));
    records += batch.length;
  }
  ctx.logger.info({ file: uri, records, seconds: Number(((ctx.clock.monotonicMs() - started) / 1000).toFixed(2)) }, `${uri}: column types inferred from all ${records} records`);
  return inference.schema();
}
