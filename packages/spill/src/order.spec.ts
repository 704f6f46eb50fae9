import { describe, expect, it } from 'vitest';
import { compareOrder } from './order.js';

describe('compareOrder', () => {
  it('puts null before every value, and null equal to null', () => {
    expect(compareOrder(null, 0n)).toBeLessThan(0);
    expect(compareOrder('', null)).toBeGreaterThan(0);
    expect(compareOrder(false, null)).toBeGreaterThan(0);
    expect(compareOrder(null, null)).toBe(0);
  });

  it('orders timestamps (bigint microseconds), numbers and ISO text by value', () => {
    expect(compareOrder(1733443200000001n, 1733443200000000n)).toBeGreaterThan(0);
    expect(compareOrder(-5n, 3n)).toBeLessThan(0);
    expect(compareOrder(2.5, 10)).toBeLessThan(0);
    expect(compareOrder('2026-12-07 00:00:00.000001', '2026-12-07 00:00:00')).toBeGreaterThan(0);
    expect(compareOrder(false, true)).toBeLessThan(0);
    expect(compareOrder(7n, 7n)).toBe(0);
  });

  it('compares numbers with bigints by value, other mixed types by type', () => {
    expect(compareOrder(3, 2n)).toBeGreaterThan(0);
    expect(compareOrder(2n, 2)).toBe(0);
    expect(compareOrder('0', 99)).toBeGreaterThan(0);
    expect(compareOrder(true, 0)).toBeLessThan(0);
  });
});
