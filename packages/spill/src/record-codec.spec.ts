import { describe, expect, it } from 'vitest';
import { seededRandom } from '@etl/core';
import type { Value } from '@etl/schema';
import { mapKeyOf } from './key.js';
import { compareOrder } from './order.js';
import {
  compareRecordOrder,
  hashRecordKey,
  maxRecordBytes,
  readRecordRow,
  recordLength,
  sameRecordKey,
  writeRecord,
} from './record-codec.js';

/** A value of any type a cast makes, drawn so that equal keys and ties are common. */
function randomValue(random: () => number): Value {
  const pick = Math.floor(random() * 12);
  const small = Math.floor(random() * 5);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return small;
    case 3:
      return small === 0 ? -0 : small + 0.5;
    case 4:
      return BigInt(small);
    case 5:
      return 1_733_443_200_000_000n + BigInt(small);
    case 6:
      return 2n ** 70n + BigInt(small);
    case 7:
      return -(2n ** 60n) - BigInt(small);
    case 8:
      return String(small);
    case 9:
      return ['é', '日本', 'x'.repeat(100), '\uD800', '\uDC00', 'a\uD83D\uDE00'][small] ?? '';
    case 10:
      return Number.NaN;
    default:
      return `k-${small}`;
  }
}

function encode(row: Value[], keyColumns: number[], orderColumn: number | undefined): Buffer {
  const layout = { keyColumns, orderColumn };
  const buffer = Buffer.alloc(maxRecordBytes(row, layout));
  const end = writeRecord(row, layout, buffer, 0, buffer.length);
  expect(end).toBeGreaterThan(0);
  expect(recordLength(buffer, 0)).toBe(end);
  return buffer;
}

describe('record codec', () => {
  it('gives back every row exactly, whatever its values', () => {
    const random = seededRandom(11);
    for (let n = 0; n < 2000; n++) {
      const row = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomValue(random));
      const back = readRecordRow(encode(row, [0], row.length > 1 ? 1 : undefined), 0);
      expect(back).toEqual(row);
      back.forEach((value, i) => expect(Object.is(value, row[i]) || value === row[i]).toBe(true));
    }
  });

  it('reports a row that does not fit before the limit instead of writing past it', () => {
    const row: Value[] = [1, 'x'.repeat(50), 3n];
    const layout = { keyColumns: [0], orderColumn: 2 };
    const buffer = Buffer.alloc(200).fill(7);
    expect(writeRecord(row, layout, buffer, 100, 140)).toBe(-1);
    expect(buffer.subarray(140).every((b) => b === 7)).toBe(true);
  });

  it('has the same key exactly when a Map (composite: encodeKey) would, and the same hash then', () => {
    const random = seededRandom(12);
    for (const keyColumns of [[0], [0, 1]]) {
      const rows = Array.from({ length: 400 }, () => [randomValue(random), randomValue(random)]);
      const buffers = rows.map((row) => encode(row, keyColumns, undefined));
      for (let i = 0; i < rows.length; i += 7)
        for (let j = 0; j < rows.length; j++) {
          const same =
            Object.is(mapKeyOf(rows[i] as Value[], keyColumns), mapKeyOf(rows[j] as Value[], keyColumns)) ||
            mapKeyOf(rows[i] as Value[], keyColumns) === mapKeyOf(rows[j] as Value[], keyColumns);
          expect(sameRecordKey(buffers[i] as Buffer, 0, buffers[j] as Buffer, 0)).toBe(same);
          if (same) expect(hashRecordKey(buffers[i] as Buffer, 0, 3)).toBe(hashRecordKey(buffers[j] as Buffer, 0, 3));
        }
    }
  });

  it('orders two records as compareOrder orders their order values', () => {
    const random = seededRandom(13);
    const rows = Array.from({ length: 300 }, () => [0, randomValue(random)]);
    const buffers = rows.map((row) => encode(row, [0], 1));
    for (let i = 0; i < rows.length; i++)
      for (let j = 0; j < rows.length; j += 3)
        expect(Math.sign(compareRecordOrder(buffers[i] as Buffer, 0, buffers[j] as Buffer, 0))).toBe(
          Math.sign(compareOrder(rows[i]?.[1] ?? null, rows[j]?.[1] ?? null)),
        );
  });
});
