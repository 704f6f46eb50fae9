/**
 * The distinct values of a string column, found by their PLAIN bytes where they already lie (the
 * column's value buffer), not by JS strings: no `Map` hashing a fresh parser string per value, no
 * copy per entry. An entry is the offset of its first occurrence (4-byte length, then the bytes);
 * lookup is an open-addressing table of entry numbers keyed by a hash of the bytes. Hashing and
 * comparing read four bytes at a time (`DataView` loads, which V8 compiles to one unaligned load).
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
  /** A view of the last `bytes` looked up in (the column's buffer, replaced when it grows). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewed: Uint8Array | undefined;

  /**
   * The entry of the length-prefixed value at `bytes[start..end)` — an existing one with the same
   * bytes, else a new entry pointing at `start`.
   */
  entryOf(bytes: Uint8Array, start: number, end: number): number {
    if (bytes !== this.viewed) {
      this.viewed = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    const view = this.view;
    const hash = hashBytes(view, bytes, start + 4, end);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot] as number;
      if (held === 0) {
        this.slots[slot] = this.add(start, hash) + 1;
        if (this.size * 2 > this.slots.length) this.rehash();
        return this.size - 1;
      }
      const entry = held - 1;
      if (this.hashes[entry] === hash && sameValue(view, bytes, this.offsets[entry] as number, start, end)) return entry;
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

/** A 32-bit hash of `bytes[from..to)` made of Murmur3's steps (seeded with the length), four bytes a step. */
function hashBytes(view: DataView, bytes: Uint8Array, from: number, to: number): number {
  let h = to - from;
  let k = from;
  for (; k + 4 <= to; k += 4) {
    h ^= scramble(view.getInt32(k, true));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let shift = 0; k < to; k++, shift += 8) tail |= (bytes[k] as number) << shift;
  h ^= scramble(tail);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function scramble(word: number): number {
  const w = Math.imul(word, 0xcc9e2d51);
  return Math.imul((w << 15) | (w >>> 17), 0x1b873593);
}

/** Whether the length-prefixed value at `a` holds the same bytes as the one at `b..bEnd`. */
function sameValue(view: DataView, bytes: Uint8Array, a: number, b: number, bEnd: number): boolean {
  const length = bEnd - b;
  let k = 0;
  for (; k + 4 <= length; k += 4) if (view.getInt32(a + k, true) !== view.getInt32(b + k, true)) return false;
  for (; k < length; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}
