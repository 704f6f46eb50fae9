import type { Readable } from 'node:stream';
import type { RunContext } from './context.js';

/**
 * Records travel between components in arrays (`RecordBatch`), so per-chunk stream overhead is paid
 * once per batch rather than once per row. Stream high-water marks therefore count batches.
 */
export type RecordBatch<T> = readonly T[];

/** Produces the records (or bytes) of a run. Reading is pull-based: nothing is read ahead of demand. */
export interface Source<T> {
  readonly name: string;
  /**
   * Its rows were counted as read by the reader that parsed them (a file's `csv-parse`,
   * `parquet-read` …): `runPipeline` then meters them as a stage, not as rows read a second time.
   */
  readonly readByReader?: boolean;
  open(ctx: RunContext): Readable | AsyncIterable<RecordBatch<T>>;
}

/** Produces raw bytes (a file, an object) that a reader stage (CSV, NDJSON, Parquet) turns into records. */
export interface ByteSource {
  readonly name: string;
  open(ctx: RunContext): Readable | AsyncIterable<Uint8Array>;
}

/**
 * Pure per-record logic (cast, clean, enrich, dedup). It knows nothing of streams:
 * `stageTransform` adapts it. To reject a record, throw a `RecordError`; to drop one on purpose,
 * return `undefined` (it is counted as dropped); to fan out, return an array marked with `many`.
 */
export interface Stage<I, O> {
  readonly name: string;
  process(record: I): O | Many<O> | undefined;
  /** Records held back until the end (e.g. "last row wins" dedup). */
  flush?(): Iterable<O>;
}

const MANY = Symbol('many');
export interface Many<T> {
  readonly [MANY]: readonly T[];
}

/** Marks several outputs for one input. */
export function many<T>(records: readonly T[]): Many<T> {
  return { [MANY]: records };
}

export function isMany<T>(value: unknown): value is Many<T> {
  return typeof value === 'object' && value !== null && MANY in value;
}

export function manyRecords<T>(value: Many<T>): readonly T[] {
  return value[MANY];
}

/** What `writeBatch` reports back, for the run report. */
export interface BatchWriteResult {
  bytes?: number;
}

/**
 * A destination. Deliberately tiny (Benthos's output contract): core batches, bounds in-flight
 * batches and retries; a sink only connects, writes one batch, and closes.
 */
export interface Sink<T> {
  readonly name: string;
  connect(ctx: RunContext): Promise<void>;
  /**
   * Writes one batch. Throw `TransientError` to have the whole batch retried, `PartialBatchError`
   * to have only its pending items retried, anything else to fail the run.
   */
  writeBatch(batch: RecordBatch<T>, ctx: RunContext): Promise<BatchWriteResult | void>;
  /** Makes everything written durable (completes uploads, commits). Only called after success. */
  close(ctx: RunContext): Promise<void>;
  /** Discards what is not durable yet (aborts multipart uploads, rolls back). Called on failure and abort. */
  abort?(reason: unknown, ctx: RunContext): Promise<void>;
}
