import { valueAt, type Column, type ColumnData, type Value } from '@etl/schema';
import { ByteWriter } from '../thrift/compact-writer.js';
import { ByteDictionary } from './byte-dictionary.js';
import { decimalBytes, epochDays, unscaledDigits } from './physical-values.js';
import type { ChunkStatistics, ColumnSpec } from './format.js';

/**
 * One column of the row group being filled: definition levels and typed values, appended per value
 * and encoded once when the row group is flushed. Values are held in typed arrays (numbers,
 * timestamps) or plain arrays (strings), never as row objects.
 */
export abstract class ColumnBuffer {
  /** 1 where the row has a value, 0 for null (only consulted for nullable columns). */
  protected defs = new Uint8Array(1024);
  rows = 0;
  /** Non-null values held. */
  count = 0;
  /** Plain-encoded size estimate of the values held, for row-group and page sizing. */
  bytes = 0;

  constructor(readonly column: ColumnSpec) {}

  append(value: Value): void {
    if (this.rows === this.defs.length) this.defs = grow(this.defs, this.rows * 2);
    if (value === null) {
      if (!this.column.nullable) throw new TypeError(`column ${this.column.name} is NOT NULL but got null`);
      this.defs[this.rows++] = 0;
      return;
    }
    this.defs[this.rows++] = 1;
    this.push(value);
    this.count++;
  }

  /**
   * Appends rows `from..to` of a column batch (`@etl/schema`'s `ColumnBatch`, same type as this
   * column). Typed buffers copy the batch's values as they are; the others take them one by one.
   */
  appendColumn(column: Column, from: number, to: number): void {
    const valid = column.valid;
    const n = to - from;
    if (this.rows + n > this.defs.length) this.defs = grow(this.defs, Math.max(this.rows * 2, this.rows + n));
    let nonNull = 0;
    for (let i = from; i < to; i++) nonNull += valid[i] as number;
    if (nonNull < n && !this.column.nullable) throw new TypeError(`column ${this.column.name} is NOT NULL but got null`);
    this.defs.set(valid.subarray(from, to), this.rows);
    this.rows += n;
    if (this.copyValues(column.data, valid, from, to, nonNull)) {
      this.count += nonNull;
      return;
    }
    for (let i = from; i < to; i++) {
      if (valid[i] === 0) continue;
      this.push(valueAt(column, i) as Exclude<Value, null>);
      this.count++;
    }
  }

  /** Copies the non-null values of rows `from..to` after the held ones; false when the layout is not this buffer's. */
  protected copyValues(_data: ColumnData, _valid: Uint8Array, _from: number, _to: number, _nonNull: number): boolean {
    return false;
  }

  get definitionLevels(): Uint8Array {
    return this.defs;
  }

  /**
   * Empties the buffer for the next row group. `tryDictionary` false: the writer's backoff says this
   * column's values were mostly distinct lately, so a buffer that builds its dictionary while filling
   * (strings) does not hash the next group's values for one.
   */
  reset(tryDictionary = true): void {
    this.rows = 0;
    this.count = 0;
    this.bytes = 0;
    this.clear(tryDictionary);
  }

  protected abstract push(value: Exclude<Value, null>): void;
  /** Drops held values; typed arrays are kept and overwritten (only the first `count` are read). */
  protected clear(_tryDictionary: boolean): void {
    // nothing by default: see above
  }
  /** PLAIN encoding of values `from..to` (value positions, not rows). */
  abstract plain(out: ByteWriter, from: number, to: number): void;
  /** PLAIN encoding of the values at `positions` (a dictionary page). */
  abstract plainAt(out: ByteWriter, positions: readonly number[]): void;
  /**
   * The values as 32-bit words, `stride` per value, for a dictionary keyed by bit pattern
   * (`encode-chunk.ts`); undefined when the type's values are not fixed-width words.
   */
  keyWords(): { words: Int32Array; stride: 1 | 2 } | undefined {
    return undefined;
  }
  /** A Map key for value `i` (types without `keyWords`), or undefined when the type is never dictionary-encoded. */
  key(_i: number): unknown {
    return undefined;
  }
  /** PLAIN size of value `i`. */
  abstract sizeOf(i: number): number;
  /** Min/max (PLAIN-encoded, in the type's sort order) over the values held. */
  abstract minMax(): Pick<ChunkStatistics, 'min' | 'max'>;
  /** A dictionary built while appending, or undefined to let the encoder decide (see encode-chunk.ts). */
  dictionary(): Dictionary | undefined | 'build' {
    return 'build';
  }
}

