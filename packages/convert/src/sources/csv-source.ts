import { RecordError, writeRejects } from '@etl/core';
import { csvReader, type CsvRecord } from '@etl/csv';
import type { ObjectStore } from '@etl/object-store';
import { castRecord, parseType, planColumns, type CastPlan, type Schema, type Value } from '@etl/schema';
import { sniffFile } from '../sniff-file.js';
import { castOptionsOf, type CountingRowSource, type RowSource, type SourceOptions } from './row-source.js';
import { textOf } from './text-bytes.js';

/**
 * CSV rows: encoding, dialect and header sniffed from the first MiB (explicit options win), parsed by
 * `csvReader` (ragged rows, unclosed quotes, over-long records become rejects with their line), cast by
 * the schema (bad values become rejects naming line and column). Without a schema the inferred one is
 * used with every column nullable, so a later empty value is a null rather than a reject.
 */
export async function csvSource(store: ObjectStore, uri: string, options: SourceOptions): Promise<RowSource> {
  const { ctx } = options;
  const sniffed = await sniffFile(store, uri, {
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.skipLines ? { skipLines: options.skipLines } : {}),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.renameColumns ? { renameColumns: options.renameColumns } : {}),
    infer: { ...options.infer, ...(options.nullValues ? { nullValues: options.nullValues } : {}) },
    inferTypes: options.schema === undefined,
  });
  const keys = new Set(options.infer?.keyColumns ?? []);
  const schema: Schema = options.schema ?? { fields: sniffed.columns.map((c) => ({ name: c.name, type: parseType(c.type), nullable: !keys.has(c.name) })) };
  const delimiter = options.delimiter ?? sniffed.delimiter;
  const metrics = ctx.counters.component('cast', 'stage');
  let columns: string[] | undefined;
  let plan: CastPlan | undefined;

  const source: CountingRowSource = {
    schema,
    rowsRead: 0,
    bytesRead: 0,
    async *batches() {
      const { text, decoder } = await textOf(store, uri, ctx, { encoding: sniffed.encoding, compression: sniffed.compression ?? 'none', counted: (n) => (source.bytesRead += n) });
      const reader = csvReader(ctx, {
        delimiter,
        quote: sniffed.quote,
        file: uri,
        header: sniffed.header,
        ...(options.skipLines ? { skipLines: options.skipLines } : {}),
        ...(options.joinShortRows ? { joinShortRows: true } : {}),
        ...(sniffed.header ? {} : { columns: schema.fields.length === sniffed.columns.length ? schema.fields.map((f) => f.name) : sniffed.columns.map((c) => c.name) }),
        onColumns: (names) => (columns = options.renameColumns ? options.renameColumns(names) : names),
        decoded: decoder,
      });
      text.on('error', (error: Error) => reader.destroy(error));
      const readerMetrics = ctx.counters.component('csv-parse', 'reader');
      // The run's counters add up over every file it reads: count this file from here.
      const readBefore = readerMetrics.rowsIn;
      for await (const batch of text.pipe(reader) as AsyncIterable<CsvRecord[]>) {
        plan ??= planColumns(schema, columns ?? [], uri, castOptionsOf(options));
        const rows: Value[][] = [];
        let rejects: RecordError[] | undefined;
        for (const record of batch) {
          const values = castRecord(plan, record.fields, record.line, uri);
          if (values instanceof RecordError) (rejects ??= []).push(values);
          else rows.push(values);
        }
        metrics.rowsIn += batch.length;
        metrics.rowsOut += rows.length;
        if (rejects) await writeRejects(ctx, metrics, 'cast', rejects);
        source.rowsRead = readerMetrics.rowsIn - readBefore;
        if (rows.length > 0) yield rows;
      }
      source.rowsRead = readerMetrics.rowsIn - readBefore;
    },
  };
  return source;
}
