import { sameRecordKey } from './record-codec.js';
import { putInt32 } from './value-codec.js';

/** Bytes a slot takes: its record's offset, its key's hash and its key's first-seen number, 4 bytes each. */
export const SLOT_BYTES = 12;
/** Slots in use before the table grows: linear probing stays short below this. */
const LOAD = 0.7;

/**
 * An open-addressing hash table of records (`record-codec.ts`) held in one buffer: per slot the
 * record's offset, its key's hash and the order the key was first seen in, in three typed arrays, so
 * holding a key costs `SLOT_BYTES / LOAD` bytes at most and makes nothing for the garbage collector.
 * Keys compare as bytes. Records know their slot (`slot` in their header), which is what lets the
 * buffer be compacted.
 */
export class RecordTable {
  size = 0;
  offsets: Int32Array;
  private hashes: Int32Array;
  private seqs: Int32Array;

  /** `capacity`: a power of two. */
  constructor(
    private capacity: number,
    /** Writes each record's slot into its header (a table whose buffer is compacted). */
    private readonly trackSlots: boolean,
  ) {
    this.offsets = new Int32Array(capacity).fill(-1);
    this.hashes = new Int32Array(capacity);
    this.seqs = new Int32Array(capacity);
  }

  /** Slots for `keys` keys: what a table of them needs (a power of two: a slot is the hash's low bits). */
  static capacityFor(keys: number): number {
    return powerOfTwoAtLeast(Math.ceil(keys / LOAD) + 1);
  }

  /** The most slots `bytes` hold (a power of two, at least 16). */
  static capacityWithin(bytes: number): number {
    return Math.max(16, powerOfTwoAtLeast(Math.floor(bytes / SLOT_BYTES) + 1) / 2);
  }

  get bytes(): number {
    return this.capacity * SLOT_BYTES;
  }

  /** Whether one more key fits without growing. */
  get hasRoom(): boolean {
    return this.size + 1 <= this.capacity * LOAD;
  }

  /** The slot holding the key of the record at `at` in `buffer`, or `~slot` of the empty slot where it goes. */
  find(hash: number, buffer: Buffer, at: number, held: Buffer): number {
    const offsets = this.offsets;
    const hashes = this.hashes;
    const h = hash | 0;
    const mask = this.capacity - 1;
    let slot = h & mask;
    for (;;) {
      const offset = offsets[slot] as number;
      if (offset < 0) return ~slot;
      if (hashes[slot] === h && sameRecordKey(held, offset, buffer, at)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Puts a new key's record in the empty slot `~found` (`find`'s answer). */
  insert(found: number, hash: number, offset: number, held: Buffer): void {
    const slot = ~found;
    this.offsets[slot] = offset;
    this.hashes[slot] = hash | 0;
    this.seqs[slot] = this.size++;
    if (this.trackSlots) putInt32(held, offset + 4, slot);
  }

  /** Points `slot` at its key's new record. */
  replace(slot: number, offset: number, held: Buffer): void {
    this.offsets[slot] = offset;
    if (this.trackSlots) putInt32(held, offset + 4, slot);
  }

  /** The number of the slot's key in first-seen order (0, 1, …). */
  seqAt(slot: number): number {
    return this.seqs[slot] as number;
  }

  hashAt(slot: number): number {
    return (this.hashes[slot] as number) >>> 0;
  }

  get slots(): number {
    return this.capacity;
  }

  /** Rehashes into `capacity` slots (a power of two) (records' slots rewritten). */
  grow(capacity: number, held: Buffer): void {
    const { offsets, hashes, seqs } = this;
    this.capacity = capacity;
    this.offsets = new Int32Array(capacity).fill(-1);
    this.hashes = new Int32Array(capacity);
    this.seqs = new Int32Array(capacity);
    for (let from = 0; from < offsets.length; from++) {
      const offset = offsets[from] as number;
      if (offset < 0) continue;
      const hash = hashes[from] as number;
      const mask = capacity - 1;
      let slot = hash & mask;
      while ((this.offsets[slot] as number) >= 0) slot = (slot + 1) & mask;
      this.offsets[slot] = offset;
      this.hashes[slot] = hash | 0;
      this.seqs[slot] = seqs[from] as number;
      if (this.trackSlots) putInt32(held, offset + 4, slot);
    }
  }

  /** The records' offsets in the order their keys were first seen. */
  offsetsInFirstSeenOrder(): Int32Array {
    const ordered = new Int32Array(this.size);
    for (let slot = 0; slot < this.capacity; slot++) {
      const offset = this.offsets[slot] as number;
      if (offset >= 0) ordered[this.seqs[slot] as number] = offset;
    }
    return ordered;
  }

  /** Empties the table for `capacity` slots (a power of two), keeping its arrays when they are large enough. */
  reset(capacity: number): void {
    if (this.offsets.length < capacity) {
      this.offsets = new Int32Array(capacity);
      this.hashes = new Int32Array(capacity);
      this.seqs = new Int32Array(capacity);
    }
    this.capacity = capacity;
    this.offsets.fill(-1, 0, capacity);
    this.size = 0;
  }

  /** Forgets every key (the records were written out). */
  clear(): void {
    this.offsets.fill(-1);
    this.size = 0;
  }
}

function powerOfTwoAtLeast(n: number): number {
  let power = 16;
  while (power < n) power *= 2;
  return power;
}
