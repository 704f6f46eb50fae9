import { Readable, type Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { peakRssBytes, settledPipeline, TerminalError, type RunContext } from '@etl/core';
import { objectWriter, type ObjectStore } from '@etl/object-store';
import { allocateColumns, columnsOf, setValue, type Column, type ColumnBatch, type Field, type Schema, type Value } from '@etl/schema';
import type { CompressionName, ParquetWriterOptions } from '@etl/parquet';
import { formatOf, isGzipped, type FileFormat } from './file-format.js';
import { rowEncoder } from './row-encoders.js';
import { openRows } from './sources/open-rows.js';
import type { SourceOptions } from './sources/row-source.js';

/** How the input is read: encoding, CSV dialect, null markers, number format, schema. */
export type ReadOptions = Omit<SourceOptions, 'ctx'>;

export interface ConvertOptions extends ReadOptions {
  input: string;
  output: string;
  /** Output format; from the output's extension when absent. */
  format?: FileFormat;
  /** Input format; from the input's extension when absent. */
  inputFormat?: FileFormat;
  /** Parquet page codec (default snappy); for CSV/NDJSON `gzip` compresses the whole file. */
  compression?: CompressionName;
  /**
   * zlib level of gzipped CSV/NDJSON output, 1 (fastest) to 9 (smallest); default 6. Transient files
   * (COPY staging) are worth level 1: about three times faster for a somewhat larger file.
   */
  gzipLevel?: number;
  /** CSV output null marker (default empty). */
  nullMarker?: string;
  /** CSV output: write a header line (default true). (`header` is about the input.) */
  writeHeader?: boolean;
  /** CSV output: decimals and timestamps in their shortest form (see `EncoderOptions`); for COPY staging. */
  trimFractionZeros?: boolean;
  parquet?: ParquetWriterOptions;
  /**
   * Columns added after the source's (run metadata, row numbers), given the source schema: their
   * values for the n-th row written (1-based).
   */
  appendColumns?: (schema: Schema) => { fields: Field[]; values: (rowNumber: number) => Value[] };
  /** Sees the output schema once, before the first row. */
  onSchema?: (schema: Schema) => void;
  /** Sees every output batch, added columns included (profiling); must not keep it. */
  observe?: (batch: ColumnBatch) => void;
  /**
   * Counts the conversion in `ctx.counters` as it goes (bytes read as a source, rows and bytes
   * written as a sink) for run totals and progress: for a conversion that is the run's whole job (the
   * CLI). Off by default, so a pipeline converting an intermediate file (COPY staging) does not count
   * its rows as written twice.
   */
  counted?: boolean;
}

export interface ConvertReport {
  input: string;
  output: string;
  format: FileFormat;
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  bytesRead: number;
  bytesWritten: number;
  seconds: number;
  peakRssBytes: number;
}

/**
 * One file to another format, streaming: rows are read in batches, encoded as they come, and the
 * bytes go straight into the output object (multipart on S3). Memory: one input batch plus the
 * encoder's bound (a Parquet row group, see `ParquetWriterOptions`) plus the store's upload buffers.
 * Rejected records go to `ctx.rejects`; the output is complete and visible only when this resolves.
 */
export async function convert(store: ObjectStore, options: ConvertOptions, ctx: RunContext): Promise<ConvertReport> {
  const started = performance.now();
  const format = formatOf(options.output, options.format);
  const { input, output, format: _format, inputFormat, compression: _compression, nullMarker: _nullMarker, writeHeader, trimFractionZeros, parquet: _parquet, appendColumns, onSchema, observe, counted, ...read } = options;
  const source = await openRows(store, input, formatOf(input, inputFormat), { ...read, ctx });
  if (source.schema.fields.length === 0) throw new TerminalError('BAD_ARGUMENT', `${input} has no columns (empty, or only blank lines): nothing to convert`);
  const extra = appendColumns?.(source.schema);
  const schema: Schema = extra ? { fields: [...source.schema.fields, ...extra.fields] } : source.schema;
  onSchema?.(schema);
  const encoder = rowEncoder(format, schema, {
    ...(writeHeader === undefined ? {} : { header: writeHeader }),
    ...(trimFractionZeros === undefined ? {} : { trimFractionZeros }),
    ...(options.compression && format === 'parquet' ? { compression: options.compression } : {}),
    ...(options.nullMarker === undefined ? {} : { nullMarker: options.nullMarker }),
    ...(options.parquet ? { parquet: options.parquet } : {}),
  });
  let rowsWritten = 0;
  const reading = counted ? ctx.counters.component(input, 'source') : undefined;
  const writing = counted ? ctx.counters.component(output, 'sink') : undefined;
  /** Rows handed to the encoder so far; the source's running byte count with them. */
  const wrote = (rows: number) => {
    rowsWritten += rows;
    if (reading && writing) {
      reading.bytesIn = source.bytesRead;
      writing.rowsIn = writing.rowsOut = rowsWritten;
    }
  };
  async function* encoded(): AsyncGenerator<Uint8Array> {
    // Column batches go straight into a columnar encoder: no row form on the way.
    if (source.columnBatches && encoder.appendColumns) {
      for await (const batch of source.columnBatches()) {
        const out = extra ? withColumns(batch, extra, rowsWritten + 1) : batch;
        wrote(batch.length);
        observe?.(out);
        yield* encoder.appendColumns(out);
      }
      yield* encoder.finish();
      return;
    }
    for await (const batch of source.batches()) {
      const first = rowsWritten + 1;
      const rows = extra ? batch.map((row, i) => [...row, ...extra.values(first + i)]) : batch;
      wrote(rows.length);
      observe?.(columnsOf(schema.fields, rows));
      const parts: Uint8Array[] = [];
      for (const row of rows) for (const part of encoder.appendRow(row)) parts.push(part);
      yield* parts;
    }
    yield* encoder.finish();
  }
  const gzip = format !== 'parquet' && (options.compression === 'gzip' || isGzipped(output));
  const writer = objectWriter(store, output, { signal: ctx.signal });
  const stages: Transform[] = gzip ? [createGzip({ level: options.gzipLevel ?? 6 })] : [];
  await settledPipeline([Readable.from(encoded(), { objectMode: false }), ...stages, writer], { signal: ctx.signal });
  const stored = await writer.result;
  if (reading && writing) {
    reading.bytesIn = source.bytesRead;
    writing.bytesOut = stored.size;
  }
  return {
    input,
    output: stored.uri,
    format,
    rowsRead: source.rowsRead,
    rowsWritten,
    rowsRejected: ctx.rejects.count,
    bytesRead: source.bytesRead,
    bytesWritten: stored.size,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    peakRssBytes: peakRssBytes(),
  };
}

/** The batch with the added columns after its own, their values by row number from `first`. */
function withColumns(batch: ColumnBatch, extra: { fields: Field[]; values: (rowNumber: number) => Value[] }, first: number): ColumnBatch {
  const added = allocateColumns(extra.fields, batch.length);
  for (let r = 0; r < batch.length; r++) {
    const values = extra.values(first + r);
    for (let c = 0; c < added.length; c++) setValue(added[c] as Column, r, values[c] ?? null);
  }
  return { length: batch.length, columns: [...batch.columns, ...added] };
}
