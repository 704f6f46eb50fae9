import type { RecordError, RejectOutput } from '@etl/core';

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
