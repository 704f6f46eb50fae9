import { peakRssBytes, TerminalError, type RunContext } from '@etl/core';
import type { ObjectStore, PutResult } from '@etl/object-store';
import {
  allocateColumn,
  columnsOf,
  emptyFacts,
  mergeFacts,
  observeFacts,
  setInt64,
  unpackColumns,
  type Column,
  type ColumnBatch,
  type ColumnFacts,
  type Field,
  type Schema,
} from '@etl/schema';
import { ParquetWriter, type CompressionName, type ParquetWriterOptions } from '@etl/parquet';
import { formatOf, isGzipped, type FileFormat } from './file-format.js';
import { inputFormatOf } from './sniff-file.js';
import { parquetOptions, rowEncoder, type EncoderOptions } from './row-encoders.js';
import { ChunkWorkers } from './parallel/chunk-workers.js';
import { parallelCsvChunks } from './parallel/parallel-csv.js';
import { DEFAULT_CHUNK_CHARS, defaultThreads } from './parallel/threads.js';
import { chunkWorkerUrl } from './parallel/worker-url.js';
import { openRows } from './sources/open-rows.js';
import { writeAllButLast } from './write-parts.js';
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
  /**
   * CSV/NDJSON output as numbered parts of at most this many bytes before compression (one record
   * past it is never split), each a file of its own (its own gzip stream): `output` names them by
   * `{part}`, five digits (`part-{part}.csv.gz` -> `part-00000.csv.gz`, `part-00001.csv.gz` …).
   * Why: Redshift's COPY loads the files under a prefix in parallel, but a gzip file only whole, on
   * one slice; and a loader that reads a file at once holds one part, not the whole. No part repeats
   * a header, so CSV needs `writeHeader: false`.
   */
  partBytes?: number;
  /**
   * Called as each output object (each part, with `partBytes`) is complete and stored, with its
   * 0-based number: a loader can start on part n while part n+1 is written.
   */
  onPart?: (part: PutResult, index: number) => void;
  parquet?: ParquetWriterOptions;
  /**
   * CSV input on this many threads (default: every core, `os.availableParallelism()`, but no more
   * than the file has 64 MiB for, as stored, nor than a quarter of the memory the process may use
   * holds; 1: the single-thread path, unchanged). The main thread reads the file and cuts it into
   * chunks at record ends (a quote-aware scan); worker threads parse, screen (`textLimits`), cast and
   * encode them: compressed Parquet row groups, or CSV records (with `rowNumberColumn`, `facts` and
   * the `keys` gathered there), which come back as bytes and are written in file order; rejects keep
   * their exact lines. Memory bound: per thread about `4 × chunkChars` plus 32 MiB (its isolate),
   * plus `chunksInFlight` chunks' text (1-2 bytes a character) and their output on the main thread,
   * on top of the single thread's. NDJSON output, NDJSON and Parquet input, `joinShortRows`, Parquet
   * output with `rowNumberColumn`, `facts` or `keys`, and a file of at most `chunkChars` bytes take
   * one thread whatever this says. A row group never spans chunks, so the file's row groups are cut
   * where the chunks are (same rows, same order, other boundaries than at 1 thread). The report's
   * `threads` says how many it ran on.
   */
  threads?: number;
  /**
   * Characters per chunk at `threads` > 1 (default 8 Mi): a chunk ends at the first record end past
   * it, a record longer than it by more than the parser's 16 Mi bound is read as a stream on one
   * worker. Smaller chunks cut more and smaller row groups.
   */
  chunkChars?: number;
  /**
   * Chunks handed to worker threads and not yet written (default `2 × threads`): the main thread
   * reads no further ahead than this, so it bounds the memory of text waiting and output done.
   */
  chunksInFlight?: number;
  /**
   * A BIGINT column after the source's, numbering the rows written in file order: 1, 2, 3 … on one
   * thread; on threads the chunk's number × 2^32 + the row's number in its chunk (increasing, not
   * consecutive). An order to keep, as COPY staging's line column. Not a name the file has already.
   */
  rowNumberColumn?: string;
  /**
   * Gather `ColumnFacts` of the source's columns (longest text in UTF-8 bytes, integer ranges) as the
   * rows are written, on whichever thread writes them: the report's `facts`.
   */
  facts?: boolean;
  /**
   * Key columns to see (positions in the output schema, source columns only): `onKeys` gets each
   * written batch's key columns alone, in file order, on this thread whichever thread wrote it; it
   * must not keep them. Undefined: none (say, a key the file lacks).
   */
  keys?: (schema: Schema) => { columns: readonly number[]; onKeys: (keys: ColumnBatch) => void } | undefined;
  /** The input's size in bytes as stored, when the caller has it already (it decides the threads): no HEAD for it then. */
  inputBytes?: number;
  /** Rows handed to the output so far, each time more are (progress). */
  onRows?: (rows: number) => void;
  /** Sees the output schema once, before the first row. */
  onSchema?: (schema: Schema) => void;
  /**
   * Counts the conversion in `ctx.counters` as it goes (rows and bytes written as a sink, named by
   * `output`; a Parquet input's bytes as a source: a CSV or NDJSON input's parser counts its rows and
   * bytes whatever this says) for run totals and progress: for a conversion that is a run's output
   * (the CLI, inventory's Parquet). A discarded output counts nothing written. Off by default, so a
   * pipeline converting an intermediate file (COPY staging) does not count its rows as written twice.
   */
  counted?: boolean;
}

