import type { ColumnBatch } from '@etl/schema';

/**
 * Proves a file's keys distinct the cheap way while they come in strictly ascending order (one
 * integer key: the usual export, or generated ids), so the Bloom filter (`DuplicateKeyFilter`, a
 * random probe into 16 MiB per row, about a tenth of staging's CPU) is fed only from the first key
 * out of order on. Keys before that are distinct and lie in [first, last]; a later key in that range
 * may repeat one of them, so it counts as a possible duplicate (never a wrong "distinct"); later keys
 * among themselves are the filter's. Any other key (text, several columns) is not handled: `from`
 * is 0 for every batch. Pure; memory constant.
 */
export class AscendingKeys {
  private ascending: boolean;
  private seen = false;
  private firstHi = 0;
  private firstLo = 0;
  private lastHi = 0;
  private lastLo = 0;
  private overlap = false;

  /** `key`: the key column's position, or undefined when the key is not one integer column. */
  constructor(private readonly key: number | undefined) {
    this.ascending = key !== undefined;
  }

  /** True while every key so far is strictly greater than the one before (so all are distinct). */
  get stillAscending(): boolean {
    return this.ascending;
  }

  /** Some key after the ascending run fell within its range, so it may repeat one of its keys. */
  get overlapsRun(): boolean {
    return this.overlap;
  }

  /**
   * Reads a batch; returns the first row the ascending run does not cover (the batch's length when
   * it covers all): the rows from there on are the key filter's to judge.
   */
  observe(batch: ColumnBatch): number {
    if (this.key === undefined) return 0;
    const column = batch.columns[this.key];
    if (!column) return 0;
    const data = column.data;
    const valid = column.valid;
    const wide = data.layout === 'int64';
    if (!wide && data.layout !== 'int32') {
      this.ascending = false;
      return 0;
    }
    const words = wide ? data.halves : data.values;
    let from = 0;
    if (this.ascending) {
      for (; from < batch.length; from++) {
        if (valid[from] === 0) break;
        // int64 little-endian: high word signed, low word unsigned; int32: the value is the low word.
        const hi = wide ? (words[2 * from + 1] as number) : (words[from] as number) < 0 ? -1 : 0;
        const lo = (wide ? (words[2 * from] as number) : (words[from] as number)) >>> 0;
        if (this.seen && (hi < this.lastHi || (hi === this.lastHi && lo <= this.lastLo))) break;
        if (!this.seen) {
          this.seen = true;
          this.firstHi = hi;
          this.firstLo = lo;
        }
        this.lastHi = hi;
        this.lastLo = lo;
      }
      if (from === batch.length) return from;
      this.ascending = false;
    }
    if (!this.seen || this.overlap) return from;
    for (let r = from; r < batch.length; r++) {
      if (valid[r] === 0) continue;
      const hi = wide ? (words[2 * r + 1] as number) : (words[r] as number) < 0 ? -1 : 0;
      const lo = (wide ? (words[2 * r] as number) : (words[r] as number)) >>> 0;
      const atLeastFirst = hi > this.firstHi || (hi === this.firstHi && lo >= this.firstLo);
      const atMostLast = hi < this.lastHi || (hi === this.lastHi && lo <= this.lastLo);
      if (atLeastFirst && atMostLast) {
        this.overlap = true;
        break;
      }
    }
    return from;
  }
}
