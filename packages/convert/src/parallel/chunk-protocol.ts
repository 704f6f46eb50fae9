import type { RecordErrorInit } from '@etl/core';
import type { EncodedRowGroup, ParquetWriterOptions } from '@etl/parquet';
import type { CastOptions, ColumnFacts, PackedColumns, Schema } from '@etl/schema';
import type { EncoderOptions } from '../row-encoders.js';
import type { TextLimits } from '../sources/text-limits.js';

/**
 * What a worker makes of its rows: compressed Parquet row groups for the main thread to place, or
 * CSV text (records, no header) for it to write as they are. Either way nothing per value comes back,
 * only bytes, and for CSV what the main thread gathers of the rows besides (`facts`, the key columns).
 */
export type ChunkOutput =
  | { kind: 'rowGroups'; parquet: ParquetWriterOptions }
  | {
      kind: 'csv';
      /** The CSV encoder's options, but its header: the main thread writes that. */
      encoder: EncoderOptions;
      /** A BIGINT column after the file's numbering its rows in file order: chunk × 2^32 + the row's number in its chunk. */
      rowNumber: boolean;
      /** Gather `ColumnFacts` of the file's columns. */
      facts: boolean;
      /** Positions of columns sent back alone, packed, per batch (the keys a main-thread filter reads). */
      keyColumns: readonly number[];
    };

/** What every chunk of one file is read with: plain data, sent once to each worker. */
export interface ChunkSettings {
  uri: string;
  delimiter: string;
  quote: string;
  newline: '\n' | '\r';
  /** The file's columns (after `renameColumns`), as the header gave them. */
  columns: string[];
  /** The fields cast, by name. */
  schema: Schema;
  cast: CastOptions;
  /** Named in `ENCODING` rejects. */
  encoding: string | undefined;
  /** Text the destination cannot hold makes its record a reject, screened before the cast. */
  textLimits?: TextLimits;
  output: ChunkOutput;
}

/**
 * A piece of the file's text for a worker. A chunk is whole records (`first` and `last`); a record
 * longer than a chunk is read as a stream of pieces to one worker (`first` on the first, `last` on
 * the one where it ends), so its parser state carries over.
 */
export interface ChunkRequest {
  seq: number;
  /** The piece as text (files in other encodings than UTF-8: decoded on the main thread)… */
  text?: string;
  /** …or as UTF-8 bytes, in pieces that each own their buffer (transferred), decoded here. */
  pieces?: Uint8Array[];
  /** Where `pieces` start in the file (byte offsets of bad bytes count from the file's start). */
  offset?: number;
  /** On a chunk's first piece: the chunk's number in the file, from 0 (row numbers count from it). */
  chunk?: number;
  /** With `text`: byte offsets of the bad bytes behind its U+FFFD, in order (the decoder's queue). */
  invalidOffsets: number[];
  first: boolean;
  last: boolean;
}

/** A reject as plain data, its line counted from the chunk's first line (1). */
export type ChunkReject = Omit<RecordErrorInit, 'line'> & { line: number | undefined; stage: string };

export interface ChunkReply {
  seq: number;
  /** Row groups closed by this piece (all of the chunk's, on `last`), encoded and compressed. */
  groups: EncodedRowGroup[];
  /** Or the piece's rows as CSV records (`ChunkOutput` `csv`), in the encoder's pieces of about 256 KiB. */
  csv?: Uint8Array[];
  /** With `csv`: facts of the piece's rows, when asked for. */
  facts?: ColumnFacts;
  /** With `csv`: per batch, its key columns alone. */
  keys: PackedColumns[];
  /** Parse rejects, then cast rejects (and text-limit ones, in line order with them). */
  rejects: ChunkReject[];
  /** Records parsed, rejected ones included. */
  records: number;
  /** Records that parsed (went to the cast). */
  parsed: number;
  /** Rows that cast (went to the row groups or the CSV). */
  rows: number;
  /** On `last`: the physical lines the chunk spans. */
  lines?: number;
  /** The worker failed: its message and stack. */
  error?: { message: string; stack?: string };
}

/** A reply's buffers, moved to the main thread with it rather than copied. */
export function replyTransfer(reply: ChunkReply): ArrayBuffer[] {
  const buffers = reply.groups.map((g) => g.bytes.buffer as ArrayBuffer);
  for (const piece of reply.csv ?? []) buffers.push(piece.buffer as ArrayBuffer);
  for (const { buffer, texts } of reply.keys) buffers.push(buffer, ...texts.map((t) => t.ends.buffer as ArrayBuffer));
  return buffers;
}
