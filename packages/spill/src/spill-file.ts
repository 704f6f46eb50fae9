import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Write buffer of one spill file (each partition has one while a spill is written). */
export const SPILL_BUFFER_BYTES = 64 * 1024;
/** Read chunk of a spill file being read back (one at a time). */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * One spill file being written: frames (records of `record-codec.ts`, each starting with its u32
 * length) are copied into a buffer of `SPILL_BUFFER_BYTES`, written out when the next one does not fit. Writes are synchronous: a 64 KiB write to a local temp file lands in
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
    // A frame that grew the buffer does not keep the large one alive.
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
        if (start !== end) throw new Error(`spill file ${path} ends inside a record (${end - start} bytes left)`);
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

/** A frame's length (its first u32), or undefined while fewer than its 4 length bytes are in `buffer` before `end`. */
function frameLength(buffer: Buffer, at: number, end: number): number | undefined {
  return end - at < 4 ? undefined : buffer.readUInt32LE(at);
}
