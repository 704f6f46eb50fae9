import { describe, expect, it } from 'vitest';
import { seededRandom } from '@etl/core';
import type { Value } from '@etl/schema';
import { decodeRow, encodeRow, frameLength, maxEncodedBytes } from './row-codec.js';

function roundTrip(row: Value[]): Value[] {
  const buffer = Buffer.alloc(maxEncodedBytes(row));
  const end = encodeRow(row, buffer, 0);
  expect(frameLength(buffer, 0, end)).toBe(end);
  return decodeRow(buffer, 0);
}

describe('row codec', () => {
  it('keeps every value type exactly: bigints beyond 64 bits, doubles, -0, NaN, booleans, null', () => {
    const row: Value[] = [
      null,
      true,
      false,
      0,
      -0,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      0.1,
      Number.NaN,
      Number.MAX_SAFE_INTEGER,
      1733443200123456n,
      9007199254740991n,
      -9007199254740991n,
      9007199254740992n,
      -9007199254740993n,
      -(2n ** 63n),
      2n ** 63n - 1n,
      2n ** 64n + 7n,
      -(10n ** 40n),
      '',
      '12.3400',
    ];
    const back = roundTrip(row);
    expect(back).toEqual(row);
    expect(Object.is(back[4], -0)).toBe(true);
    for (const i of [11, 12, 13, 14, 15, 16, 17]) expect(typeof back[i]).toBe('bigint');
  });

  it('keeps strings of every UTF-8 length', () => {
    const random = seededRandom(3);
    const chars = ['a', '"', '\u0000', 'é', 'ß', '株', '～', '\uFF61', '😀', '𠮷', '\uE000'];
    for (let i = 0; i < 200; i++) {
      let text = '';
      for (let n = Math.floor(random() * 40); n > 0; n--) text += chars[Math.floor(random() * chars.length)];
      expect(roundTrip([text, 'x'])).toEqual([text, 'x']);
    }
  });

  it('writes an unpaired surrogate as U+FFFD, as any UTF-8 encoder does', () => {
    expect(roundTrip(['a\uD800b'])).toEqual(['a\uFFFDb']);
  });

  it('writes frames back to back at any offset', () => {
    const rows: Value[][] = [[1, 'a'], [], [null, 2n ** 70n, 'ü']];
    const buffer = Buffer.alloc(rows.reduce((n, r) => n + maxEncodedBytes(r), 3));
    let at = 3;
    for (const row of rows) at = encodeRow(row, buffer, at);
    const back: Value[][] = [];
    for (let offset = 3; offset < at; offset += frameLength(buffer, offset, at) as number) back.push(decodeRow(buffer, offset));
    expect(back).toEqual(rows);
  });

  it('says a frame header is incomplete', () => {
    expect(frameLength(Buffer.alloc(10), 6, 10)).toBeUndefined();
  });

  it('refuses values that are not Values', () => {
    expect(() => encodeRow([{}] as unknown as Value[], Buffer.alloc(64), 0)).toThrow(/not object/);
  });
});
