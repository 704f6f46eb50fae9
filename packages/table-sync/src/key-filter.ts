import type { Column, ColumnBatch } from '@etl/schema';

/** Bits probed per key. */
const PROBES = 5;
const NULL_KEY = 0x6e756c6c;

/**
 * Whether a file's keys may repeat, decided as its rows stream by, in fixed memory: a Bloom filter of
 * the keys seen. "No" is certain (a Bloom filter has no false negatives), so the merge can skip its
 * duplicate-removal pass over the staging table; "maybe" (a real duplicate, or a false positive, which
 * gets likely past a few million rows with the default size) keeps the pass. Keys are hashed at
 * most as finely as the warehouse compares them (text without trailing spaces and case), so two keys
 * it calls equal always collide. Memory: `bits / 8` bytes, 16 MiB by default. Pure.
 */
export class DuplicateKeyFilter {
  private readonly words: Int32Array;
  private readonly mask: number;
  private maybe = false;

  /** `keys`: positions of the key columns in the batches observed. `bits`: a power of two. */
  constructor(
    private readonly keys: readonly number[],
    bits = 2 ** 27,
  ) {
    if (!Number.isInteger(Math.log2(bits)) || bits < 32)
      throw new RangeError(`the key filter's size must be a power of two of at least 32 bits, not ${bits}`);
    this.words = new Int32Array(bits / 32);
    this.mask = bits - 1;
  }

  /** True once some key may have been seen before; false means every key so far was distinct. */
  get maybeDuplicates(): boolean {
    return this.maybe;
  }

  observe(batch: ColumnBatch): void {
    if (this.maybe) return; // the answer cannot change back
    const pair = new Int32Array(2);
    const hashers = this.keys.map((k) => keyHasher(batch.columns[k], pair));
    const words = this.words;
    for (let r = 0; r < batch.length; r++) {
      // Two independent 32-bit hashes of the whole key (64 bits: a million keys do not collide).
      let h1 = 0x9747b28c;
      let h2 = 0x2f5a1b3d;
      for (const hash of hashers) {
        hash(r);
        h1 = mix(h1 ^ (pair[0] as number));
        h2 = mix((h2 + Math.imul(pair[1] as number, 0x27d4eb2d)) | 0);
      }
      h2 |= 1;
      let seen = true;
      for (let i = 0; i < PROBES; i++) {
        const bit = (h1 + Math.imul(i, h2)) & this.mask;
        const word = bit >>> 5;
        const flag = 1 << (bit & 31);
        if (((words[word] as number) & flag) === 0) {
          seen = false;
          words[word] = (words[word] as number) | flag;
        }
      }
      if (seen) {
        this.maybe = true;
        return;
      }
    }
  }
}

/**
 * Hashes one key column's value at a row into `pair`: two 32-bit words that together determine the
 * value (integers, timestamps, doubles) or are two independent hashes of it (text).
 */
function keyHasher(column: Column | undefined, pair: Int32Array): (row: number) => void {
  if (!column) throw new RangeError('a key column is missing from the batch');
  const { valid, data } = column;
  const none = (): void => {
    pair[0] = NULL_KEY;
    pair[1] = NULL_KEY;
  };
  switch (data.layout) {
    case 'int32':
    case 'boolean': {
      const values = data.values;
      return (r) => {
        if (valid[r] === 0) return none();
        pair[0] = values[r] as number;
        pair[1] = mix((values[r] as number) ^ 0x5bd1e995);
      };
    }
    case 'int64': {
      const halves = data.halves;
      return (r) => {
        if (valid[r] === 0) return none();
        const low = halves[2 * r] as number;
        const high = halves[2 * r + 1] as number;
        // Two Feistel rounds: a bijection of the 64 bits, so distinct keys give distinct pairs.
        const left = low ^ mix(high);
        pair[0] = left;
        pair[1] = high ^ mix(left ^ 0x5bd1e995);
      };
    }
    case 'float64': {
      const values = data.values;
      const words = new Int32Array(2);
      const number = new Float64Array(words.buffer);
      return (r) => {
        if (valid[r] === 0) return none();
        number[0] = (values[r] as number) + 0; // -0 and 0 are one key
        const left = (words[0] as number) ^ mix(words[1] as number);
        pair[0] = left;
        pair[1] = (words[1] as number) ^ mix(left ^ 0x5bd1e995);
      };
    }
    case 'text': {
      const values = data.values;
      return (r) => {
        if (valid[r] === 0) return none();
        const s = (values[r] as string).trimEnd().toLowerCase();
        let a = 0x811c9dc5; // FNV-1a
        let b = 0x3c6ef372;
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          a = Math.imul(a ^ c, 0x01000193);
          b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15);
        }
        pair[0] = a;
        pair[1] = b;
      };
    }
  }
}

/** MurmurHash3's finalizer: every input bit moves every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