export interface Dictionary {
  size: number;
  /** Each value's entry, in value order. */
  indices: Int32Array;
  /** PLAIN encoding of the entries, in entry order. */
  writePage(out: ByteWriter): void;
}

/** Distinct share above which a dictionary does not pay (indices cost about as much as the values). */
export const MAX_DISTINCT_SHARE = 0.7;

function grow<T extends Uint8Array | Int32Array | Float64Array | BigInt64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array as never);
  return next;
}

/** Copies the valid entries of `src[from..to]` to `dst` from `at`: one block copy when none is null. */
function copyValid<T extends Int32Array | Float64Array | Uint8Array>(
  dst: T,
  at: number,
  src: T,
  valid: Uint8Array,
  from: number,
  to: number,
  nonNull: number,
): void {
  if (nonNull === to - from) {
    dst.set(src.subarray(from, to) as never, at);
    return;
  }
  for (let i = from; i < to; i++) if (valid[i] === 1) dst[at++] = src[i] as number;
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * PLAIN numbers are little-endian, as typed arrays are on every platform Node ships for: the column's
 * memory is the encoding, copied in one call (a per-value DataView write is several times slower).
 */
function littleEndianBytes(values: Int32Array | BigInt64Array | Float64Array, from: number, to: number): Uint8Array {
  if (!littleEndian) throw new Error('big-endian platforms are not supported by the Parquet writer');
  const width = values.BYTES_PER_ELEMENT;
  return new Uint8Array(values.buffer, values.byteOffset + from * width, (to - from) * width);
}

// Statistics live until the footer is written, so each is a small copy of its own: a view into
// Node's shared 8 KiB allocation pool (`Buffer.allocUnsafe`) would keep that whole slab alive for
// every row group of the file.
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);
const le32 = (v: number) => {
  scratch.setInt32(0, v, true);
  return scratchBytes.slice(0, 4);
};
const le64 = (v: bigint) => {
  scratch.setBigInt64(0, v, true);
  return scratchBytes.slice(0, 8);
};
const leDouble = (v: number) => {
  scratch.setFloat64(0, v, true);
  return scratchBytes.slice(0, 8);
};

class Int32Buffer extends ColumnBuffer {
  private values = new Int32Array(1024);
  private readonly convert: (v: Exclude<Value, null>) => number;

  constructor(column: ColumnSpec) {
    super(column);
    const logical = column.type.logical;
    if (logical?.type === 'DATE') this.convert = (v) => (typeof v === 'number' ? v : epochDays(String(v)));
    else if (logical?.type === 'DECIMAL') {
      const scale = logical.scale;
      this.convert = (v) => (typeof v === 'number' && scale === 0 ? v : Number(unscaledDigits(String(v), scale)));
    } else this.convert = (v) => v as number;
  }

  protected push(value: Exclude<Value, null>): void {
    if (this.count === this.values.length) this.values = grow(this.values, this.count * 2);
    this.values[this.count] = this.convert(value);
    this.bytes += 4;
  }
  protected override copyValues(data: ColumnData, valid: Uint8Array, from: number, to: number, nonNull: number): boolean {
    if (data.layout !== 'int32') return false;
    if (this.count + nonNull > this.values.length) this.values = grow(this.values, Math.max(this.count * 2, this.count + nonNull));
    copyValid(this.values, this.count, data.values, valid, from, to, nonNull);
    this.bytes += 4 * nonNull;
    return true;
  }
  plain(out: ByteWriter, from: number, to: number): void {
    out.bytes(littleEndianBytes(this.values, from, to));
  }
  plainAt(out: ByteWriter, positions: readonly number[]): void {
    for (const i of positions) out.int32(this.values[i] as number);
  }
  override keyWords(): { words: Int32Array; stride: 1 } {
    return { words: this.values, stride: 1 };
  }
  sizeOf(): number {
    return 4;
  }
  minMax() {
    if (this.count === 0) return {};
    let min = this.values[0] as number;
    let max = min;
    for (let i = 1; i < this.count; i++) {
      const v = this.values[i] as number;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    return { min: le32(min), max: le32(max) };
  }
}

class Int64Buffer extends ColumnBuffer {
  private values = new BigInt64Array(1024);
  private words = new Int32Array(0);
  private wordsOf: BigInt64Array | undefined;
  private readonly convert: (v: Exclude<Value, null>) => bigint;

  constructor(column: ColumnSpec) {
    super(column);
    const logical = column.type.logical;
    if (logical?.type === 'DECIMAL') {
      const scale = logical.scale;
      this.convert = (v) => BigInt(typeof v === 'string' ? unscaledDigits(v, scale) : v);
    } else this.convert = (v) => (typeof v === 'bigint' ? v : BigInt(v as number));
  }

