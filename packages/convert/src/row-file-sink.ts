import type { RecordBatch, RunContext, Sink } from '@etl/core';
import { objectWriter, type ObjectStore, type ObjectWriter } from '@etl/object-store';
import type { Schema, Value } from '@etl/schema';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { formatOf, type FileFormat } from './file-format.js';
import { rowEncoder, type EncoderOptions, type RowEncoder } from './row-encoders.js';

export interface RowFileSinkOptions extends EncoderOptions {
  /** From the URI's extension when absent. */
  format?: FileFormat;
  /** Sink name in the run report (default: the URI). */
  name?: string;
}

/**
 * Rows in schema order into one file (Parquet, CSV or NDJSON) as a core `Sink`: core batches and
 * paces it, the encoder turns rows into bytes, the object writer uploads them (multipart on S3).
 * The file is visible only once `close` completed it; `abort` (failure, signal) aborts the upload, so
 * a failed run leaves no partial file, and a run with no rows leaves no file at all (a warning says so). Memory: the encoder's bound (a Parquet row group, see
 * `ParquetWriterOptions`) plus the object writer's upload buffers.
 */
export class RowFileSink implements Sink<Value[]> {
  readonly name: string;
  private opened: { encoder: RowEncoder; out: ObjectWriter } | undefined;
  /** Batches are encoded one after another whatever core's `maxInFlight`: a file has one order. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Rows written, and where, once closed. */
  rows = 0;

  constructor(
    private readonly objects: ObjectStore,
    readonly uri: string,
    private readonly schema: Schema,
    private readonly options: RowFileSinkOptions = {},
  ) {
    this.name = options.name ?? uri;
    formatOf(uri, options.format); // a bad format fails here, before anything is written
  }

  async connect(ctx: RunContext): Promise<void> {
    const { format, name: _name, ...encoding } = this.options;
    const encoder = rowEncoder(formatOf(this.uri, format), this.schema, encoding);
    const out = objectWriter(this.objects, this.uri, { signal: ctx.signal });
    // An upload that fails between writes is seen by the next write (an unheard 'error' would be a crash).
    out.on('error', () => undefined);
    this.opened = { encoder, out };
  }

  writeBatch(batch: RecordBatch<Value[]>): Promise<{ bytes: number }> {
    const written = this.tail.then(async () => {
      const { encoder, out } = this.file();
      let bytes = 0;
      for (const row of batch) for (const part of encoder.appendRow(row)) bytes += await write(out, part);
      this.rows += batch.length;
      return { bytes };
    });
    this.tail = written.catch(() => undefined);
    return written;
  }

  async close(ctx: RunContext): Promise<void> {
    await this.tail;
    if (this.rows === 0) {
      // An empty input publishes nothing: an empty file would read as "this run found no rows" forever.
      ctx.logger.warn({ uri: this.uri }, `no rows to write: ${this.uri} not written`);
      await this.abort(new Error('no rows'));
      return;
    }
    const { encoder, out } = this.file();
    for (const part of encoder.finish()) await write(out, part);
    out.end();
    await finished(out);
  }

  async abort(reason: unknown): Promise<void> {
    const out = this.opened?.out;
    if (!out || out.destroyed) return;
    out.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await finished(out).catch(() => undefined);
  }

  private file(): { encoder: RowEncoder; out: ObjectWriter } {
    if (!this.opened) throw new Error(`${this.name}: written before connect`);
    return this.opened;
  }
}

async function write(out: ObjectWriter, part: Uint8Array): Promise<number> {
  if (out.destroyed) throw out.errored ?? new Error('the output was closed before the file was complete');
  if (!out.write(part)) await once(out, 'drain');
  return part.byteLength;
}
