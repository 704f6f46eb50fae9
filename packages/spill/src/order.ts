import type { Value } from '@etl/schema';

/**
 * Compares two order-column values (the dedup's `updated_at`): negative when `a` comes before `b`.
 * Null is before every value (so a row with a null `updated_at` loses to any dated one, as
 * `ORDER BY updated_at DESC` with SQL's NULLS LAST ranks it). Values of one type compare as that type:
 * timestamps as `@etl/schema` casts them (bigint microseconds), numbers, strings by UTF-16 units (ISO
 * dates and timestamps as text sort by time), false before true. Numbers and bigints compare by value;
 * other mixed types by type (boolean, then numbers, then strings): a column has one type, so this
 * only keeps the order total.
 */
export function compareOrder(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === tb || (ta !== 'string' && tb !== 'string' && ta !== 'boolean' && tb !== 'boolean')) {
    // NaN compares as neither: equal, so the row read later wins.
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return (RANK[ta] ?? 0) - (RANK[tb] ?? 0);
}

const RANK: Record<string, number> = { boolean: 0, number: 1, bigint: 1, string: 2 };
