import type { Value } from '@etl/schema';

/**
 * One value as a type tag and its payload, the unit of both spill formats (`row-codec.ts`,
 * `record-codec.ts`). Exact: bigints keep every digit, doubles every bit, strings every UTF-16 unit
 * (well-formed text as UTF-8, text with an unpaired surrogate as UTF-16 units). The tag keeps the type,
 * which is what makes keys type-aware: `1`, `1n` and `'1'` encode differently.
 */
export const NULL = 0;
export const FALSE = 1;
export const TRUE = 2;
export const INT32 = 3;
export const FLOAT64 = 4;
export const INT64 = 5;
/** A bigint beyond 64 bits: its decimal text. */
export const BIGINT_TEXT = 6;
export const STRING = 7;
/** A bigint of at most 53 bits (timestamps in microseconds): as a double, which holds it exactly and is much quicker to write than a 64-bit integer. */
export const INT53 = 8;
/** Text with an unpaired surrogate, which UTF-8 cannot hold: its UTF-16 units. */
export const STRING16 = 9;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
/** Strings up to this length are copied by a JavaScript loop: quicker than a call into C++ for short text. */
const SHORT_TEXT = 64;

// Doubles through one shared 8-byte scratch: Node's writeDoubleLE / readDoubleLE do the same behind
// argument checks that cost more than the copy (a third of the encoding time in the dedup's profile).
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

/** Writes `value` as a little-endian double at `at` (the caller checked the room). */
export function putDouble(buffer: Buffer, at: number, value: number): void {
  F64[0] = value;
  buffer[at] = F64_BYTES[0] as number;
  buffer[at + 1] = F64_BYTES[1] as number;
  buffer[at + 2] = F64_BYTES[2] as number;
  buffer[at + 3] = F64_BYTES[3] as number;
  buffer[at + 4] = F64_BYTES[4] as number;
  buffer[at + 5] = F64_BYTES[5] as number;
  buffer[at + 6] = F64_BYTES[6] as number;
  buffer[at + 7] = F64_BYTES[7] as number;
}

/** Reads the little-endian double at `at`. */
export function getDouble(buffer: Buffer, at: number): number {
  F64_BYTES[0] = buffer[at] as number;
  F64_BYTES[1] = buffer[at + 1] as number;
  F64_BYTES[2] = buffer[at + 2] as number;
  F64_BYTES[3] = buffer[at + 3] as number;
  F64_BYTES[4] = buffer[at + 4] as number;
  F64_BYTES[5] = buffer[at + 5] as number;
  F64_BYTES[6] = buffer[at + 6] as number;
  F64_BYTES[7] = buffer[at + 7] as number;
  return F64[0] as number;
}

/** Writes a little-endian u32/i32 at `at`. */
export function putInt32(buffer: Buffer, at: number, value: number): void {
  buffer[at] = value;
  buffer[at + 1] = value >>> 8;
  buffer[at + 2] = value >>> 16;
  buffer[at + 3] = value >>> 24;
}

/** Most bytes `value` can take encoded (UTF-8 is at most 3 bytes per UTF-16 unit). */
export function maxValueBytes(value: Value): number {
  if (typeof value === 'string') return 5 + value.length * 3;
  if (typeof value === 'bigint') return 9 + (value < MIN_INT64 || value > MAX_INT64 ? value.toString().length : 0);
  return 9;
}

/**
 * Writes `value` at `at`; returns the offset after it, or -1 when it might not fit before `limit`
 * (nothing useful is written then: the caller makes room and writes again). `asKey` writes -0 as 0
 * and every NaN alike, so equal keys (as a `Map` compares them) are equal bytes.
 */
