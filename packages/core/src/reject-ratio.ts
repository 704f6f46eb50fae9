import type { RunContext } from './context.js';
import type { Stage } from './contracts.js';
import { TerminalError } from './errors.js';

/**
 * Fails a run whose rejects outweigh what it kept: more than `ctx.maxRejectRatio` of its records
 * rejected, or every one of them (a Parquet file read as CSV, a wrong delimiter, a wrong encoding).
 * Called before anything is published (a sink's commit, a COPY), so such a run publishes nothing.
 * `rejected` defaults to the run's rejects so far.
 */
export function checkRejectRatio(ctx: RunContext, accepted: number, what: string, rejected = ctx.rejects.count): void {
  const ratio = ctx.maxRejectRatio;
  if (ratio === undefined || rejected === 0) return;
  const total = accepted + rejected;
  if (accepted > 0 && rejected / total <= ratio) return;
  const share = accepted === 0 ? 'all of them' : `${((100 * rejected) / total).toFixed(1)}%, more than --max_reject_ratio ${ratio}`;
  throw new TerminalError(
    'TOO_MANY_REJECTS',
    `${rejected} of ${total} records of ${what} rejected (${share}): nothing was published; the rejects say why (a file of another format, encoding or delimiter?)`,
  );
}

/**
 * A pass-through stage that runs `checkRejectRatio` when its input ends, over the records that
 * reached it: for chains whose sink is a plain byte writer (core's `sinkWritable` checks by itself).
 */
export function rejectRatioGuard<T>(ctx: RunContext, what: string): Stage<T, T> {
  let accepted = 0;
  return {
    name: 'reject-ratio',
    process(record) {
      accepted++;
      return record;
    },
    flush() {
      checkRejectRatio(ctx, accepted, what);
      return [];
    },
  };
}
