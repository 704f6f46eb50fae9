import type { RecordError } from '@etl/core';
import { CsvRecordReader, detectNewline, RecordEnds } from '@etl/csv';
import { movedBy } from './csv-chunker.js';
import { PIECE_BYTES, PieceDecoder } from './piece-decoder.js';

export interface CsvByteChunkerOptions {
  /** One ASCII character. */
  delimiter: string;
  /** One ASCII character. */
  quote: string;
  header: boolean;
  skipLines?: number;
  /** A chunk (one worker's turn, one row group) is cut at the first record end past this many bytes. */
  chunkBytes: number;

  /** A record still open this many bytes past a chunk's size goes as a stream of pieces (see `CsvChunker`). */
  maxRecordBytes: number;
  file?: string;
}

/** What the chunker hands on, in file order (see `ChunkEvent`). */
export type ByteChunkEvent =
  | { kind: 'columns'; names: string[] }
  | { kind: 'rejects'; rejects: RecordError[] }
  /**
   * UTF-8 bytes for a worker, in pieces that each own their buffer (transferable); `offset` is
   * where they start in the file.
   */
  | { kind: 'chunk'; pieces: Uint8Array[]; offset: number; first: boolean; last: boolean };

/**
 * A chunk goes to its worker in slices, each cut at the first record end past an eighth of the chunk
 * (at most `SLICE_BYTES`) and sent as soon as it is read: the worker parses while the rest of its
 * chunk is read, and a slice's buffers go once parsed, not with the whole chunk. Measured 2026-12-07
 * (200 MB varied CSV, 2 threads, 8 MiB chunks, busy machine, CPU seconds): sent whole 7.0-7.4 CPU-s,
 * in slices 6.6-6.7 (one thread: 5.0-6.5).
 */
export const SLICE_BYTES = 1024 * 1024;

/**
 * `CsvChunker` for UTF-8 files, over their bytes: the file is cut before it is decoded, so the main
 * thread only reads (and inflates) and scans (`RecordEnds.nextInBytes`, `Buffer.indexOf` from quote
 * to quote), and each chunk is decoded by the worker that parses it, its buffer transferred, not
 * copied. (Decoding on the main thread and copying the text to a worker cost about as much there
 * as a whole one-thread conversion's parsing.) UTF-8 never holds an ASCII byte inside a multibyte
 * character, so an ASCII quote, delimiter or line break byte is one in the text too. Skipped lines
 * and the header are decoded and read here, as `decodeStream` and the single thread's reader would.
 *
 * Memory: one chunk's bytes (at most `chunkBytes` plus one record, or `chunkBytes + maxRecordBytes`
 * before a long record goes as a stream).
 */
export class CsvByteChunker {
  newline: '\n' | '\r' | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  /** Bytes of the file before the piece being taken. */
  private consumed = 0;
  private toSkip: number;
  private linesSkipped = 0;
  private ends: RecordEnds | undefined;
  private newlineCode = 10;
  private headerDecoder: PieceDecoder | undefined;
  private headerReader: CsvRecordReader | undefined;
  private headerPending: boolean;
  private open: Buffer[] = [];
  private openBytes = 0;
  /** File offset of the open slice's first byte. */
  private openOffset = 0;
  private streaming = false;
  /** The current chunk's first slice has gone: the next slice continues it. */
  private chunkOpen = false;
  /** Bytes of the current chunk handed on in slices. */
  private chunkSent = 0;

  constructor(private readonly options: CsvByteChunkerOptions) {
    this.toSkip = options.skipLines ?? 0;
    this.headerPending = options.header;
  }

  /** Lines before the first data chunk: skipped ones and the header's. */
  get linesBeforeData(): number {
    return this.linesSkipped + (this.headerReader ? this.headerReader.currentLine - 1 : 0);
  }

  push(bytes: Buffer): ByteChunkEvent[] {
    const events: ByteChunkEvent[] = [];
    if (this.newline === undefined) {
      this.head.push(bytes);
      this.headBytes += bytes.length;
      const head = Buffer.concat(this.head);
      // CR and LF are the same bytes in latin1: the parser's detection on the first text.
      const newline = detectNewline(head.toString('latin1', 0, Math.min(head.length, 1 << 20)));
      if (newline === undefined && this.headBytes < 1 << 20) return events;
      this.start(newline ?? '\n');
      this.head = [];
      this.take(head, events);
      return events;
    }
    this.take(bytes, events);
    return events;
  }

  end(): ByteChunkEvent[] {
    const events: ByteChunkEvent[] = [];
    if (this.newline === undefined) {
      this.start('\n');
      const head = Buffer.concat(this.head);
      this.head = [];
      this.take(head, events);
    }
    if (this.headerPending && this.headerReader) {
      const rest = (this.headerDecoder as PieceDecoder).end();
      this.headerRejects(this.headerReader.end(rest).rejects, events);
      return events;
    }
    if (this.streaming || this.chunkOpen || this.openBytes > 0) this.slice(this.takeOpen(), true, events);
    return events;
  }