  protected push(value: Exclude<Value, null>): void {
    if (this.count === this.values.length) this.values = grow(this.values, this.count * 2);
    this.values[this.count] = this.convert(value);
    this.bytes += 8;
  }
  /** Copied as pairs of 32-bit words: reading a BigInt64Array element would allocate a BigInt. */
  protected override copyValues(data: ColumnData, valid: Uint8Array, from: number, to: number, nonNull: number): boolean {
    if (data.layout !== 'int64') return false;
    if (this.count + nonNull > this.values.length) this.values = grow(this.values, Math.max(this.count * 2, this.count + nonNull));
    const dst = this.halves();
    const src = data.halves;
    if (nonNull === to - from) dst.set(src.subarray(2 * from, 2 * to), 2 * this.count);
    else {
      let at = 2 * this.count;
      for (let i = from; i < to; i++) {
        if (valid[i] === 0) continue;
        dst[at++] = src[2 * i] as number;
        dst[at++] = src[2 * i + 1] as number;
      }
    }
    this.bytes += 8 * nonNull;
    return true;
  }
  plain(out: ByteWriter, from: number, to: number): void {
    out.bytes(littleEndianBytes(this.values, from, to));
  }
  plainAt(out: ByteWriter, positions: readonly number[]): void {
    for (const i of positions) out.bigInt64(this.values[i] as bigint);
  }
  override keyWords(): { words: Int32Array; stride: 2 } {
    return { words: this.halves(), stride: 2 };
  }
  sizeOf(): number {
    return 8;
  }
  /** Compared as (signed high word, unsigned low word) pairs, which orders int64s without a BigInt each. */
  minMax() {
    if (this.count === 0) return {};
    const halves = this.halves();
    let min = 0;
    let max = 0;
    for (let i = 1; i < this.count; i++) {
      if (compareInt64(halves, i, min) < 0) min = i;
      else if (compareInt64(halves, i, max) > 0) max = i;
    }
    return { min: le64(this.values[min] as bigint), max: le64(this.values[max] as bigint) };
  }
  /** `values` as 32-bit words, the view made again only when `values` was replaced (grown). */
  private halves(): Int32Array {
    if (this.wordsOf !== this.values) {
      this.words = new Int32Array(this.values.buffer, this.values.byteOffset, this.values.length * 2);
      this.wordsOf = this.values;
    }
    return this.words;
  }
}

function compareInt64(halves: Int32Array, a: number, b: number): number {
  const high = (halves[2 * a + 1] as number) - (halves[2 * b + 1] as number);
  if (high !== 0) return high;
  return ((halves[2 * a] as number) >>> 0) - ((halves[2 * b] as number) >>> 0);
}

class DoubleBuffer extends ColumnBuffer {
  private values = new Float64Array(1024);

  protected push(value: Exclude<Value, null>): void {
    if (this.count === this.values.length) this.values = grow(this.values, this.count * 2);
    this.values[this.count] = value as number;
    this.bytes += 8;
  }
  protected override copyValues(data: ColumnData, valid: Uint8Array, from: number, to: number, nonNull: number): boolean {
    if (data.layout !== 'float64') return false;
    if (this.count + nonNull > this.values.length) this.values = grow(this.values, Math.max(this.count * 2, this.count + nonNull));
    copyValid(this.values, this.count, data.values, valid, from, to, nonNull);
    this.bytes += 8 * nonNull;
    return true;
  }
  plain(out: ByteWriter, from: number, to: number): void {
    out.bytes(littleEndianBytes(this.values, from, to));
  }
  plainAt(out: ByteWriter, positions: readonly number[]): void {
    for (const i of positions) out.double(this.values[i] as number);
  }
  /** By bit pattern: -0 and 0 stay distinct entries, as their PLAIN bytes are. */
  override keyWords(): { words: Int32Array; stride: 2 } {
    return { words: new Int32Array(this.values.buffer, this.values.byteOffset, this.values.length * 2), stride: 2 };
  }
  sizeOf(): number {
    return 8;
  }
  minMax() {
    let min = Infinity;
    let max = -Infinity;
    let seen = false;
    for (let i = 0; i < this.count; i++) {
      const v = this.values[i] as number;
      if (v !== v) continue; // NaN takes no part in statistics
      seen = true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!seen) return {};
    // The format asks for -0 as min and +0 as max when a bound is zero.
    return { min: leDouble(min === 0 ? -0 : min), max: leDouble(max === 0 ? 0 : max) };
  }
}

class BooleanBuffer extends ColumnBuffer {
  private values = new Uint8Array(1024);

