import { ndjsonRejects, type RecordError, type RejectOutput } from '@etl/core';
import { objectWriter, type ObjectStore } from '@etl/object-store';

/**
 * Rejects as NDJSON in one object, opened on the first reject (a clean run leaves no empty file).
 * Kept on failure too: they are the evidence of what went wrong.
 */
export function objectRejects(objects: ObjectStore, uri: string): RejectOutput {
  let output: RejectOutput | undefined;
  let count = 0;
  return {
    get count() {
      return count;
    },
    async write(reject: RecordError) {
      output ??= ndjsonRejects(objectWriter(objects, uri, { contentType: 'application/x-ndjson' }));
      count++;
      await output.write(reject);
    },
    async close() {
      await output?.close();
    },
  };
}

/**
 * Counts rejects through to `inner` and, once more than `max` were written, calls `onExceeded` once
 * (the runtime aborts the run: sinks abort instead of committing, so nothing half-good is published).
 */
export function limitedRejects(inner: RejectOutput, max: number, onExceeded: (count: number) => void): RejectOutput {
  let exceeded = false;
  return {
    get count() {
      return inner.count;
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
