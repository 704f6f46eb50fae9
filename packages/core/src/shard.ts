/**
 * One shard of a run's work (an AWS Batch array job's child): items are assigned by a stable hash of
 * their name, never by their position in a listing, so shards that list at different times (after
 * another shard archived some files) still agree on who owns what.
 */
export interface Shard {
  /** 0-based, below `size`. */
  readonly index: number;
  /** How many shards share the work; 1 is the whole run. */
  readonly size: number;
  /** Whether this shard loads the item of this name (always, when `size` is 1). */
  owns(name: string): boolean;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32 bit) over the name's UTF-8 bytes: the same number on every machine and Node version. */
export function fnv1a(name: string): number {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** The shard (0 … size-1) that owns the item of this name. */
export function shardOf(name: string, size: number): number {
  return fnv1a(name) % size;
}

/** Shard `index` of `size`; throws a `RangeError` on anything but integers with 0 <= index < size. */
export function createShard(index: number, size: number): Shard {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shard size must be a positive integer, got ${size}`);
  if (!Number.isInteger(index) || index < 0 || index >= size)
    throw new RangeError(`shard index must be an integer from 0 to ${size - 1}, got ${index}`);
  return { index, size, owns: size === 1 ? () => true : (name) => shardOf(name, size) === index };
}

/** The whole run: one shard that owns everything. */
export const wholeRun: Shard = createShard(0, 1);