export interface ConvertReport {
  input: string;
  output: string;
  /** Every object written: `output` alone, or each part (`partBytes`). */
  outputs: string[];
  format: FileFormat;
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  bytesRead: number;
  bytesWritten: number;
  seconds: number;
  peakRssBytes: number;
  /** Threads the conversion ran on: 1, or the worker threads that parsed and encoded (see `threads`). */
  threads: number;
  /** With `facts`: the source columns' facts over the rows written. */
  facts?: ColumnFacts;
}

/** A conversion whose every byte is written but whose output is not complete yet: see `convertHeld`. */
export interface HeldConversion {
  /** The conversion's figures; its output is not visible yet (`bytesWritten` counts the held part before compression). */
  readonly report: ConvertReport;
  /** Completes the output, visible from then on; the report as stored (its `seconds` the conversion's and the completion's, not the wait between). */
  publish(): Promise<ConvertReport>;
  /** Aborts the output: it never was visible. */
  discard(reason: Error): Promise<void>;
}

/**
 * One file to another format, streaming: rows are read in batches, encoded as they come, and the
 * bytes go straight into the output object (multipart on S3). Memory: one input batch plus the
 * encoder's bound (a Parquet row group, see `ParquetWriterOptions`) plus the store's upload buffers.
 * Rejected records go to `ctx.rejects`; the output is complete and visible only when this resolves.
 */
export async function convert(store: ObjectStore, options: ConvertOptions, ctx: RunContext): Promise<ConvertReport> {
  const held = await convertUntilPublished(store, options, ctx);
  return held.publish();
}

/**
 * `convert`, up to the output's completion: every row read, checked and written, the workers gone,
 * but the output (with `partBytes`, its last part) not yet complete, so nothing reads it. The caller
 * publishes it once what must come first has committed (inventory: the DynamoDB writes; a run over
 * the reject limits: never), or discards it, and must do one of the two: meanwhile S3 holds a
 * multipart upload open, and this process its last part's bytes (an output under one part: all of
 * it, stored by one PutObject at publish; a local store: a hidden temp file). An aborted
 * `ctx.signal` aborts it too.
 */
export async function convertHeld(store: ObjectStore, options: ConvertOptions, ctx: RunContext): Promise<HeldConversion> {
  // Parts are complete as they fill: a discard could not take the earlier ones back.
  if (options.partBytes !== undefined)
    throw new TerminalError('BAD_ARGUMENT', 'convertHeld: an output in parts (partBytes) cannot be held');
  return convertUntilPublished(store, options, ctx);
}