export function writeValue(value: Value, buffer: Buffer, at: number, limit: number, asKey: boolean): number {
  switch (typeof value) {
    case 'string':
      if (at + 5 + value.length * 3 > limit) return -1;
      return writeText(value, buffer, at);
    case 'number':
      if (at + 9 > limit) return -1;
      if ((value | 0) === value && (asKey || !Object.is(value, -0))) {
        buffer[at] = INT32;
        putInt32(buffer, at + 1, value);
        return at + 5;
      }
      buffer[at] = FLOAT64;
      putDouble(buffer, at + 1, asKey && value !== value ? Number.NaN : value);
      return at + 9;
    case 'bigint':
      if (value >= MIN_SAFE && value <= MAX_SAFE) {
        if (at + 9 > limit) return -1;
        buffer[at] = INT53;
        putDouble(buffer, at + 1, Number(value));
        return at + 9;
      }
      if (value >= MIN_INT64 && value <= MAX_INT64) {
        if (at + 9 > limit) return -1;
        buffer[at] = INT64;
        buffer.writeBigInt64LE(value, at + 1);
        return at + 9;
      } else {
        const text = value.toString();
        if (at + 5 + text.length > limit) return -1;
        buffer[at] = BIGINT_TEXT;
        const length = buffer.write(text, at + 5, 'latin1');
        buffer.writeUInt32LE(length, at + 1);
        return at + 5 + length;
      }
    case 'boolean':
      if (at + 1 > limit) return -1;
      buffer[at] = value ? TRUE : FALSE;
      return at + 1;
    default:
      if (value !== null) throw new TypeError(`a spilled row holds strings, numbers, bigints, booleans and null, not ${typeof value}`);
      if (at + 1 > limit) return -1;
      buffer[at] = NULL;
      return at + 1;
  }
}

/** \`String.prototype.isWellFormed\` (Node 20), which the project's ES2023 lib does not declare. */
interface WellFormed {
  isWellFormed(): boolean;
}

function writeText(text: string, buffer: Buffer, at: number): number {
  const start = at + 5;
  const length = text.length;
  if (length <= SHORT_TEXT) {
    let i = 0;
    for (; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) break;
      buffer[start + i] = unit;
    }
    if (i === length) {
      buffer[at] = STRING;
      putInt32(buffer, at + 1, length);
      return start + length;
    }
  }
  if ((text as unknown as WellFormed).isWellFormed()) {
    buffer[at] = STRING;
    const bytes = buffer.write(text, start, 'utf8');
    buffer.writeUInt32LE(bytes, at + 1);
    return start + bytes;
  }
  buffer[at] = STRING16;
  const bytes = buffer.write(text, start, 'utf16le');
  buffer.writeUInt32LE(bytes, at + 1);
  return start + bytes;
}

/** The length in bytes of the value at `at` (tag included). */
export function valueLength(buffer: Buffer, at: number): number {
  switch (buffer[at]) {
    case NULL:
    case FALSE:
    case TRUE:
      return 1;
    case INT32:
      return 5;
    case FLOAT64:
    case INT53:
    case INT64:
      return 9;
    case STRING:
    case STRING16:
    case BIGINT_TEXT:
      return 5 + buffer.readUInt32LE(at + 1);
    default:
      throw corrupt(buffer, at);
  }
}

/** Reads the value at `at` (its end is `at + valueLength(buffer, at)`). */
export function readValue(buffer: Buffer, at: number): Value {
  switch (buffer[at]) {
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case INT32:
      return buffer.readInt32LE(at + 1);
    case FLOAT64:
      return getDouble(buffer, at + 1);
    case INT53:
      return BigInt(getDouble(buffer, at + 1));
    case INT64:
      return buffer.readBigInt64LE(at + 1);
    case STRING:
      return readText(buffer, at + 5, at + 5 + buffer.readUInt32LE(at + 1));
    case STRING16:
      return buffer.toString('utf16le', at + 5, at + 5 + buffer.readUInt32LE(at + 1));
    case BIGINT_TEXT:
      return BigInt(buffer.toString('latin1', at + 5, at + 5 + buffer.readUInt32LE(at + 1)));
    default:
      throw corrupt(buffer, at);
  }
}

function readText(buffer: Buffer, start: number, end: number): string {
  // Short ASCII text (codes, statuses, ids) is built here; a call into C++ costs more than the copy.
  if (end - start <= 16) {
    let ascii = true;
    for (let i = start; i < end; i++) if ((buffer[i] as number) >= 0x80) ascii = false;
    if (ascii) {
      let text = '';
      for (let i = start; i < end; i++) text += String.fromCharCode(buffer[i] as number);
      return text;
    }
  }
  return buffer.toString('utf8', start, end);
}

function corrupt(buffer: Buffer, at: number): Error {
  return new Error(`spill file is corrupt: unknown value tag ${buffer[at]} at byte ${at}`);
}
