import { recordLength } from './record-codec.js';
import { RecordTable } from './record-table.js';

/** Share of the budget the table may take (its arrays are briefly there twice while it grows). */
const TABLE_SHARE = 0.2;
/** New keys stop at this share of the buffer: the rest is room for the held keys' later rows. */
const NEW_KEYS_SHARE = 0.8;
/** Compacting is worth it once this share of the buffer is replaced rows. */
const COMPACT_SHARE = 0.125;

/**
 * The rows a dedup holds, as records (`record-codec.ts`) in one buffer with a `RecordTable` over them:
 * memory is the buffer and the table, known to the byte, and the garbage collector has nothing to
 * walk. The buffer is allocated once at its full size, uninitialised: the OS gives it pages as rows
 * reach them, so a small input costs little. A key's later row is appended and its old one becomes
 * dead space, reclaimed by compacting the buffer in place.
 */
export class HeldRecords {
  readonly buffer: Buffer;
  table: RecordTable;
  /** End of the records. */
  tail = 0;
  /** Bytes of replaced records. */
  private dead = 0;
  private readonly maxSlots: number;
  private readonly newKeysEnd: number;

  constructor(budgetBytes: number) {
    this.maxSlots = RecordTable.capacityWithin(budgetBytes * TABLE_SHARE);
    // The table's share counted once more for its growth, when old and new arrays are both alive.
    const bufferBytes = Math.floor(budgetBytes * (1 - 1.5 * TABLE_SHARE));
    this.buffer = Buffer.allocUnsafe(bufferBytes);
    this.newKeysEnd = Math.floor(bufferBytes * NEW_KEYS_SHARE);
    this.table = new RecordTable(Math.min(this.maxSlots, 1 << 16), true);
  }

  /**
   * Holds a new key's record (`found` is `table.find`'s answer for it), copied from `source` unless it
   * was written in place at `tail`; false when the held keys are full: the table at its largest or
   * the buffer at its share for new keys.
   */
  addNew(found: number, hash: number, source: Buffer, at: number, length: number): boolean {
    let slot = found;
    if (!this.table.hasRoom) {
      const capacity = this.table.slots;
      if (capacity >= this.maxSlots) return false;
      this.table.grow(capacity * 2, this.buffer);
      slot = this.table.find(hash, source, at, this.buffer);
    }
    if (this.tail + length > this.newKeysEnd) {
      if (this.dead >= this.buffer.length * COMPACT_SHARE) this.compact();
      if (this.tail + length > this.newKeysEnd) return false;
    }
    this.place(source, at, length);
    this.table.insert(slot, hash, this.tail, this.buffer);
    this.tail += length;
    return true;
  }

  /** Holds a key's later row in place of its record in `slot`; false when the buffer has no room for it. */
  replace(slot: number, source: Buffer, at: number, length: number): boolean {
    if (this.tail + length > this.buffer.length) {
      if (this.dead >= this.buffer.length * COMPACT_SHARE) this.compact();
      if (this.tail + length > this.buffer.length) return false;
    }
    this.place(source, at, length);
    this.dead += recordLength(this.buffer, this.table.offsets[slot] as number);
    this.table.replace(slot, this.tail, this.buffer);
    this.tail += length;
    return true;
  }

  /** Frees the table (the held rows were emitted); the buffer stays, for the partitions to be read into. */
  release(): void {
    this.table = new RecordTable(16, true);
    this.clear();
  }

  /** Forgets every record (they were written out). */
  clear(): void {
    this.table.clear();
    this.tail = 0;
    this.dead = 0;
  }

  private place(source: Buffer, at: number, length: number): void {
    if (source === this.buffer) {
      if (at !== this.tail) this.buffer.copyWithin(this.tail, at, at + length);
    } else source.copy(this.buffer, this.tail, at, at + length);
  }

  /** Moves the live records down over the dead ones, in order (a record is live when its slot points at it). */
  private compact(): void {
    const { buffer, table } = this;
    let to = 0;
    for (let at = 0; at < this.tail;) {
      const length = recordLength(buffer, at);
      const slot = recordLength(buffer, at + 4);
      if (table.offsets[slot] === at) {
        if (to !== at) buffer.copyWithin(to, at, at + length);
        table.offsets[slot] = to;
        to += length;
      }
      at += length;
    }
    // A record written at the old tail (the row being placed) is above every move: \`place\` moves it after.
    this.tail = to;
    this.dead = 0;
  }
}