/** `convertHeld` for any output: with `partBytes`, only the last part is held (the others are complete as they fill). */
async function convertUntilPublished(store: ObjectStore, options: ConvertOptions, ctx: RunContext): Promise<HeldConversion> {
  const started = performance.now();
  const format = formatOf(options.output, options.format);
  const {
    input,
    output,
    format: _format,
    inputFormat,
    compression: _compression,
    nullMarker: _nullMarker,
    writeHeader,
    trimFractionZeros,
    parquet: _parquet,
    onSchema,
    rowNumberColumn,
    facts: wantFacts,
    keys: keysOf,
    onRows,
    inputBytes,
    counted,
    partBytes,
    onPart: _onPart,
    threads: _threads,
    chunkChars: _chunkChars,
    chunksInFlight: _chunksInFlight,
    ...read
  } = options;
  if (partBytes !== undefined) checkParts(output, format, writeHeader, partBytes);
  const chunkChars = options.chunkChars ?? DEFAULT_CHUNK_CHARS;
  checkParallel(options.threads ?? 1, chunkChars, options.chunksInFlight);
  const inputAs = await inputFormatOf(store, input, inputFormat);
  // Workers encode the output: Parquet row groups, or CSV records; functions of this thread keep it here.
  const onWorkers =
    options.threads !== 1 &&
    inputAs === 'csv' &&
    !read.joinShortRows &&
    (format === 'csv' || (format === 'parquet' && !rowNumberColumn && !wantFacts && !keysOf));
  // A file of one chunk or less has nothing to share out: it would only pay the threads' start (its
  // size unknown, say a HEAD not allowed: one thread too). Worker threads start before the file is
  // sniffed: an isolate takes a while to load its modules.
  const size = !onWorkers ? 0 : (inputBytes ?? (await store.head(input).catch(() => undefined))?.size ?? 0);
  const threads = options.threads ?? defaultThreads(chunkChars, size);
  const eligible = onWorkers && threads > 1 && size > chunkChars;
  const workers = eligible ? new ChunkWorkers(await chunkWorkerUrl(), threads) : undefined;
  try {
    return await convertWith(workers);
  } finally {
    await workers?.close();
  }

  async function convertWith(workers: ChunkWorkers | undefined): Promise<HeldConversion> {
    const source = await openRows(store, input, inputAs, { ...read, ctx });
    if (source.schema.fields.length === 0)
      throw new TerminalError('BAD_ARGUMENT', `${input} has no columns (empty, or only blank lines): nothing to convert`);
    if (rowNumberColumn !== undefined && source.schema.fields.some((f) => f.name === rowNumberColumn))
      throw new TerminalError('BAD_ARGUMENT', `${input} has a column ${rowNumberColumn} already: name the row numbers otherwise`);
    const numbered: Field | undefined =
      rowNumberColumn === undefined ? undefined : { name: rowNumberColumn, type: { kind: 'bigint' }, nullable: false };
    const schema: Schema = numbered ? { fields: [...source.schema.fields, numbered] } : source.schema;
    onSchema?.(schema);
    const facts = wantFacts ? emptyFacts(source.schema.fields) : undefined;
    const keys = keysOf?.(schema);
    if (keys?.columns.some((k) => !Number.isSafeInteger(k) || k < 0 || k >= source.schema.fields.length))
      throw new TerminalError('BAD_ARGUMENT', `convert: keys must be positions of the source's columns, got ${keys.columns.join(', ')}`);
    const keyFields = keys?.columns.map((k) => schema.fields[k] as Field) ?? [];
    /** A written batch seen by `facts` and `keys` (its source columns). */
    const gather = (batch: ColumnBatch) => {
      if (facts) observeFacts(facts, batch);
      if (keys) keys.onKeys({ length: batch.length, columns: keys.columns.map((k) => batch.columns[k] as Column) });
    };
    const encoding: EncoderOptions = {
      ...(writeHeader === undefined ? {} : { header: writeHeader }),
      ...(trimFractionZeros === undefined ? {} : { trimFractionZeros }),
      ...(options.compression && format === 'parquet' ? { compression: options.compression } : {}),
      ...(options.nullMarker === undefined ? {} : { nullMarker: options.nullMarker }),
      ...(options.parquet ? { parquet: options.parquet } : {}),
    };
    const encoder = rowEncoder(format, schema, encoding);
    let rowsWritten = 0;
    // A CSV or NDJSON input's parser counts its bytes (and rows) as a reader; a Parquet one has no such reader.
    const reading = counted && inputAs === 'parquet' ? ctx.counters.component(input, 'source') : undefined;
    const writing = counted ? ctx.counters.component(output, 'sink') : undefined;
    /** Rows handed to the encoder so far; the source's running byte count with them. */
    const wrote = (rows: number) => {
      rowsWritten += rows;
      onRows?.(rowsWritten);
      if (reading) reading.bytesIn = source.bytesRead;
      if (writing) writing.rowsIn = writing.rowsOut = rowsWritten;
    };
    const csv = source.csvReading;
    async function* encoded(): AsyncGenerator<Uint8Array> {
      if (workers && csv) {
        const parquet = encoder instanceof ParquetWriter ? encoder : undefined;
        const output = parquet
          ? { kind: 'rowGroups' as const, parquet: parquetOptions(encoding) }
          : {
              kind: 'csv' as const,
              encoder: encoding,
              rowNumber: rowNumberColumn !== undefined,
              facts: facts !== undefined,
              keyColumns: keys?.columns ?? [],
            };
        const chunks = parallelCsvChunks(store, csv, ctx, {
          workers,
          chunkChars,
          chunksInFlight: options.chunksInFlight ?? 2 * threads,
          output,
          ...(read.textLimits ? { textLimits: read.textLimits } : {}),
        });
        // CSV: the header first, if any (a CSV encoder's finish hands over what it holds; the records are the workers').
        if (!parquet) yield* encoder.finish();
        for await (const chunk of chunks) {
          wrote(chunk.rows);
          if (parquet) for (const group of chunk.groups) yield* parquet.appendRowGroup(group);
          if (facts && chunk.facts) mergeFacts(facts, chunk.facts);
          if (keys) for (const packed of chunk.keys) keys.onKeys(unpackColumns(keyFields, packed));
          for (const piece of chunk.csv ?? []) if (piece.length > 0) yield piece;
        }
        if (parquet) yield* parquet.finish();
        return;
      }
      // Column batches go straight into a columnar encoder: no row form on the way.
      if (source.columnBatches && encoder.appendColumns) {
        for await (const batch of source.columnBatches()) {
          const out = numbered ? withRowNumbers(batch, numbered, rowsWritten + 1) : batch;
          wrote(batch.length);
          gather(out);
          yield* encoder.appendColumns(out);
        }
        yield* encoder.finish();
        return;
      }
      for await (const batch of source.batches()) {
        const first = rowsWritten + 1;
        const rows = numbered ? batch.map((row, i) => [...row, BigInt(first + i)]) : batch;
        wrote(rows.length);
        if (facts || keys) gather(columnsOf(schema.fields, rows));
        const parts: Uint8Array[] = [];
        for (const row of rows) for (const part of encoder.appendRow(row)) parts.push(part);
        yield* parts;
      }
      yield* encoder.finish();
    }
    const gzip = format !== 'parquet' && (options.compression === 'gzip' || isGzipped(output));
    // One output is one part that never fills.
    const parts =
      partBytes === undefined
        ? { partBytes: Infinity, uriOf: () => output }
        : { partBytes, uriOf: (part: number) => output.replace('{part}', String(part).padStart(5, '0')) };
    /** A failed or discarded output counts nothing written (its rows were counted as progress). */
    const uncount = () => {
      if (writing) writing.rowsIn = writing.rowsOut = 0;
    };
    const { stored, last } = await writeAllButLast(store, encoded(), {
      ...parts,
      signal: ctx.signal,
      ...(gzip ? { gzipLevel: options.gzipLevel ?? 6 } : {}),
      ...(options.onPart ? { onPart: options.onPart } : {}),
    }).catch((error: unknown) => {
      uncount();
      throw error;
    });
    const converted = performance.now() - started;
    const reportOf = (outputs: string[], bytesWritten: number, ms: number): ConvertReport => ({
      input,
      output: outputs[0] ?? output,
      outputs,
      format,
      rowsRead: source.rowsRead,
      rowsWritten,
      rowsRejected: ctx.rejects.count,
      bytesRead: source.bytesRead,
      bytesWritten,
      seconds: Number((ms / 1000).toFixed(3)),
      peakRssBytes: peakRssBytes(),
      threads: workers ? workers.size : 1,
      ...(facts ? { facts } : {}),
    });
    const storedBytes = () => stored.reduce((sum, part) => sum + part.size, 0);
    return {
      report: reportOf([...stored.map((part) => part.uri), last.uri], storedBytes() + last.bytes, converted),
      async publish() {
        const publishing = performance.now();
        await last.publish();
        const bytesWritten = storedBytes();
        if (reading) reading.bytesIn = source.bytesRead;
        if (writing) writing.bytesOut = bytesWritten;
        return reportOf(
          stored.map((part) => part.uri),
          bytesWritten,
          converted + performance.now() - publishing,
        );
      },
      async discard(reason) {
        await last.discard(reason);
        uncount();
      },
    };
  }
}

