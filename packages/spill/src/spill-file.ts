import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Value } from '@etl/schema';
import { decodeRow, encodeRow, frameLength, maxEncodedBytes } from './row-codec.js';

/** Write buffer of one spill file (each partition has one while a spill is written). */
export const SPILL_BUFFER_BYTES = 64 * 1024;
/** Read chunk of a spill file being read back (one at a time). */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Rows per batch read back. */
const READ_BATCH_ROWS = 4096;

/**
 * One spill file being written: rows are encoded into a buffer of `SPILL_BUFFER_BYTES`, written out
 * when the next row does not fit. Writes are synchronous: a 64 KiB write to a local temp file lands in
 * the page cache in microseconds, while awaiting each through libuv's thread pool left the CPU idle for
 * a fifth of the dedup bench's run (its CPU profile), and the work around it is CPU-bound anyway.
 */
export class SpillWriter {
  rows = 0;
  bytes = 0;
  private buffer: Buffer;
  private used = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.buffer = Buffer.allocUnsafe(SPILL_BUFFER_BYTES);
  }

  static create(path: string): SpillWriter {
    return new SpillWriter(path, openSync(path, 'wx'));
  }

  /** Adds `row`, writing the buffer out first when the row does not fit in what is left of it. */
  append(row: readonly Value[]): void {
    const room = maxEncodedBytes(row);
    if (this.used + room > this.buffer.length) {
      this.flush();
      // A row larger than the whole buffer gets a buffer of its own size, until the next flush.
      if (room > this.buffer.length) this.buffer = Buffer.allocUnsafe(room);
    }
    const end = encodeRow(row, this.buffer, this.used);
    this.bytes += end - this.used;
    this.used = end;
    this.rows++;
  }

  /** Adds one frame already encoded (`source` from `start` to `end`): a record moved without decoding it. */
  appendBytes(source: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.used + length > this.buffer.length) {
      this.flush();
      if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
    }
    const buffer = this.buffer;
    const used = this.used;
    // Short frames are copied by a loop: quicker than a call into C++ for a few dozen bytes.
    if (length <= 128) for (let i = 0; i < length; i++) buffer[used + i] = source[start + i] as number;
    else source.copy(buffer, used, start, end);
    this.used = used + length;
    this.bytes += length;
    this.rows++;
  }

  flush(): void {
    let written = 0;
    while (written < this.used) written += writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
    // A row that grew the buffer does not keep the large one alive.
    if (this.buffer.length > SPILL_BUFFER_BYTES) this.buffer = Buffer.allocUnsafe(SPILL_BUFFER_BYTES);
  }

  /** Flushes and closes the file (call once; `close` after a failure leaves the file to the spill folder's removal). */
  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Reads a spill file back in batches of rows, in the order they were written, one chunk in memory at
 * a time. Reads are synchronous, as the writes are (a 1 MiB read from the page cache or a local disk).
 */
export function* readSpillFile(path: string): Generator<Value[][]> {
  for (const { buffer, start, end } of readFrames(path)) {
    let batch: Value[][] = [];
    for (let at = start; at < end; at += buffer.readUInt32LE(at)) {
      batch.push(decodeRow(buffer, at));
      if (batch.length === READ_BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** Whole frames of a spill file (each starts with its u32 length), a chunk at a time: `buffer` from `start` to `end`, reused by the next chunk. */
export function* readFrames(path: string): Generator<{ buffer: Buffer; start: number; end: number }> {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let start = 0;
    let end = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, end, buffer.length - end, null);
      end += bytesRead;
      let whole = start;
      for (;;) {
        const length = frameLength(buffer, whole, end);
        if (length === undefined || whole + length > end) break;
        whole += length;
      }
      if (whole > start) yield { buffer, start, end: whole };
      start = whole;
      if (bytesRead === 0) {
        if (start !== end) throw new Error(`spill file ${path} ends inside a row (${end - start} bytes left)`);
        return;
      }
      // Keep the partial frame: at the front of the chunk, or in a larger one when it does not fit.
      const pending = end - start;
      const needed = Math.max(frameLength(buffer, start, end) ?? 0, pending);
      const next = needed > buffer.length / 2 ? Buffer.allocUnsafe(Math.max(READ_CHUNK_BYTES, needed * 2)) : buffer;
      buffer.copy(next, 0, start, end);
      buffer = next;
      start = 0;
      end = pending;
    }
  } finally {
    closeSync(fd);
  }
}