  protected push(value: Exclude<Value, null>): void {
    if (this.count === this.values.length) this.values = grow(this.values, this.count * 2);
    this.values[this.count] = value ? 1 : 0;
    this.bytes += 0.125;
  }
  protected override copyValues(data: ColumnData, valid: Uint8Array, from: number, to: number, nonNull: number): boolean {
    if (data.layout !== 'boolean') return false;
    if (this.count + nonNull > this.values.length) this.values = grow(this.values, Math.max(this.count * 2, this.count + nonNull));
    copyValid(this.values, this.count, data.values, valid, from, to, nonNull);
    this.bytes += 0.125 * nonNull;
    return true;
  }
  plain(out: ByteWriter, from: number, to: number): void {
    let acc = 0;
    let bit = 0;
    for (let i = from; i < to; i++) {
      acc |= (this.values[i] as number) << bit;
      if (++bit === 8) {
        out.byte(acc);
        acc = 0;
        bit = 0;
      }
    }
    if (bit > 0) out.byte(acc);
  }
  plainAt(): void {
    throw new Error('booleans are never dictionary-encoded');
  }
  sizeOf(): number {
    return 1;
  }
  minMax() {
    if (this.count === 0) return {};
    let min = 1;
    let max = 0;
    for (let i = 0; i < this.count; i++) {
      const v = this.values[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min: Uint8Array.of(min), max: Uint8Array.of(max) };
  }
}

/** Longest min/max kept in string statistics; longer bounds are left out rather than truncated. */
const MAX_STAT_BYTES = 256;
/** Values between checks of whether a string dictionary still pays. */
const JUDGE_EVERY = 16_384;

/**
 * Strings are encoded to UTF-8 PLAIN bytes as they arrive, so the row group holds compact bytes and
 * no JS strings (which would also pin the parser's whole input chunks). A dictionary of those bytes
 * is kept alongside while it pays (under `maxDictionaryBytes`, under 70% distinct).
 */
class StringBuffer extends ColumnBuffer {
  private readonly plainBytes = new ByteWriter(1024 * 1024);
  /** Start of each value's length prefix in `plainBytes`. */
  private offsets = new Int32Array(1024);
  private entries: ByteDictionary | undefined = new ByteDictionary();
  private indices = new Int32Array(1024);
  private dictionaryBytes = 0;

  constructor(
    column: ColumnSpec,
    private readonly maxDictionaryBytes: number,
  ) {
    super(column);
  }

  protected push(value: Exclude<Value, null>): void {
    const i = this.count;
    if (i === this.offsets.length) this.offsets = grow(this.offsets, i * 2);
    const start = this.plainBytes.length;
    this.offsets[i] = start;
    this.plainBytes.lengthPrefixedUtf8(value as string);
    const end = this.plainBytes.length;
    this.bytes += end - start;
    const entries = this.entries;
    if (!entries) return;
    // Grown on its own: a row group that dropped its dictionary stopped growing it, and the next
    // row group's dictionary needs an index for every value again.
    if (i === this.indices.length) this.indices = grow(this.indices, i * 2);
    const known = entries.size;
    const index = entries.entryOf(this.plainBytes.bytesSoFar, start, end);
    if (index === known) {
      this.dictionaryBytes += end - start;
      if (this.dictionaryBytes > this.maxDictionaryBytes) return this.dropDictionary();
    }
    this.indices[i] = index;
    if ((i & (JUDGE_EVERY - 1)) === JUDGE_EVERY - 1 && entries.size > i * MAX_DISTINCT_SHARE) this.dropDictionary();
  }

  /** Text columns are taken value by value, without `valueAt`'s per-value layout switch. */
  protected override copyValues(data: ColumnData, valid: Uint8Array, from: number, to: number): boolean {
    if (data.layout !== 'text') return false;
    const values = data.values;
    const held = this.count;
    for (let i = from; i < to; i++) {
      if (valid[i] === 0) continue;
      this.push(values[i] as string); // `push` stores at `count`
      this.count++;
    }
    this.count = held; // the caller counts the copied values
    return true;
  }

  private dropDictionary(): void {
    this.entries = undefined;
  }

  protected override clear(tryDictionary: boolean): void {
    this.plainBytes.reset();
    this.entries = tryDictionary ? new ByteDictionary() : undefined;
    this.dictionaryBytes = 0;
  }

