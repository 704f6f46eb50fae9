import { RecordError, writeRejects, type RunContext } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { planColumns } from '@etl/schema';
import { encodingLog, sniffedEncoding } from '../sniff-file.js';
import { withInferenceHint } from '../sources/csv-source.js';
import type { CsvReading } from '../sources/row-source.js';
import { bytesOf, textOf } from '../sources/text-bytes.js';
import type { TextLimits } from '../sources/text-limits.js';
import type { ChunkOutput, ChunkReply, ChunkSettings } from './chunk-protocol.js';
import { ChunkWorkers } from './chunk-workers.js';
import { CsvByteChunker, type ByteChunkEvent } from './csv-byte-chunker.js';
import { CsvChunker, movedReason, type ChunkEvent } from './csv-chunker.js';

export interface ParallelCsvOptions {
  /** The worker threads (started early by the caller); closed when the generator ends. */
  workers: ChunkWorkers;
  /** Characters per chunk (cut at the first record end past it). */
  chunkChars: number;
  /** Chunks handed to workers and not yet written: the main thread reads ahead no further. */
  chunksInFlight: number;
  /** Parquet row groups, or CSV records with what the main thread gathers besides. */
  output: ChunkOutput;
  /** Screened on the workers before the cast (`SourceOptions.textLimits`). */
  textLimits?: TextLimits;
}

/** The rows of a piece of the file, as its worker replied: row groups to place in the file, or CSV records to write. */
export type ConvertedChunk = Pick<ChunkReply, 'groups' | 'csv' | 'facts' | 'keys' | 'rows'>;

/** The parser's bound on one record (`CsvParserOptions.maxRecordChars`' default). */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * A CSV file converted on worker threads, in file order: the main thread reads (and, in encodings
 * other than UTF-8, decodes) the file, cuts it into chunks at record ends (`CsvByteChunker`,
 * `CsvChunker`), and hands them round-robin to workers that parse, screen, cast and encode them
 * (`ChunkConverter`): Parquet row groups or CSV records come back in the order the chunks were
 * cut. Rejects go to `ctx.rejects` as each chunk's turn comes, their lines moved by the lines of the
 * chunks before (only known then), and everything is counted on the same components as the
 * single-thread reading (`csv-parse`, `cast`).
 *
 * Memory: `chunksInFlight` chunks' text on the main thread (and their replies: compressed row groups,
 * or CSV records and key columns) plus, per worker, its isolate and one chunk being converted (see
 * `ConvertOptions.threads`).
 */
