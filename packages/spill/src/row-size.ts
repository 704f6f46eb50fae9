import type { Value } from '@etl/schema';

/**
 * What a row held in a `Map` costs on V8's heap (64-bit, no pointer compression, as Node 20 ships),
 * estimated from its values, so a memory budget counts bytes rather than rows. Figures are V8's object
 * layouts: an array is a 32-byte object plus a 16-byte backing store header and 8 bytes per slot; a
 * string 16 bytes of header plus 1 byte per character (2 when any is beyond Latin-1), rounded up to 8;
 * a double that is not a small integer a 16-byte HeapNumber; a bigint 16 bytes plus 8 per 64 bits.
 */
export function rowBytes(row: readonly Value[]): number {
  let bytes = 48 + 8 * row.length;
  for (const value of row) bytes += valueBytes(value);
  return bytes;
}

/** What one value takes beyond its slot. */
function valueBytes(value: Value): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      // Small integers live in the slot itself (Smi); anything else is boxed.
      return (value | 0) === value ? 0 : 16;
    case 'bigint':
      return 16 + 8 * Math.max(1, Math.ceil(bigintBits(value) / 64));
    default:
      // true, false and null are shared constants.
      return 0;
  }
}

/**
 * A `Map` entry: the entry's 3 slots and its share of the bucket array, with the table's doubling
 * growth (on average a third unused), plus the key: a built key string is kept by V8 as a 32-byte cons
 * string over a flat copy once hashed; a one-column key is a row's value, counted on its own since the
 * `Map` keeps the first row's value when a later row replaces it.
 */
export function entryBytes(key: Value): number {
  return 48 + (typeof key === 'string' ? 32 + stringBytes(key) : valueBytes(key));
}

/** A V8 `Map` holds at most 2^24 entries: a larger memory budget of small rows spills at this count instead of failing. */
export const MAX_MAP_KEYS = 2 ** 24 - 1;

export function stringBytes(text: string): number {
  const perChar = TWO_BYTE.test(text) ? 2 : 1;
  return 16 + ((text.length * perChar + 7) & ~7);
}

const TWO_BYTE = /[\u0100-\uffff]/;

function bigintBits(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  // Timestamps in microseconds and most ids fit one 64-bit digit: skip the string conversion.
  return magnitude < 0x8000000000000000n ? 64 : magnitude.toString(16).length * 4;
}
