/**
 * Where a decoder replaced bytes with U+FFFD, as byte offsets, one per replacement character, so a
 * record can be rejected naming the bad bytes. UTF-8 follows the WHATWG decoder exactly (one U+FFFD per
 * maximal invalid subpart), so offsets line up one to one with the replacement characters it emits.
 * Other encodings have no byte-level model here: their replacements are located to the chunk.
 */
export class InvalidByteLocator {
  private needed = 0;
  private seen = 0;
  private lower = 0x80;
  private upper = 0xbf;
  private start = 0;

  constructor(private readonly utf8: boolean) {}

  /**
   * Offsets of the replacements in `bytes` (which start at `base` in the file). Must see every chunk in
   * order, so a sequence split across chunks is judged as a whole. `replacements` is how many U+FFFD the
   * decoder produced for this chunk (used when the encoding has no byte model).
   */
  scan(bytes: Uint8Array, base: number, replacements: number): number[] {
    if (!this.utf8) return new Array<number>(replacements).fill(base);
    const offsets: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.needed === 0) {
        if (b <= 0x7f) continue;
        this.start = base + i;
        if (b >= 0xc2 && b <= 0xdf) this.needed = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) this.lower = 0xa0;
          if (b === 0xed) this.upper = 0x9f;
          this.needed = 2;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) this.lower = 0x90;
          if (b === 0xf4) this.upper = 0x8f;
          this.needed = 3;
        } else offsets.push(base + i);
        continue;
      }
      if (b < this.lower || b > this.upper) {
        offsets.push(this.start);
        this.reset();
        i--; // the byte starts over
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      if (++this.seen === this.needed) this.reset();
    }
    return offsets;
  }

  /**
   * Takes up the state at the end of a chunk of 4 bytes or more that was not scanned (it had no
   * replacement): only its last three bytes matter, where a character may continue into the next chunk.
   */
  prime(bytes: Uint8Array, base: number): void {
    this.reset();
    if (!this.utf8) return;
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
      const b = bytes[bytes.length - back] as number;
      if (b < 0x80) return;
      if (b < 0xc0) continue; // a continuation byte: keep looking for its lead
      const needed = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
      const seen = back - 1;
      if (seen >= needed) return;
      this.start = base + bytes.length - back;
      this.needed = needed;
      this.seen = seen;
      if (seen === 0) {
        if (b === 0xe0) this.lower = 0xa0;
        if (b === 0xed) this.upper = 0x9f;
        if (b === 0xf0) this.lower = 0x90;
        if (b === 0xf4) this.upper = 0x8f;
      }
      return;
    }
  }

  /** A sequence cut off by the end of the input is one more replacement. */
  end(): number[] {
    const open = this.utf8 && this.needed > 0 ? [this.start] : [];
    this.reset();
    return open;
  }

  private reset(): void {
    this.needed = 0;
    this.seen = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }
}