  override dictionary(): Dictionary | undefined {
    const entries = this.entries;
    if (!entries || this.count === 0 || entries.size > this.count * MAX_DISTINCT_SHARE) return undefined;
    const bytes = this.plainBytes.finish();
    return {
      size: entries.size,
      indices: this.indices.subarray(0, this.count),
      writePage: (out) => {
        for (let e = 0; e < entries.size; e++) {
          const at = entries.offsets[e] as number;
          out.bytes(bytes.subarray(at, at + 4 + prefixedLength(bytes, at)));
        }
      },
    };
  }

  plain(out: ByteWriter, from: number, to: number): void {
    const bytes = this.plainBytes.finish();
    out.bytes(bytes.subarray(this.offsets[from] as number, to === this.count ? bytes.length : (this.offsets[to] as number)));
  }
  plainAt(): void {
    throw new Error('string dictionaries are built as values arrive');
  }
  sizeOf(i: number): number {
    return (i + 1 < this.count ? (this.offsets[i + 1] as number) : this.plainBytes.length) - (this.offsets[i] as number);
  }
  /**
   * Min and max by unsigned byte order of the UTF-8 bytes (the format's order for strings). With a
   * dictionary, only its entries are compared: every value is one of them.
   */
  minMax() {
    if (this.count === 0) return {};
    const bytes = this.plainBytes.finish();
    const [candidates, n] = this.entries ? [this.entries.offsets, this.entries.size] : [this.offsets, this.count];
    // Each candidate's length read once: the loop runs over every value of a column without a dictionary.
    let min = candidates[0] as number;
    let minLength = prefixedLength(bytes, min);
    let max = min;
    let maxLength = minLength;
    for (let i = 1; i < n; i++) {
      const at = candidates[i] as number;
      const length = prefixedLength(bytes, at);
      if (compareBytes(bytes, at + 4, length, min + 4, minLength) < 0) {
        min = at;
        minLength = length;
      } else if (compareBytes(bytes, at + 4, length, max + 4, maxLength) > 0) {
        max = at;
        maxLength = length;
      }
    }
    if (minLength > MAX_STAT_BYTES || maxLength > MAX_STAT_BYTES) return {};
    return {
      min: Uint8Array.prototype.slice.call(bytes, min + 4, min + 4 + minLength),
      max: Uint8Array.prototype.slice.call(bytes, max + 4, max + 4 + maxLength),
    };
  }
}

/** The 4-byte little-endian length before a PLAIN byte array (read inline: `readUInt32LE` checks its arguments per call). */
function prefixedLength(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16)) + (bytes[at + 3] as number) * 0x1000000
  );
}

function compareBytes(bytes: Uint8Array, a: number, aLength: number, b: number, bLength: number): number {
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) {
    const d = (bytes[a + k] as number) - (bytes[b + k] as number);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

class FixedDecimalBuffer extends ColumnBuffer {
  private values: bigint[] = [];
  private readonly scale: number;
  private readonly length: number;

  constructor(column: ColumnSpec) {
    super(column);
    const logical = column.type.logical;
    this.scale = logical?.type === 'DECIMAL' ? logical.scale : 0;
    this.length = column.type.typeLength ?? 16;
  }

  protected push(value: Exclude<Value, null>): void {
    this.values.push(BigInt(typeof value === 'string' ? unscaledDigits(value, this.scale) : (value as number)));
    this.bytes += this.length;
  }
  protected override clear(): void {
    this.values = [];
  }
  plain(out: ByteWriter, from: number, to: number): void {
    for (let i = from; i < to; i++) out.bytes(decimalBytes(this.values[i] as bigint, this.length));
  }
  plainAt(out: ByteWriter, positions: readonly number[]): void {
    for (const i of positions) out.bytes(decimalBytes(this.values[i] as bigint, this.length));
  }
  override key(i: number): unknown {
    return this.values[i];
  }
  sizeOf(): number {
    return this.length;
  }
  minMax() {
    if (this.count === 0) return {};
    let min = this.values[0] as bigint;
    let max = min;
    for (const v of this.values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min: decimalBytes(min, this.length), max: decimalBytes(max, this.length) };
  }
}

export function columnBuffer(column: ColumnSpec, maxDictionaryBytes = 1024 * 1024): ColumnBuffer {
  switch (column.type.physical) {
    case 'INT32':
      return new Int32Buffer(column);
    case 'INT64':
      return new Int64Buffer(column);
    case 'DOUBLE':
      return new DoubleBuffer(column);
    case 'BOOLEAN':
      return new BooleanBuffer(column);
    case 'BYTE_ARRAY':
      return new StringBuffer(column, maxDictionaryBytes);
    case 'FIXED_LEN_BYTE_ARRAY':
      return new FixedDecimalBuffer(column);
  }
}
