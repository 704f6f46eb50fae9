import { writeUtf8 } from '@etl/encoding';

/**
 * Thrift compact protocol, write side only: the subset Parquet metadata needs (structs, i16/i32/i64,
 * bool, binary/string, lists, empty structs for unions). Field ids are written as deltas, as the
 * protocol wants; a struct is a plain object built by the format encoders, not generated classes.
 */

export const CompactType = {
  Stop: 0,
  True: 1,
  False: 2,
  Byte: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  Double: 7,
  Binary: 8,
  List: 9,
  Struct: 12,
} as const;
type CT = typeof CompactType;
export type CompactType = CT[keyof CT];

/** One struct field: `[id, value]`; `undefined` values are skipped (optional fields). */
export type ThriftField = readonly [id: number, value: ThriftValue | undefined];

export type ThriftValue =
  | { t: CT['I32'] | CT['I16'] | CT['Byte']; v: number }
  | { t: CT['I64']; v: bigint | number }
  | { t: CT['True']; v: boolean }
  | { t: CT['Binary']; v: Uint8Array | string }
  | { t: CT['Struct']; v: readonly ThriftField[] }
  | { t: CT['List']; elem: CompactType; v: readonly ThriftValue[] };

export const i32 = (v: number): ThriftValue => ({ t: CompactType.I32, v });
export const i16 = (v: number): ThriftValue => ({ t: CompactType.I16, v });
export const i8 = (v: number): ThriftValue => ({ t: CompactType.Byte, v });
export const i64 = (v: bigint | number): ThriftValue => ({ t: CompactType.I64, v });
export const bool = (v: boolean): ThriftValue => ({ t: CompactType.True, v });
export const binary = (v: Uint8Array | string): ThriftValue => ({ t: CompactType.Binary, v });
export const struct = (...fields: ThriftField[]): ThriftValue => ({ t: CompactType.Struct, v: fields });
export const list = (elem: CompactType, v: readonly ThriftValue[]): ThriftValue => ({ t: CompactType.List, elem, v });

const encoder = new TextEncoder();

/** Serialises one top-level struct. */
export function encodeStruct(fields: readonly ThriftField[]): Uint8Array {
  const out = new ByteWriter();
  writeStruct(out, fields);
  return out.finish();
}

function writeStruct(out: ByteWriter, fields: readonly ThriftField[]): void {
  let last = 0;
  for (const [id, value] of fields) {
    if (value === undefined) continue;
    const type = value.t === CompactType.True ? (value.v ? CompactType.True : CompactType.False) : value.t;
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.byte((delta << 4) | type);
    else {
      out.byte(type);
      out.varint(zigzag32(id));
    }
    last = id;
    if (value.t !== CompactType.True) writeValue(out, value);
  }
  out.byte(CompactType.Stop);
}

function writeValue(out: ByteWriter, value: ThriftValue): void {
  switch (value.t) {
    case CompactType.Byte:
      out.byte(value.v & 0xff);
      return;
    case CompactType.I16:
    case CompactType.I32:
      out.varint(zigzag32(value.v));
      return;
    case CompactType.I64:
      out.varint64(zigzag64(BigInt(value.v)));
      return;
    case CompactType.True:
      out.byte(value.v ? CompactType.True : CompactType.False);
      return;
    case CompactType.Binary: {
      const bytes = typeof value.v === 'string' ? encoder.encode(value.v) : value.v;
      out.varint(bytes.length);
      out.bytes(bytes);
      return;
    }
    case CompactType.Struct:
      writeStruct(out, value.v);
      return;
    case CompactType.List:
      if (value.v.length < 15) out.byte((value.v.length << 4) | value.elem);
      else {
        out.byte(0xf0 | value.elem);
        out.varint(value.v.length);
      }
      for (const item of value.v) writeValue(out, item);
      return;
  }
}

const zigzag32 = (n: number): number => ((n << 1) ^ (n >> 31)) >>> 0;
const zigzag64 = (n: bigint): bigint => (n << 1n) ^ (n >> 63n);

/** A growable byte buffer with varint helpers (also used by the page encoders). */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** The bytes written so far are `bytes[0..length)`; valid until the next write (which may reallocate). */
  get bytesSoFar(): Uint8Array {
    return this.buffer;
  }

  /** A 4-byte little-endian length and the string's UTF-8 bytes (Parquet PLAIN byte arrays). */
  lengthPrefixedUtf8(s: string): void {
    this.ensure(4 + s.length * 3);
    const at = this.length;
    const written = writeUtf8(s, this.buffer, at + 4);
    this.buffer[at] = written;
    this.buffer[at + 1] = written >>> 8;
    this.buffer[at + 2] = written >>> 16;
    this.buffer[at + 3] = written >>> 24;
    this.length = at + 4 + written;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buffer.writeInt32LE(v, this.length);
    this.length += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(v, this.length);
    this.length += 4;
  }

  /** Overwrites 4 bytes already written (a length prefix filled in afterwards). */
  patchUint32(at: number, v: number): void {
    this.buffer.writeUInt32LE(v, at);
  }

  bigInt64(v: bigint): void {
    this.ensure(8);
    this.buffer.writeBigInt64LE(v, this.length);
    this.length += 8;
  }

  double(v: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(v, this.length);
    this.length += 8;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buffer[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }

  varint(n: number): void {
    this.ensure(5);
    while (n > 0x7f) {
      this.buffer[this.length++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buffer[this.length++] = n;
  }

  varint64(n: bigint): void {
    this.ensure(10);
    let v = BigInt.asUintN(64, n);
    while (v > 0x7fn) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
  }

  /** The written bytes (a view; copy it if the writer is reused). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}