  private start(newline: '\n' | '\r'): void {
    const { options } = this;
    this.newline = newline;
    this.newlineCode = newline.charCodeAt(0);
    this.ends = new RecordEnds({ delimiter: options.delimiter, quote: options.quote, newline });
    if (this.headerPending) {
      const decoder = new PieceDecoder(0, true);
      this.headerDecoder = decoder;
      this.headerReader = new CsvRecordReader({
        delimiter: options.delimiter,
        quote: options.quote,
        newline,
        header: true,
        maxRecordChars: options.maxRecordBytes,
        ...(options.file === undefined ? {} : { file: options.file }),
        decoded: { invalidOffsets: decoder.invalidOffsets, encoding: 'utf-8' },
      });
    }
  }

  private take(bytes: Buffer, events: ByteChunkEvent[]): void {
    const ends = this.ends as RecordEnds;
    const base = this.consumed;
    this.consumed += bytes.length;
    let at = 0;
    // Skipped lines are physical lines, quotes or not (as the parser skips them).
    while (this.toSkip > 0 && at < bytes.length) {
      const end = bytes.indexOf(this.newlineCode, at);
      at = end === -1 ? bytes.length : end + 1;
      if (end === -1) break;
      this.toSkip--;
      this.linesSkipped++;
    }
    this.headerDecoder?.skip(at);
    if (this.toSkip > 0) return;
    // The header: record by record, decoded and read here until the reader has taken one.
    while (this.headerPending && at < bytes.length) {
      const end = ends.nextInBytes(bytes, at, at);
      const stop = end === -1 ? bytes.length : end;
      const decoder = this.headerDecoder as PieceDecoder;
      const reader = this.headerReader as CsvRecordReader;
      for (let from = at; from < stop; from += PIECE_BYTES) {
        const text = decoder.write(bytes.subarray(from, Math.min(stop, from + PIECE_BYTES)));
        this.headerRejects(reader.push(text).rejects, events);
      }
      at = stop;
    }
    const { chunkBytes, maxRecordBytes } = this.options;
    const sliceBytes = Math.min(SLICE_BYTES, Math.ceil(chunkBytes / 8));
    while (at < bytes.length) {
      if (this.openBytes === 0 && !this.streaming) this.openOffset = base + at;
      if (this.streaming) {
        const end = ends.nextInBytes(bytes, at, at);
        this.slice([bytes.subarray(at, end === -1 ? bytes.length : end)], end !== -1, events);
        if (end === -1) return;
        this.streaming = false;
        at = end;
        continue;
      }
      const toChunkEnd = chunkBytes - this.chunkSent - this.openBytes;
      const end = ends.nextInBytes(bytes, at, at + Math.max(0, Math.min(toChunkEnd, sliceBytes - this.openBytes)));
      if (end === -1) {
        this.open.push(bytes.subarray(at));
        this.openBytes += bytes.length - at;
        if (this.openBytes > sliceBytes + maxRecordBytes) {
          this.streaming = true;
          this.slice(this.takeOpen(), false, events);
        }
        return;
      }
      this.open.push(bytes.subarray(at, end));
      this.openBytes += end - at;
      this.slice(this.takeOpen(), this.chunkSent + this.openBytes >= chunkBytes, events);
      at = end;
    }
  }

  private takeOpen(): Buffer[] {
    const open = this.open;
    this.open = [];
    this.openBytes = 0;
    return open;
  }

  /** The next slice of the current chunk (its first opens it); `last` ends the chunk. */
  private slice(pieces: Buffer[], last: boolean, events: ByteChunkEvent[]): void {
    const first = !this.chunkOpen;
    const bytes = this.chunk(pieces, first, last, events);
    this.chunkOpen = !last;
    this.chunkSent = last ? 0 : this.chunkSent + bytes;
  }

  private headerRejects(rejects: RecordError[], events: ByteChunkEvent[]): void {
    const reader = this.headerReader as CsvRecordReader;
    if (rejects.length > 0) events.push({ kind: 'rejects', rejects: rejects.map((r) => movedBy(r, this.linesSkipped)) });
    if (this.headerPending && reader.columns) {
      this.headerPending = false;
      events.push({ kind: 'columns', names: reader.columns });
    }
  }

  /**
   * The pieces as buffers of their own, so they can be transferred, not copied: a read's whole
   * buffer is passed on as it is (a file stream allocates one per read), and only a part of one (a
   * chunk's first and last piece, shared with the next chunk) or a slice of a shared buffer is
   * copied (`allocUnsafeSlow`: never a slice of Node's pool). Copying every chunk cost the main
   * thread a page fault per 4 KiB of fresh memory, about a tenth of the conversion's whole time.
   */
  private chunk(pieces: Buffer[], first: boolean, last: boolean, events: ByteChunkEvent[]): number {
    const owned = pieces.map((piece) => {
      if (piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength) return piece;
      const copy = Buffer.allocUnsafeSlow(piece.length);
      piece.copy(copy);
      return copy;
    });
    const offset = this.openOffset;
    const bytes = owned.reduce((sum, p) => sum + p.length, 0);
    this.openOffset += bytes;
    events.push({ kind: 'chunk', pieces: owned, offset, first, last });
    return bytes;
  }
}
