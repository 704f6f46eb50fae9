/**
 * The distinct values of a string column, found by their PLAIN bytes where they already lie (the
 * column's value buffer), not by JS strings: no `Map` hashing a fresh parser string per value, no
 * copy per entry. An entry is the offset of its first occurrence (4-byte length, then the bytes);
 * lookup is an open-addressing table of entry numbers keyed by an FNV-1a hash of the bytes.
 *
 * Memory: three Int32Arrays, about 16 bytes per distinct value.
 */
export class ByteDictionary {
  /** Entries in order of first occurrence: offsets of their length-prefixed bytes. */
  offsets = new Int32Array(256);
  size = 0;
  private hashes = new Int32Array(256);
  /** Entry number + 1 per slot; 0 is empty. Kept at most half full. */
  private slots = new Int32Array(1024);

  /**
   * The entry of the length-prefixed value at `bytes[start..end)` — an existing one with the same
   * bytes, else a new entry pointing at `start`.
   */
  entryOf(bytes: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let k = start + 4; k < end; k++) hash = Math.imul(hash ^ (bytes[k] as number), 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot] as number;
      if (held === 0) {
        this.slots[slot] = this.add(start, hash) + 1;
        if (this.size * 2 > this.slots.length) this.rehash();
        return this.size - 1;
      }
      const entry = held - 1;
      if (this.hashes[entry] === hash && sameValue(bytes, this.offsets[entry] as number, start, end)) return entry;
    }
  }

  private add(offset: number, hash: number): number {
    if (this.size === this.offsets.length) {
      this.offsets = grow(this.offsets);
      this.hashes = grow(this.hashes);
    }
    this.offsets[this.size] = offset;
    this.hashes[this.size] = hash;
    return this.size++;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/** Whether the length-prefixed value at `a` holds the same bytes as the one at `b..bEnd`. */
function sameValue(bytes: Uint8Array, a: number, b: number, bEnd: number): boolean {
  const length = bEnd - b;
  for (let k = 0; k < length; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}
