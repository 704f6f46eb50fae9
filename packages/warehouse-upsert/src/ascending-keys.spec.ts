import { describe, expect, it } from 'vitest';
import { columnsOf, type Field, type Value } from '@etl/schema';
import { AscendingKeys } from './ascending-keys.js';

const big: Field = { name: 'id', type: { kind: 'bigint' }, nullable: true };
const int: Field = { name: 'id', type: { kind: 'int' }, nullable: true };
const text: Field = { name: 'id', type: { kind: 'string' }, nullable: true };
const batch = (field: Field, keys: Value[]) =>
  columnsOf(
    [field],
    keys.map((k) => [k]),
  );

/** Feeds the batches; returns where each handed over to the filter, and the verdict. */
function judge(field: Field, batches: Value[][]) {
  const keys = new AscendingKeys(0);
  const from = batches.map((b) => keys.observe(batch(field, b)));
  return { from, ascending: keys.stillAscending, overlaps: keys.overlapsRun };
}

describe('AscendingKeys', () => {
  it('proves strictly ascending integer keys distinct across batches, negative and past 2^32 included', () => {
    expect(judge(big, [[-5n, -1n, 0n], [1n, 2n ** 32n, 2n ** 40n], [2n ** 62n]])).toEqual({
      from: [3, 3, 1],
      ascending: true,
      overlaps: false,
    });
    expect(
      judge(int, [
        [-70_000, 3, 4],
        [5, 2 ** 31 - 1],
      ]),
    ).toEqual({ from: [3, 2], ascending: true, overlaps: false });
  });

  it('hands over at the first key not above the one before: a repeat, a smaller key, or a null', () => {
    expect(judge(big, [[1n, 2n, 2n, 9n]])).toMatchObject({ from: [2], ascending: false, overlaps: true });
    expect(
      judge(big, [
        [1n, 2n],
        [3n, 0n],
      ]),
    ).toMatchObject({ from: [2, 1], ascending: false, overlaps: false });
    expect(judge(big, [[1n, null, 3n]])).toMatchObject({ from: [1], ascending: false });
  });

  it('counts a later key within the ascending run as a possible repeat, and keys outside it as the filter’s', () => {
    // 10..20 ascending, then 5 (below the run): the filter's to judge; then 15 falls inside the run.
    expect(judge(big, [[10n, 20n], [5n, 30n], [1n]])).toMatchObject({ from: [2, 0, 0], overlaps: false });
    expect(
      judge(big, [
        [10n, 20n],
        [5n, 15n],
      ]),
    ).toMatchObject({ from: [2, 0], overlaps: true });
    expect(judge(int, [[2 ** 31 - 1], [-(2 ** 31)], [2 ** 31 - 1]])).toMatchObject({ from: [1, 0, 0], overlaps: true });
  });

  it('leaves every row to the filter for a key it does not handle: text, or several key columns', () => {
    expect(judge(text, [['a', 'b']])).toMatchObject({ from: [0], ascending: false });
    const several = new AscendingKeys(undefined);
    expect(several.observe(batch(big, [1n, 2n]))).toBe(0);
    expect(several.stillAscending).toBe(false);
  });
});
