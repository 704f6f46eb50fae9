import { checkRejectRatio, countingRejects, Counters, type RunContext } from '@etl/core';
import type { RowSource } from './sources/row-source.js';

/**
 * Reads a source once through parsing and casting, writing nothing but its rejects, and fails as
 * the run's reject limits would (`--max_rejects` through `ctx.rejects`, `--max_reject_ratio` by
 * `checkRejectRatio`): for sinks that cannot take back what they wrote, such as DynamoDB items,
 * so a file that is mostly rejects changes nothing. It costs a second read of the source.
 *
 * Returns the rows it accepted and the context for the writing pass: the same run, but its rejects
 * were already recorded here, so that pass counts them again without writing them twice. The source
 * must read the same both times (an object replaced in between is not detected).
 */
export async function screenRejects(
  open: (ctx: RunContext) => Promise<RowSource>,
  ctx: RunContext,
  what: string,
): Promise<{ accepted: number; writingCtx: RunContext }> {
  // Own counters: the writing pass's rows and bytes are the run's figures, not these.
  const rows = await open({ ...ctx, counters: new Counters() });
  let accepted = 0;
  for await (const batch of rows.batches()) {
    ctx.signal.throwIfAborted();
    accepted += batch.length;
  }
  ctx.signal.throwIfAborted();
  checkRejectRatio(ctx, accepted, what);
  ctx.logger.debug({ accepted, rejected: ctx.rejects.count }, `${what}: screened for rejects before writing`);
  return { accepted, writingCtx: { ...ctx, rejects: countingRejects(0) } };
}
