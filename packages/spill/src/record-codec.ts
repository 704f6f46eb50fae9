import type { Value } from '@etl/schema';
import { mix32 } from './key.js';
import { compareOrder } from './order.js';
import { FLOAT64, getDouble, INT32, INT53, NULL, putInt32, readValue, valueLength, writeValue } from './value-codec.js';

/**
 * A dedup's row as bytes, laid out so that its key and order value are read without decoding the row:
 *
 *   u32 record length | u32 slot (the table slot holding it, for compaction) | u16 key length |
 *   key values | order value | u16 value count | the row's values
 *
 * Values are `value-codec.ts`'s tagged values; the key's are written as keys (-0 as 0, one NaN), so
 * equal keys are equal bytes and a key is compared and hashed as bytes. The same bytes are held in
 * memory (`RecordTable`) and written to spill files, so a record moves between them by a copy.
 */
export const RECORD_HEADER_BYTES = 10;

export interface RecordLayout {
  keyColumns: readonly number[];
  /** The order column, or undefined: every record's order value is null, so the later one wins. */
  orderColumn: number | undefined;
}

/** Writes `row` as a record at `at`; returns the offset after it, or -1 when it might not fit before `limit`. */
export function writeRecord(row: readonly Value[], layout: RecordLayout, buffer: Buffer, at: number, limit: number): number {
  const order = layout.orderColumn === undefined ? null : (row[layout.orderColumn] ?? null);
  return writeRecordWith(row, layout.keyColumns, order, buffer, at, limit);
}

/** `writeRecord` with the order value given (a join's "changed" flag), not read from the row. */
export function writeRecordWith(
  row: readonly Value[],
  keyColumns: readonly number[],
  order: Value,
  buffer: Buffer,
  at: number,
  limit: number,
): number {
  if (row.length > 0xffff) throw new RangeError(`a spilled row has at most 65535 values, not ${row.length}`);
  let end = at + RECORD_HEADER_BYTES;
  for (const column of keyColumns) {
    end = writeValue(row[column] ?? null, buffer, end, limit, true);
    if (end < 0) return -1;
  }
  const keyLength = end - at - RECORD_HEADER_BYTES;
  if (keyLength > 0xffff) throw new RangeError(`a key of a dedup is at most 65535 bytes encoded, not ${keyLength}`);
  end = writeValue(order, buffer, end, limit, false);
  if (end < 0 || end + 2 > limit) return -1;
  buffer[end] = row.length & 0xff;
  buffer[end + 1] = row.length >>> 8;
  end += 2;
  for (let i = 0; i < row.length; i++) {
    end = writeValue(row[i] ?? null, buffer, end, limit, false);
    if (end < 0) return -1;
  }
  putInt32(buffer, at, end - at);
  buffer[at + 8] = keyLength & 0xff;
  buffer[at + 9] = keyLength >>> 8;
  return end;
}

/** Most bytes `row` can take as a record: room to make when `writeRecord` did not fit. */
export function maxRecordBytes(row: readonly Value[], layout: RecordLayout): number {
  let bytes = RECORD_HEADER_BYTES + 9 + 2;
  for (const column of layout.keyColumns) bytes += maxRecordValueBytes(row[column] ?? null);
  if (layout.orderColumn !== undefined) bytes += maxRecordValueBytes(row[layout.orderColumn] ?? null);
  for (const value of row) bytes += maxRecordValueBytes(value ?? null);
  return bytes;
}

function maxRecordValueBytes(value: Value): number {
  if (typeof value === 'string') return 5 + value.length * 3;
  if (typeof value === 'bigint') return 9 + value.toString().length;
  return 9;
}

export function recordLength(buffer: Buffer, at: number): number {
  return (
    ((buffer[at] as number) | ((buffer[at + 1] as number) << 8) | ((buffer[at + 2] as number) << 16)) +
    (buffer[at + 3] as number) * 0x1000000
  );
}

