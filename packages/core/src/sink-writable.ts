import { Writable } from 'node:stream';
import type { RunContext } from './context.js';
import type { RecordBatch, Sink } from './contracts.js';
import { describeError, PartialBatchError } from './errors.js';
import { checkRejectRatio } from './reject-ratio.js';
import { retry, type RetryPolicy } from './retry.js';

export interface SinkWritableOptions<T> {
  /** Records per `writeBatch` call. Default 500. */
  maxItems?: number;
  /**
   * Estimated bytes per `writeBatch` call (by `sizeOf`); a batch is sent when either bound is reached.
   * Default 8 MiB.
   */
  maxBytes?: number;
  /**
   * Batches being written at once. Memory held by the sink is at most
   * `(maxInFlight + 1) * maxItems` records (or the same multiple of `maxBytes`). Default 4.
   */
  maxInFlight?: number;
  /** Incoming chunks (batches from upstream) buffered before upstream is paused. Default 2. */
  highWaterMark?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Before committing, fail when the run's rejects outweigh the records this sink took
   * (`checkRejectRatio`, by `ctx.maxRejectRatio`). Default true; off for a sink that takes only some
   * of the run's records (the changed items of a diff-sync).
   */
  guardRejects?: boolean;
  /** Estimated size of a record in bytes; by default the length of its string and number fields. */
  sizeOf?: (record: T) => number;
  /**
   * Rows a record stands for, in the sink's row counts and the reject-ratio guard (default 1): for
   * sinks whose records are whole batches (`(batch) => batch.length` for column batches).
   */
  countOf?: (record: T) => number;
}

/** A sink's `Writable`, plus a way to wait until what was written so far is durably written. */
export interface SinkWritable extends Writable {
  /**
   * Sends the partial batch and resolves once every record written before this call has been written
   * by the sink (retries included); rejects if the sink failed. For a reader that must see earlier
   * writes, e.g. a key that comes back later in the same file. Costs one round of in-flight writes.
   */
  flush(): Promise<void>;
}

/** Marks a flush in the stream's own order, behind every chunk written before it. */
const FLUSH = Symbol('flush');

export const sinkDefaults = { maxItems: 500, maxBytes: 8 * 1024 * 1024, maxInFlight: 4, highWaterMark: 2 } as const;

/**
 * Wraps a `Sink` into a `Writable` that owns batching, bounded concurrency and retries, so sinks never
 * do. Concurrency is pull-based: when `maxInFlight` batches are being written, `_write` does not call
 * back, the stream buffer fills and upstream pauses. On failure every in-flight write is awaited and
 * the sink is aborted; `close` (commit) runs only after every batch succeeded.
 */
export function sinkWritable<T>(sink: Sink<T>, ctx: RunContext, options: SinkWritableOptions<T> = {}): SinkWritable {
  const maxItems = positive('maxItems', options.maxItems ?? sinkDefaults.maxItems);
  const maxBytes = positive('maxBytes', options.maxBytes ?? sinkDefaults.maxBytes);
  const maxInFlight = positive('maxInFlight', options.maxInFlight ?? sinkDefaults.maxInFlight);
  const sizeOf = options.sizeOf ?? estimateSize;
  const countOf = options.countOf;
  const rows = (items: readonly T[]): number => {
    if (!countOf) return items.length;
    let n = 0;
    for (const item of items) n += countOf(item);
    return n;
  };
  const metrics = ctx.counters.component(sink.name, 'sink');

  let pending: T[] = [];
  let pendingBytes = 0;
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  /** The commit under way: an abort arriving meanwhile waits for it instead of undoing a publish. */
  let closing: Promise<void> | undefined;
  let failure: unknown;

  const writeWithRetry = async (batch: RecordBatch<T>) => {
    let items = batch;
    await retry(
      async () => {
        try {
          const result = await sink.writeBatch(items, ctx);
          metrics.rowsOut += rows(items);
          metrics.bytesOut += result?.bytes ?? 0;
        } catch (error) {
          if (error instanceof PartialBatchError) {
            const pending = error.pending as RecordBatch<T>;
            metrics.rowsOut += rows(items) - rows(pending);
            items = pending;
          }
          throw error;
        }
      },
      {
        policy: options.retry,
        clock: ctx.clock,
        signal: ctx.signal,
        onRetry: ({ attempt, delayMs, error }) =>
          ctx.logger.warn({ sink: sink.name, attempt, delayMs, items: items.length, error: describeError(error) }, 'retrying batch write'),
      },
    );
  };

  const writable = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? sinkDefaults.highWaterMark,
    construct(callback) {
      sink.connect(ctx).then(() => callback(), callback);
    },
    write(chunk: RecordBatch<T> | typeof FLUSH, _encoding, callback) {
      if (chunk === FLUSH) {
        drain().then(() => callback(), callback);
        return;
      }
      metrics.rowsIn += rows(chunk);
      accept(chunk).then(() => callback(), callback);
    },
    final(callback) {
      finish().then(() => callback(), callback);
    },
    destroy(error, callback) {
      settle(error).then(
        () => callback(error),
        (abortError: unknown) => callback(error ?? (abortError as Error)),
      );
    },
  });

  async function accept(chunk: RecordBatch<T>) {
    for (const record of chunk) {
      pending.push(record);
      pendingBytes += sizeOf(record);
      if (pending.length >= maxItems || pendingBytes >= maxBytes) await dispatch();
    }
  }

  async function dispatch() {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
    const write: Promise<void> = writeWithRetry(batch)
      .catch((error: unknown) => {
        failure ??= error;
        writable.destroy(error as Error);
      })
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
  }

  async function drain() {
    if (pending.length > 0) await dispatch();
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  }

  async function finish() {
    await drain();
    // An abort can land while the last batches finish; committing then would publish a partial run.
    if (writable.destroyed) throw new Error('sink destroyed before it was closed');
    ctx.signal.throwIfAborted();
    if (options.guardRejects !== false) checkRejectRatio(ctx, metrics.rowsIn, sink.name);
    closing = sink.close(ctx);
    await closing;
    closed = true;
  }

  async function settle(error: Error | null) {
    await Promise.allSettled(inFlight);
    if (
      closing &&
      (await closing.then(
        () => true,
        () => false,
      ))
    )
      return;
    if (closed) return;
    await sink.abort?.(error ?? new Error('sink destroyed before it was closed'), ctx);
  }

  return Object.assign(writable, {
    flush: () => new Promise<void>((resolve, reject) => writable.write(FLUSH, (error) => (error ? reject(error) : resolve()))),
  });
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Rough bytes of a record: string lengths plus 8 per other scalar. Cheap; used only for batch bounds. */
export function estimateSize(record: unknown): number {
  if (typeof record === 'string') return record.length;
  if (record === null || typeof record !== 'object') return 8;
  if (ArrayBuffer.isView(record)) return record.byteLength;
  let size = 0;
  for (const value of Object.values(record)) size += typeof value === 'string' ? value.length : 8;
  return size;
}
