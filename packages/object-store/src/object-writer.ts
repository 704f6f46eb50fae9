import { PassThrough, Writable } from 'node:stream';
import type { ObjectStore, PutOptions, PutResult } from './object-store.js';

export interface ObjectWriter extends Writable {
  /** Resolves with the stored object once the writer has finished. */
  readonly result: Promise<PutResult>;
}

/**
 * A byte `Writable` into one object, for the end of a `pipeline` (Parquet, CSV, NDJSON writers).
 * It emits `finish` only after the object is durably stored, and destroying it (failure, abort)
 * aborts the upload, so a pipeline that fails never leaves a partial object behind.
 *
 * Memory: `highWaterMark` bytes here plus the store's own bound (S3: about `2 * partSize * queueSize`).
 */
export function objectWriter(store: ObjectStore, uri: string, options: PutOptions & { highWaterMark?: number } = {}): ObjectWriter {
  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  const body = new PassThrough({ highWaterMark: options.highWaterMark ?? 1024 * 1024 });
  const result = store.put(uri, body, { ...options, signal });
  result.catch(() => undefined); // observed through the writer's callbacks

  const writer = new Writable({
    highWaterMark: options.highWaterMark ?? 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (body.write(chunk)) return callback();
      let done = false;
      const onDrain = () => {
        if (done) return;
        done = true;
        callback();
      };
      body.once('drain', onDrain);
      // If the upload fails while we wait for drain, fail the write instead of hanging.
      result.catch((error: Error) => {
        body.off('drain', onDrain);
        if (done) return;
        done = true;
        callback(error);
      });
    },
    final(callback) {
      body.end();
      result.then(() => callback(), callback);
    },
    destroy(error, callback) {
      if (!body.writableFinished) {
        abort.abort(error ?? new Error('object writer destroyed'));
        body.destroy();
      }
      result.then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  return Object.assign(writer, { result });
}
