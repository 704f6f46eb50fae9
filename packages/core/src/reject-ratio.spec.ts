import { describe, expect, it } from 'vitest';
import { RecordError } from './errors.js';
import { checkRejectRatio } from './reject-ratio.js';
import { rejectsSince, tallyOf } from './rejects.js';
import { testContext } from './testing/index.js';

function context(maxRejectRatio = 0.1) {
  return { ...testContext().ctx, maxRejectRatio };
}

const ragged = (line: number) => new RecordError({ code: 'RAGGED_ROW', reason: 'ragged', file: 'in.csv', line });
const unclosed = (line: number, lines: number) =>
  new RecordError({
    code: 'UNTERMINATED_QUOTE',
    reason: `quoted field starting on line ${line} is never closed`,
    file: 'in.csv',
    line,
    lines,
  });

describe('checkRejectRatio', () => {
  it('passes rejects up to the ratio and fails past it, naming the share', async () => {
    const ctx = context();
    await ctx.rejects.write(ragged(3));
    expect(() => checkRejectRatio(ctx, 9, 'in.csv')).not.toThrow();
    await ctx.rejects.write(ragged(4));
    expect(() => checkRejectRatio(ctx, 9, 'in.csv')).toThrow(
      '2 of 11 records of in.csv rejected (18.2%, more than --max_reject_ratio 0.1): nothing was published; the rejects say why',
    );
  });

  it('weighs a quote that never closes as the lines it took: 10 rows kept and 29 lines lost is not 1 reject in 11', async () => {
    const ctx = context();
    await ctx.rejects.write(unclosed(13, 29));
    expect(ctx.rejects).toMatchObject({ count: 1, weight: 29 });
    expect(() => checkRejectRatio(ctx, 10, 'in.csv')).toThrow(
      '29 of 39 records of in.csv rejected, counting the lines each reject took (1 reject over 29 lines: a stray quote swallows the lines up to the next quote or the end) (74.4%, more than --max_reject_ratio 0.1): nothing was published; the rejects say why',
    );
    // Near the end of a long file it stays under the ratio, as one bad line would.
    expect(() => checkRejectRatio(ctx, 1000, 'in.csv')).not.toThrow();
  });

  it('checks the rejects of one part of a run (a table, a file) from a tally taken before it', async () => {
    const ctx = context();
    await ctx.rejects.write(unclosed(2, 50)); // an earlier table's
    const before = tallyOf(ctx.rejects);
    await ctx.rejects.write(ragged(7));
    expect(rejectsSince(ctx.rejects, before)).toEqual({ count: 1, weight: 1 });
    expect(() => checkRejectRatio(ctx, 20, 'table b', rejectsSince(ctx.rejects, before))).not.toThrow();
    expect(() => checkRejectRatio(ctx, 20, 'the run')).toThrow(
      /^51 of 71 records of the run rejected, counting the lines each reject took \(2 rejects over 51 lines: .+\) \(71\.8%, more than --max_reject_ratio 0\.1\)/,
    );
  });
});
