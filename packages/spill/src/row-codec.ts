import type { Value } from '@etl/schema';

/**
 * The spill files' row format: `u32 frame length | u16 value count | values`, each value a type tag and
 * its payload. Compact (an int is 5 bytes, not its JSON text) and exact: bigints (timestamps in
 * microseconds) keep every digit, doubles every bit, strings are length-prefixed UTF-8.
 */
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const INT32 = 3;
const FLOAT64 = 4;
const INT64 = 5;
/** A bigint beyond 64 bits: its decimal text. */
const BIGINT_TEXT = 6;
const STRING = 7;
/** A bigint of at most 53 bits (timestamps in microseconds): as a double, which holds it exactly and is much quicker to write than a 64-bit integer. */
const INT53 = 8;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** Frame header: the frame's length (u32) and its value count (u16). */
export const FRAME_HEADER_BYTES = 6;
/** Value counts are a u16. */
export const MAX_VALUES_PER_ROW = 0xffff;

/** Most bytes `row` can take encoded (UTF-8 is at most 3 bytes per UTF-16 unit): room to reserve before `encodeRow`. */
export function maxEncodedBytes(row: readonly Value[]): number {
  let bytes = FRAME_HEADER_BYTES;
  for (const value of row) {
    if (typeof value === 'string') bytes += 5 + value.length * 3;
    else if (typeof value === 'bigint') bytes += 9 + (value < MIN_INT64 || value > MAX_INT64 ? value.toString().length : 0);
    else bytes += 9;
  }
  return bytes;
}

/** Writes `row` as one frame at `offset` (the caller reserved `maxEncodedBytes(row)`); returns the offset after it. */
export function encodeRow(row: readonly Value[], buffer: Buffer, offset: number): number {
  if (row.length > MAX_VALUES_PER_ROW) throw new RangeError(`a spilled row has at most ${MAX_VALUES_PER_ROW} values, not ${row.length}`);
  let at = offset + FRAME_HEADER_BYTES;
  for (const value of row) {
    switch (typeof value) {
      case 'string':
        buffer[at] = STRING;
        at = writeText(value, buffer, at + 1);
        break;
      case 'number':
        if ((value | 0) === value && !Object.is(value, -0)) {
          buffer[at] = INT32;
          buffer.writeInt32LE(value, at + 1);
          at += 5;
        } else {
          buffer[at] = FLOAT64;
          buffer.writeDoubleLE(value, at + 1);
          at += 9;
        }
        break;
      case 'bigint':
        if (value >= MIN_SAFE && value <= MAX_SAFE) {
          buffer[at] = INT53;
          buffer.writeDoubleLE(Number(value), at + 1);
          at += 9;
        } else if (value >= MIN_INT64 && value <= MAX_INT64) {
          buffer[at] = INT64;
          buffer.writeBigInt64LE(value, at + 1);
          at += 9;
        } else {
          buffer[at] = BIGINT_TEXT;
          at = writeText(value.toString(), buffer, at + 1);
        }
        break;
      case 'boolean':
        buffer[at++] = value ? TRUE : FALSE;
        break;
      default:
        if (value !== null) throw new TypeError(`a spilled row holds strings, numbers, bigints, booleans and null, not ${typeof value}`);
        buffer[at++] = NULL;
    }
  }
  buffer.writeUInt32LE(at - offset, offset);
  buffer.writeUInt16LE(row.length, offset + 4);
  return at;
}

/** The length of the frame starting at `offset`, or undefined when its header is not all in `end`. */
export function frameLength(buffer: Buffer, offset: number, end: number): number | undefined {
  return end - offset < FRAME_HEADER_BYTES ? undefined : buffer.readUInt32LE(offset);
}

/** Reads the whole frame at `offset` (the caller checked `frameLength` fits). */
export function decodeRow(buffer: Buffer, offset: number): Value[] {
  const count = buffer.readUInt16LE(offset + 4);
  const row = new Array<Value>(count);
  let at = offset + FRAME_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const tag = buffer[at++];
    switch (tag) {
      case NULL:
        row[i] = null;
        break;
      case FALSE:
        row[i] = false;
        break;
      case TRUE:
        row[i] = true;
        break;
      case INT32:
        row[i] = buffer.readInt32LE(at);
        at += 4;
        break;
      case FLOAT64:
        row[i] = buffer.readDoubleLE(at);
        at += 8;
        break;
      case INT53:
        row[i] = BigInt(buffer.readDoubleLE(at));
        at += 8;
        break;
      case INT64:
        row[i] = buffer.readBigInt64LE(at);
        at += 8;
        break;
      case STRING:
      case BIGINT_TEXT: {
        const length = buffer.readUInt32LE(at);
        const text = buffer.toString('utf8', at + 4, at + 4 + length);
        row[i] = tag === STRING ? text : BigInt(text);
        at += 4 + length;
        break;
      }
      default:
        throw new Error(`spill file is corrupt: unknown value tag ${tag} at byte ${at - 1}`);
    }
  }
  return row;
}

function writeText(text: string, buffer: Buffer, at: number): number {
  const length = buffer.write(text, at + 4, 'utf8');
  buffer.writeUInt32LE(length, at);
  return at + 4 + length;
}