function checkParts(output: string, format: FileFormat, writeHeader: boolean | undefined, partBytes: number): void {
  const problem =
    format === 'parquet'
      ? 'Parquet output is one file (its row groups are its parts)'
      : !output.includes('{part}')
        ? `the output must name its parts with {part} (e.g. part-{part}.csv.gz), got ${output}`
        : format === 'csv' && writeHeader !== false
          ? 'no part repeats the header: CSV parts need writeHeader false'
          : !Number.isSafeInteger(partBytes) || partBytes < 1
            ? `partBytes must be a positive whole number, got ${partBytes}`
            : undefined;
  if (problem) throw new TerminalError('BAD_ARGUMENT', `output in parts: ${problem}`);
}

function checkParallel(threads: number, chunkChars: number, chunksInFlight: number | undefined): void {
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
  const problem = !whole(threads)
    ? `threads must be a whole number of at least 1, got ${threads}`
    : !whole(chunkChars)
      ? `chunkChars must be a whole number of at least 1, got ${chunkChars}`
      : chunksInFlight !== undefined && !whole(chunksInFlight)
        ? `chunksInFlight must be a whole number of at least 1, got ${chunksInFlight}`
        : undefined;
  if (problem) throw new TerminalError('BAD_ARGUMENT', `convert: ${problem}`);
}

/** The batch with its rows' numbers after its own columns, from `first`, written in place (no BigInt per row). */
function withRowNumbers(batch: ColumnBatch, field: Field, first: number): ColumnBatch {
  const column = allocateColumn(field, batch.length);
  if (column.data.layout === 'int64') for (let r = 0; r < batch.length; r++) setInt64(column.data.halves, r, first + r);
  column.valid.fill(1, 0, batch.length);
  return { length: batch.length, columns: [...batch.columns, column] };
}
