import { PassThrough, Writable } from 'node:stream';
import type { ObjectStore, PutOptions, PutResult } from './object-store.js';

export interface ObjectWriter<R = PutResult> extends Writable {
  /** Resolves with the stored object once the writer has finished (undefined: empty, and `skipEmpty` said so). */
  readonly result: Promise<R>;
}

export interface ObjectWriterOptions extends PutOptions {
  highWaterMark?: number;
  /**
   * Store nothing when no byte was written (an existing object is left as it was): a run with no
   * rows publishes no empty file. The upload then starts at the first byte instead of at once.
   */
  skipEmpty?: boolean;
}

/**
 * A byte `Writable` into one object, for the end of a `pipeline` (Parquet, CSV, NDJSON writers).
 * It emits `finish` only after the object is durably stored, and destroying it (failure, abort)
 * aborts the upload, so a pipeline that fails never leaves a partial object behind.
 *
 * Memory: `highWaterMark` bytes here plus the store's own bound (S3: about `2 * partSize * queueSize`).
 */
export function objectWriter(
  store: ObjectStore,
  uri: string,
  options: ObjectWriterOptions & { skipEmpty: true },
): ObjectWriter<PutResult | undefined>;
export function objectWriter(store: ObjectStore, uri: string, options?: ObjectWriterOptions): ObjectWriter;
export function objectWriter(store: ObjectStore, uri: string, options: ObjectWriterOptions = {}): ObjectWriter<PutResult | undefined> {
  const { skipEmpty = false, highWaterMark = 1024 * 1024, ...putOptions } = options;
  const abort = new AbortController();
  const signal = putOptions.signal ? AbortSignal.any([putOptions.signal, abort.signal]) : abort.signal;
  let upload: { body: PassThrough; result: Promise<PutResult> } | undefined;
  let resolveResult: (value: Promise<PutResult | undefined>) => void = () => undefined;
  const result = new Promise<PutResult | undefined>((resolve) => (resolveResult = resolve));
  result.catch(() => undefined); // observed through the writer's callbacks
  let settled = false;
  const settle = (value: () => Promise<PutResult | undefined>) => {
    if (settled) return;
    settled = true;
    resolveResult(value());
  };
  const start = () => {
    if (upload) return upload;
    const body = new PassThrough({ highWaterMark });
    const put = store.put(uri, body, { ...putOptions, signal });
    put.catch(() => undefined);
    settle(() => put);
    return (upload = { body, result: put });
  };
  if (!skipEmpty) start();

  const writer = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      const { body, result: put } = start();
      if (body.write(chunk)) return callback();
      let done = false;
      const onDrain = () => {
        if (done) return;
        done = true;
        callback();
      };
      body.once('drain', onDrain);
      // If the upload fails while we wait for drain, fail the write instead of hanging.
      put.catch((error: Error) => {
        body.off('drain', onDrain);
        if (done) return;
        done = true;
        callback(error);
      });
    },
    final(callback) {
      if (!upload) {
        settle(() => Promise.resolve(undefined));
        return callback();
      }
      upload.body.end();
      upload.result.then(() => callback(), callback);
    },
    destroy(error, callback) {
      if (!upload) {
        settle(() => Promise.reject(error ?? new Error('object writer destroyed')));
        return callback(error);
      }
      const { body, result: put } = upload;
      if (!body.writableFinished) {
        abort.abort(error ?? new Error('object writer destroyed'));
        body.destroy();
      }
      put.then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  return Object.assign(writer, { result });
}