/**
 * FNV-1a over the key's bytes, seeded by `level` (a partition re-partitioned one level down spreads
 * its keys again), with murmur3's final avalanche: FNV's low bits alone spread sequential keys poorly.
 */
export function hashRecordKey(buffer: Buffer, at: number, level: number): number {
  const start = at + RECORD_HEADER_BYTES;
  const end = start + (buffer[at + 8] as number) + ((buffer[at + 9] as number) << 8);
  let hash = (0x811c9dc5 ^ Math.imul(level + 1, 0x9e3779b1)) >>> 0;
  for (let i = start; i < end; i++) {
    hash ^= buffer[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash);
}

/** Whether the records at `a` (in `bufferA`) and `b` (in `bufferB`) have the same key. */
export function sameRecordKey(bufferA: Buffer, a: number, bufferB: Buffer, b: number): boolean {
  const length = (bufferA[a + 8] as number) + ((bufferA[a + 9] as number) << 8);
  if (length !== (bufferB[b + 8] as number) + ((bufferB[b + 9] as number) << 8)) return false;
  const startA = a + RECORD_HEADER_BYTES;
  const startB = b + RECORD_HEADER_BYTES;
  for (let i = 0; i < length; i++) if (bufferA[startA + i] !== bufferB[startB + i]) return false;
  return true;
}

function orderAt(buffer: Buffer, at: number): number {
  return at + RECORD_HEADER_BYTES + (buffer[at + 8] as number) + ((buffer[at + 9] as number) << 8);
}

/**
 * `compareOrder` of the two records' order values, read from their bytes: numbers, small bigints
 * (timestamps) and nulls without decoding, anything else decoded first. Negative when `a`'s comes first.
 */
export function compareRecordOrder(bufferA: Buffer, a: number, bufferB: Buffer, b: number): number {
  const atA = orderAt(bufferA, a);
  const atB = orderAt(bufferB, b);
  const tagA = bufferA[atA] as number;
  const tagB = bufferB[atB] as number;
  if (tagA === NULL) return tagB === NULL ? 0 : -1;
  if (tagB === NULL) return 1;
  if ((tagA === INT53 || tagA === FLOAT64) && (tagB === INT53 || tagB === FLOAT64)) {
    const x = getDouble(bufferA, atA + 1);
    const y = getDouble(bufferB, atB + 1);
    // NaN compares as neither: equal, so the row read later wins (as `compareOrder`).
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (tagA === INT32 && tagB === INT32) return bufferA.readInt32LE(atA + 1) - bufferB.readInt32LE(atB + 1);
  return compareOrder(readValue(bufferA, atA), readValue(bufferB, atB));
}

/** The record's row. */
export function readRecordRow(buffer: Buffer, at: number): Value[] {
  const orderStart = orderAt(buffer, at);
  let p = orderStart + valueLength(buffer, orderStart);
  const count = buffer.readUInt16LE(p);
  p += 2;
  const row = new Array<Value>(count);
  for (let i = 0; i < count; i++) {
    row[i] = readValue(buffer, p);
    p += valueLength(buffer, p);
  }
  return row;
}

/** Appends the record's row to `out` (a joined row made of several records, without an array per record). */
export function pushRecordRow(buffer: Buffer, at: number, out: Value[]): void {
  const orderStart = orderAt(buffer, at);
  let p = orderStart + valueLength(buffer, orderStart);
  const count = buffer.readUInt16LE(p);
  p += 2;
  for (let i = 0; i < count; i++) {
    out.push(readValue(buffer, p));
    p += valueLength(buffer, p);
  }
}

/** The record's first key value. */
export function readRecordKey(buffer: Buffer, at: number): Value {
  return readValue(buffer, at + RECORD_HEADER_BYTES);
}

/** The record's order value (a join's "changed" flag). */
export function readRecordOrder(buffer: Buffer, at: number): Value {
  return readValue(buffer, orderAt(buffer, at));
}
