import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { rejectWeight, TerminalError, type RecordError } from './errors.js';

/**
 * The quarantine output. Every rejected record ends up here, one JSON line each with
 * file, line, column, reason and the raw value; the stage that rejected it counts it.
 */
export interface RejectOutput extends RejectTally {
  write(reject: RecordError): Promise<void>;
  /** Flushes and makes the rejects durable. Called once, after the pipeline finished. */
  close(): Promise<void>;
}

/** How many rejects were written, and what they weigh in the reject ratio (`checkRejectRatio`). */
export interface RejectTally {
  /** Rejects written so far. */
  readonly count: number;
  /**
   * The records they may stand for: one each, or the lines a reject swallowed (a quote that never
   * closes takes every line after it as one record: `RecordError.lines`).
   */
  readonly weight: number;
}

/** The rejects written since `before` (a `tallyOf` taken then). */
export function rejectsSince(rejects: RejectTally, before: RejectTally): RejectTally {
  return { count: rejects.count - before.count, weight: rejects.weight - before.weight };
}

/** The tally now, as plain numbers. */
export function tallyOf(rejects: RejectTally): RejectTally {
  return { count: rejects.count, weight: rejects.weight };
}

/** Rejects as NDJSON into a byte stream (an object-store upload, a file). Honours the stream's backpressure. */
export function ndjsonRejects(out: Writable): RejectOutput {
  let count = 0;
  let weight = 0;
  return {
    get count() {
      return count;
    },
    get weight() {
      return weight;
    },
    async write(reject) {
      count++;
      weight += rejectWeight(reject);
      if (!out.write(`${JSON.stringify(reject)}\n`)) await once(out, 'drain');
    },
    async close() {
      if (out.writableFinished) return;
      out.end();
      await once(out, 'finish');
    },
  };
}

/** Keeps only the count and the first few rejects: for tests and for runs that configured no rejects location. */
export function countingRejects(keep = 100): RejectOutput & { readonly samples: readonly RecordError[] } {
  const samples: RecordError[] = [];
  let count = 0;
  let weight = 0;
  return {
    get count() {
      return count;
    },
    get weight() {
      return weight;
    },
    samples,
    async write(reject) {
      count++;
      weight += rejectWeight(reject);
      if (samples.length < keep) samples.push(reject);
    },
    async close() {
      /* nothing buffered */
    },
  };
}

/**
 * Counts rejects through to `inner` and, once more than `max` were written, calls `onExceeded` once
 * (the caller aborts the run: sinks abort instead of committing, so nothing half-good is published).
 */
export function limitedRejects(inner: RejectOutput, max: number, onExceeded: (count: number) => void): RejectOutput {
  let exceeded = false;
  return {
    get count() {
      return inner.count;
    },
    get weight() {
      return inner.weight;
    },
    async write(reject: RecordError) {
      await inner.write(reject);
      if (!exceeded && inner.count > max) {
        exceeded = true;
        onExceeded(inner.count);
      }
    },
    close: () => inner.close(),
  };
}

/**
 * `inner`, stopping the run once more than `max` records were rejected (`max` undefined: never):
 * `stop` aborts with a `TOO_MANY_REJECTS` error whose message `describe(count)` gives — the
 * `--max_rejects` of the pipelines and of `etl convert`.
 */
export function rejectsUpTo(
  inner: RejectOutput,
  max: number | undefined,
  stop: AbortController,
  describe: (count: number) => string,
): RejectOutput {
  if (max === undefined) return inner;
  return limitedRejects(inner, max, (count) => stop.abort(new TerminalError('TOO_MANY_REJECTS', describe(count))));
}
