import type { Value } from '@etl/schema';

/**
 * A row's key as one string, for a `Map`. Type-aware and exact: `1` (a number), `1n` (a bigint) and
 * `'1'` (a string) are three different keys, as they are three different column types (normalise
 * first to match across types). `null` is a key value like any other: all null keys are one key, as in
 * SQL's `PARTITION BY`. Composite keys length-prefix their strings, so `('a,b','c')` and `('a','b,c')`
 * never collide.
 */
export function encodeKey(row: readonly Value[], columns: readonly number[]): string {
  if (columns.length === 1) return encodeValue(row[columns[0] as number] ?? null, false);
  let key = '';
  for (const column of columns) key += encodeValue(row[column] ?? null, true);
  return key;
}

/**
 * What a `Map` is keyed by: the value itself for a one-column key (a `Map` compares numbers, strings,
 * bigints, booleans and null by value and type, as `encodeKey` does, without building a string),
 * `encodeKey`'s string for a composite key.
 */
export type MapKey = Value;

export function mapKeyOf(row: readonly Value[], columns: readonly number[]): MapKey {
  if (columns.length !== 1) return encodeKey(row, columns);
  const value = row[columns[0] as number] ?? null;
  // -0 is 0 in a Map already (SameValueZero), NaN is NaN.
  return value;
}

/** The hash of a `mapKeyOf` key (`composite`: the key is `encodeKey`'s string), seeded by `level`. */
export function hashMapKey(key: MapKey, composite: boolean, level: number): number {
  if (typeof key === 'number' && (key | 0) === key) return mix32((key ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0);
  return hashKey(composite ? (key as string) : encodeValue(key, false), level);
}

/** True when any key column is null (a join never matches such a row, as SQL's `=` does not). */
export function hasNullKey(row: readonly Value[], columns: readonly number[]): boolean {
  for (const column of columns) if ((row[column] ?? null) === null) return true;
  return false;
}

function encodeValue(value: Value, delimited: boolean): string {
  switch (typeof value) {
    case 'string':
      return delimited ? `s${value.length}:${value}` : `s${value}`;
    case 'number':
      // -0 and 0 are one key, as they are one value; NaN is one key.
      return delimited ? `n${value === 0 ? 0 : value};` : `n${value === 0 ? 0 : value}`;
    case 'bigint':
      return delimited ? `b${value};` : `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    default:
      return 'z';
  }
}

/**
 * FNV-1a over the key's UTF-16 units, seeded by `level`: a re-partition of one partition (level + 1)
 * spreads its keys again instead of sending them all to one sub-partition.
 */
export function hashKey(key: string, level: number): number {
  let hash = (0x811c9dc5 ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash);
}

/** murmur3's final avalanche: FNV's low bits alone spread sequential keys poorly. */
export function mix32(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
