import type { RecordErrorInit } from '@etl/core';
import type { EncodedRowGroup, ParquetWriterOptions } from '@etl/parquet';
import type { CastOptions, Schema } from '@etl/schema';

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
  parquet: ParquetWriterOptions;
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
  /** Parse rejects, then cast rejects. */
  rejects: ChunkReject[];
  /** Records parsed, rejected ones included. */
  records: number;
  /** Records that parsed (went to the cast). */
  parsed: number;
  /** Rows that cast (went to the row groups). */
  rows: number;
  /** On `last`: the physical lines the chunk spans. */
  lines?: number;
  /** The worker failed: its message and stack. */
  error?: { message: string; stack?: string };
}