export async function* parallelCsvChunks(
  store: ObjectStore,
  reading: CsvReading,
  ctx: RunContext,
  options: ParallelCsvOptions,
): AsyncGenerator<ConvertedChunk> {
  const { sniffed, uri } = reading;
  // UTF-8 (and ASCII) with an ASCII dialect is cut as bytes and decoded on the workers; other
  // encodings are decoded here and cut as text.
  const asBytes =
    /^(utf-?8|(us-)?ascii)$/i.test(sniffed.encoding) && reading.delimiter.charCodeAt(0) < 0x80 && sniffed.quote.charCodeAt(0) < 0x80;
  const parseMetrics = ctx.counters.component('csv-parse', 'reader');
  const castMetrics = ctx.counters.component('cast', 'stage');
  // The run's counters add up over every file it reads: count this file from here.
  const readBefore = parseMetrics.rowsIn;
  const rename = (names: readonly string[]) => (reading.renameColumns ? reading.renameColumns(names) : [...names]);
  let columns: string[] | undefined = sniffed.header ? undefined : rename(reading.columns);
  const common = {
    delimiter: reading.delimiter,
    quote: sniffed.quote,
    header: sniffed.header,
    ...(reading.skipLines ? { skipLines: reading.skipLines } : {}),
    file: uri,
  };
  const compression = sniffed.compression ?? 'none';
  let input: AsyncIterable<Buffer | string>;
  let chunker: { readonly newline: '\n' | '\r' | undefined; readonly linesBeforeData: number };
  let take: (piece: Buffer | string) => Array<ChunkEvent | ByteChunkEvent>;
  let finish: () => Array<ChunkEvent | ByteChunkEvent>;
  /** Named in `ENCODING` rejects. */
  let encodingOf = (): string | undefined => 'utf-8';
  /** Input bytes taken so far: the decoder's count of them, or the bytes themselves. */
  let bytesIn: () => number;
  let close: () => void;
  if (asBytes) {
    // Said as the one-thread reading's decoder says it (other encodings are decoded here, and it says so).
    ctx.logger.info(
      { file: uri, ...encodingLog(sniffed), threads: options.workers.size },
      `reading ${uri} as ${sniffed.encoding} on ${options.workers.size} threads`,
    );
    const bytes = await bytesOf(store, uri, ctx, { compression, counted: reading.counted });
    const byteChunker = new CsvByteChunker({ ...common, chunkBytes: options.chunkChars, maxRecordBytes: MAX_RECORD_CHARS });
    let taken = 0;
    input = bytes as AsyncIterable<Buffer>;
    chunker = byteChunker;
    take = (piece) => {
      taken += piece.length;
      return byteChunker.push(piece as Buffer);
    };
    finish = () => byteChunker.end();
    bytesIn = () => taken;
    close = () => bytes.destroy();
  } else {
    const { text, decoder } = await textOf(store, uri, ctx, { ...sniffedEncoding(sniffed), compression, counted: reading.counted });
    const textChunker = new CsvChunker({ ...common, chunkChars: options.chunkChars, maxRecordChars: MAX_RECORD_CHARS, decoded: decoder });
    input = text as AsyncIterable<string>;
    chunker = textChunker;
    take = (piece) => textChunker.push(piece as string);
    finish = () => textChunker.end();
    bytesIn = () => decoder.bytesDecoded;
    close = () => text.destroy();
    encodingOf = () => decoder.encoding; // known once the decoder starts: read when the workers do
  }
  let workers: ChunkWorkers | undefined;
  const { workers: pool } = options;
  /** Replies awaited, in file order; `last` on a chunk's last slice. */
  const queue: Array<{ reply: Promise<ChunkReply>; last: boolean }> = [];
  /** Chunks with a slice in `queue` (the one being read included): at most `chunksInFlight`. */
  let chunksQueued = 0;
  let seq = 0;
  /** Chunks cut so far: the next one's number. */
  let chunks = 0;
  let turn = 0;
  let streamWorker = 0;
  /** Lines before the next reply's chunk; set once the header is read. */
  let lineBase: number | undefined;
  let bytesCounted = 0;

  const start = (): ChunkWorkers => {
    const names = columns ?? [];
    // Columns the schema names but the file lacks fail here, on the main thread, as they would at 1 thread.
    planColumns(reading.schema, names, uri, reading.cast);
    const settings: ChunkSettings = {
      uri,
      delimiter: reading.delimiter,
      quote: sniffed.quote,
      newline: chunker.newline ?? '\n',
      columns: names,
      schema: reading.schema,
      cast: reading.cast,
      encoding: encodingOf(),
      ...(options.textLimits ? { textLimits: options.textLimits } : {}),
      output: options.output,
    };
    pool.start(settings);
    return pool;
  };

  async function* handOn(events: Array<ChunkEvent | ByteChunkEvent>): AsyncGenerator<ConvertedChunk> {
    for (const event of events) {
      if (event.kind === 'columns') columns = rename(event.names);
      else if (event.kind === 'rejects') {
        parseMetrics.rowsIn += event.rejects.length;
        await writeRejects(ctx, parseMetrics, 'csv-parse', event.rejects);
      } else {
        workers ??= start();
        // Whole chunks take turns; the pieces of one long record all go to the worker of its first.
        const worker = event.first ? turn++ % workers.size : streamWorker;
        if (event.first && !event.last) streamWorker = worker;
        const piece =
          'pieces' in event
            ? { pieces: event.pieces, offset: event.offset, invalidOffsets: [] }
            : { text: event.text, invalidOffsets: event.invalidOffsets };
        const chunk = event.first ? { chunk: chunks++ } : {};
        const reply = workers.convert(worker, { seq: seq++, ...chunk, ...piece, first: event.first, last: event.last });
        reply.catch(() => undefined); // awaited in turn below; a worker's failure must not go unhandled meanwhile
        queue.push({ reply, last: event.last });
        if (event.first) chunksQueued++;
        while (chunksQueued >= options.chunksInFlight && queue.length > 0) yield await next();
      }
    }
  }

  /** The oldest reply awaited, written. */
  function next(): Promise<ConvertedChunk> {
    const { reply, last } = queue.shift() as { reply: Promise<ChunkReply>; last: boolean };
    if (last) chunksQueued--;
    return written(reply);
  }

  /** A reply in its turn: rejects rebased and written, counted; its output handed on. */
  async function written(pending: Promise<ChunkReply>): Promise<ConvertedChunk> {
    const reply = await pending;
    lineBase ??= chunker.linesBeforeData;
    const base = lineBase;
    const parseRejects: RecordError[] = [];
    const castRejects: RecordError[] = [];
    for (const { line, stage, ...rest } of reply.rejects) {
      const reason = movedReason(rest.code, rest.reason, line, base);
      const error = RecordError.restored({ ...rest, reason, line: line === undefined ? undefined : line + base });
      if (stage === 'cast') castRejects.push(reading.inferred ? withInferenceHint(error) : error);
      else parseRejects.push(error);
    }
    if (reply.lines !== undefined) lineBase += reply.lines;
    parseMetrics.rowsIn += reply.records;
    parseMetrics.rowsOut += reply.parsed;
    if (parseRejects.length > 0) await writeRejects(ctx, parseMetrics, 'csv-parse', parseRejects);
    castMetrics.rowsIn += reply.parsed;
    castMetrics.rowsOut += reply.rows;
    if (castRejects.length > 0) await writeRejects(ctx, castMetrics, 'cast', castRejects);
    reading.setRowsRead(parseMetrics.rowsIn - readBefore);
    return reply;
  }

  try {
    for await (const piece of input) {
      const events = take(piece);
      const total = bytesIn();
      parseMetrics.bytesIn += total - bytesCounted;
      bytesCounted = total;
      yield* handOn(events);
    }
    yield* handOn(finish());
    while (queue.length > 0) yield await next();
    reading.setRowsRead(parseMetrics.rowsIn - readBefore);
  } finally {
    close();
    await pool.close();
  }
}
