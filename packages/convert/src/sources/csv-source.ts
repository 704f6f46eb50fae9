import { RecordError, writeRejects } from '@etl/core';
import type { CsvBatch } from '@etl/csv';
import type { ObjectStore } from '@etl/object-store';
import {
  castColumns,
  castRecord,
  columnCastPlan,
  parseType,
  planColumns,
  type CastPlan,
  type ColumnCastPlan,
  type Schema,
  type Value,
} from '@etl/schema';
import { sniffFile } from '../sniff-file.js';
import { csvRecords } from './csv-records.js';
import { castOptionsOf, type CountingRowSource, type RowSource, type SourceOptions } from './row-source.js';
import { screenTextLimits } from './text-limits.js';

/**
 * CSV rows: encoding, dialect and header sniffed from the first MiB (explicit options win; types too,
 * or from every record with `inferFrom: 'file'`), parsed by `csvReader` (ragged rows, unclosed
 * quotes, over-long records become rejects with their line), screened for text the destination
 * cannot hold (`textLimits`), cast by the schema (bad values become rejects naming line and column).
 * Without a schema the inferred one is
 * used with every column nullable and integers as BIGINT, so a later empty value is a null and a
 * later big id a value rather than a reject.
 */
export async function csvSource(store: ObjectStore, uri: string, options: SourceOptions): Promise<RowSource> {
  const { ctx } = options;
  const wholeFile = options.schema === undefined && options.inferFrom === 'file';
  // Types are inferred from the values as they are cast below: same null markers, number format, zone.
  const sniffed = await sniffFile(store, uri, {
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.quote === undefined ? {} : { quote: options.quote }),
    ...(options.skipLines ? { skipLines: options.skipLines } : {}),
    ...(options.joinShortRows ? { joinShortRows: true } : {}),
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.renameColumns ? { renameColumns: options.renameColumns } : {}),
    ...castOptionsOf(options),
    // Integers as BIGINT unless the caller says otherwise: a sample cannot know that ids pass 32767
    // later in the file (NDJSON inference does the same).
    infer: { widenIntegers: true, ...options.infer },
    inferTypes: options.schema === undefined,
    ...(wholeFile ? { inferFrom: 'file' as const, ctx } : {}),
  });
  const keys = new Set(options.infer?.keyColumns ?? []);
  const omitted = new Set(options.omitColumns ?? []);
  const reading = {
    sniffed,
    delimiter: sniffed.delimiter,
    ...(options.skipLines ? { skipLines: options.skipLines } : {}),
    ...(options.joinShortRows ? { joinShortRows: true } : {}),
  };
  /** Without a schema: the sniffed types (of the sample, or every record's); every column nullable but the keys. */
  const inferred = (): Schema => ({
    fields: sniffed.columns.map((c) => ({ name: c.name, type: parseType(c.type), nullable: !keys.has(c.name) })),
  });
  const named: Schema = options.schema ?? inferred();
  // A file without a header has the schema's columns, in order: not as many as the sniff saw in its
  // widest sampled record (one stray field more would make every good record ragged, and none match).
  const headlessColumns = named.fields.map((f) => f.name);
  // Fields are matched to the file's columns by name: a column no field names is never cast.
  const schema: Schema = omitted.size > 0 ? { fields: named.fields.filter((f) => !omitted.has(f.name)) } : named;
  const metrics = ctx.counters.component('cast', 'stage');
  const cast = castOptionsOf(options);
  let columns: string[] | undefined;
  let plan: CastPlan | undefined;

  /**
   * The file's records in batches, as parsed; counts what was read. `read` is the batch's records,
   * `screened` the rejects of those with text the destination cannot hold (`textLimits`), which
   * `records` no longer holds.
   */
  async function* records(): AsyncGenerator<{ records: CsvBatch; plan: CastPlan; read: number; screened: RecordError[] }> {
    const batches = await csvRecords(store, uri, ctx, {
      ...reading,
      columns: headlessColumns,
      onColumns: (names) => (columns = options.renameColumns ? options.renameColumns(names) : names),
      counted: (n) => (source.bytesRead += n),
    });
    const readerMetrics = ctx.counters.component('csv-parse', 'reader');
    // The run's counters add up over every file it reads: count this file from here.
    const readBefore = readerMetrics.rowsIn;
    for await (const batch of batches) {
      plan ??= planColumns(schema, columns ?? [], uri, cast);
      const limits = options.textLimits;
      if (!limits) yield { records: batch, plan, read: batch.length, screened: NONE };
      else {
        const screened = screenTextLimits(batch, plan, limits, { file: uri, ...(cast.nullValues ? { nullValues: cast.nullValues } : {}) });
        yield { records: screened.records, plan, read: batch.length, screened: screened.rejects };
      }
      source.rowsRead = readerMetrics.rowsIn - readBefore;
    }
    source.rowsRead = readerMetrics.rowsIn - readBefore;
  }

  /** Counts a cast batch and routes its rejects (those screened before the cast first, then in line order). */
  async function counted(read: number, kept: number, screened: RecordError[], rejects: RecordError[]): Promise<void> {
    metrics.rowsIn += read;
    metrics.rowsOut += kept;
    const hinted = options.schema || wholeFile ? rejects : rejects.map(withInferenceHint);
    const all = screened.length === 0 ? hinted : [...screened, ...hinted].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (all.length > 0) await writeRejects(ctx, metrics, 'cast', all);
  }

  const source: CountingRowSource = {
    name: uri,
    readByReader: true,
    open: () => source.batches(),
    schema,
    rowsRead: 0,
    bytesRead: 0,
    csvReading: {
      uri,
      ...reading,
      columns: headlessColumns,
      ...(options.renameColumns ? { renameColumns: options.renameColumns } : {}),
      schema,
      cast,
      inferred: !(options.schema || wholeFile),
      counted: (n) => (source.bytesRead += n),
      setRowsRead: (n) => (source.rowsRead = n),
    },
    async *batches() {
      for await (const { records: batch, plan, read, screened } of records()) {
        const rows: Value[][] = [];
        const rejects: RecordError[] = [];
        for (let r = 0; r < batch.length; r++) {
          const values = castRecord(plan, batch.fields(r), batch.line(r), uri);
          if (values instanceof RecordError) rejects.push(values);
          else rows.push(values);
        }
        await counted(read, rows.length, screened, rejects);
        if (rows.length > 0) yield rows;
      }
    },
    async *columnBatches() {
      let columnPlan: ColumnCastPlan | undefined;
      for await (const { records: batch, plan, read, screened } of records()) {
        columnPlan ??= columnCastPlan(plan, cast);
        const { batch: columns, rejects } = castColumns(columnPlan, batch, uri);
        await counted(read, columns.length, screened, rejects);
        if (columns.length > 0) yield columns;
      }
    },
  };
  return source;
}

const NONE: RecordError[] = [];

/** A value that does not fit an inferred type: say where the type came from and how to set it. */
export function withInferenceHint(reject: RecordError): RecordError {
  if (reject.code !== 'CAST') return reject;
  const { code, file, line, column, offset, raw, stage } = reject;
  const reason = `${reject.reason} (types were inferred from the start of the file; give a schema to set them, or infer from the whole file)`;
  return RecordError.restored({ code, reason, file, line, column, offset, raw, stage });
}
