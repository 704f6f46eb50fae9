import type { RunContext } from './context.js';
import type { Stage } from './contracts.js';
import { TerminalError } from './errors.js';
import type { RejectTally } from './rejects.js';

/** Why a reject can take many lines: said wherever rejects are weighed by their lines. */
export const SWALLOWED_LINES = 'a stray quote swallows the lines up to the next quote or the end';

/**
 * Fails a run whose rejects outweigh what it kept: more than `ctx.maxRejectRatio` of its records
 * rejected, or every one of them (a Parquet file read as CSV, a wrong delimiter, a wrong encoding).
 * A reject weighs as the lines it took (`RejectTally.weight`): a stray quote on line 12 of a 40-line
 * file is 1 reject, but the lines after it are lost with it, and the ratio counts them (`--max_rejects`
 * counts rejects).
 * Called before anything is published (a sink's commit, a COPY), so such a run publishes nothing.
 * `rejected` defaults to the run's rejects so far.
 */
export function checkRejectRatio(ctx: RunContext, accepted: number, what: string, rejected: RejectTally = ctx.rejects): void {
  const ratio = ctx.maxRejectRatio;
  const { count, weight } = rejected;
  if (ratio === undefined || count === 0) return;
  const total = accepted + weight;
  if (accepted > 0 && weight / total <= ratio) return;
  const share = accepted === 0 ? 'all of them' : `${((100 * weight) / total).toFixed(1)}%, more than --max_reject_ratio ${ratio}`;
  const took =
    weight > count
      ? `, counting the lines each reject took (${count === 1 ? '1 reject' : `${count} rejects`} over ${weight} lines: ${SWALLOWED_LINES})`
      : '';
  throw new TerminalError(
    'TOO_MANY_REJECTS',
    `${weight} of ${total} records of ${what} rejected${took} (${share}): nothing was published; the rejects say why (a file of another format, encoding or delimiter? a quote opened on the line a reject names?)`,
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
