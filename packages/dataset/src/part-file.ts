import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { objectWriter, type ObjectStore, type ObjectWriter } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import type { ColumnBatch, Schema, Value } from '@etl/schema';
import type { DatasetFile } from './manifest.js';

export interface PartFileOptions {
  rowGroupBytes: number;
  rowGroupRows: number;
  uploadPartSize: number;
  /** Aborts the upload (the run's signal). */
  signal: AbortSignal;
}

/** Bytes buffered between the Parquet writer and the upload, on each side of the object writer. */
const HANDOFF_BYTES = 256 * 1024;

/**
 * One Parquet file being written: rows in, its bytes streamed into one object. The object's upload
 * starts with the first row group, so a part that never got a row never becomes a file. Memory: the
 * open row group, plus the upload's buffers (about `2 * uploadPartSize` on S3, one part in flight).
 */
export class PartFile {
  private readonly parquet: ParquetWriter;
  private out: ObjectWriter | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly store: ObjectStore,
    readonly uri: string,
    /** Partition folders below the generation (`''` when unpartitioned). */
    readonly partition: string,
    schema: Schema,
    private readonly options: PartFileOptions,
  ) {
    this.parquet = new ParquetWriter(schema, { rowGroupBytes: options.rowGroupBytes, rowGroupRows: options.rowGroupRows });
  }

  get rows(): number {
    return this.parquet.rows;
  }

  /** Bytes of the finished row groups (what the file holds so far). */
  get bytes(): number {
    return this.parquet.bytesOut;
  }

  /** Adds a row; returns the bytes of the row group it closed, for `write`. */
  appendRow(row: readonly Value[]): readonly Uint8Array[] {
    return this.parquet.appendRow(row);
  }

  /** Adds a column batch of the file's schema; returns the bytes of the row groups it closed. */
  appendColumns(batch: ColumnBatch): readonly Uint8Array[] {
    return this.parquet.appendColumns(batch);
  }

  /** Hands bytes to the upload; resolves when it has room for more (backpressure), rejects once it failed. */
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    const out = this.output();
    for (const chunk of chunks) {
      if (this.failure || out.destroyed) throw this.failure ?? new Error(`the upload of ${this.uri} was closed`);
      if (!out.write(chunk)) await once(out, 'drain', { signal: this.options.signal });
    }
    if (this.failure) throw this.failure;
  }

  /** Writes the last row group and the footer and waits until the object is stored. */
  async finish(): Promise<DatasetFile> {
    const rows = this.parquet.rows;
    await this.write(this.parquet.finish());
    const out = this.output();
    out.end();
    await finished(out);
    const stored = await out.result;
    return { uri: this.uri, partition: this.partition, rows, bytes: stored.size };
  }

  /** Aborts the upload (S3: the multipart upload; local: the temp file); settles once that is done. */
  async abort(reason: unknown): Promise<void> {
    if (!this.out) return;
    this.out.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await this.out.result.catch(() => undefined);
  }

  private output(): ObjectWriter {
    if (this.out) return this.out;
    const out = objectWriter(this.store, this.uri, {
      signal: this.options.signal,
      partSize: this.options.uploadPartSize,
      queueSize: 1,
      highWaterMark: HANDOFF_BYTES,
    });
    // Seen by the next write or by finish; without a listener a failed upload would crash the process.
    out.on('error', (error: Error) => (this.failure ??= error));
    this.out = out;
    return out;
  }
}
