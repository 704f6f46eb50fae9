import { ByteWriter } from '../thrift/compact-writer.js';
import { MAX_DISTINCT_SHARE, type ColumnBuffer, type Dictionary } from './column-buffer.js';
import type { Compressor } from './compression.js';
import { dataPageHeader, dictionaryPageHeader, Encoding, type ChunkStatistics } from './format.js';
import { bitWidth, encodeHybrid } from './rle.js';

export interface ChunkEncodingOptions {
  codec: number;
  compress: Compressor;
  /** Target uncompressed size of one data page. */
  pageBytes: number;
  /** A column chunk's dictionary may grow to this many PLAIN bytes before the chunk falls back to PLAIN. */
  maxDictionaryBytes: number;
}

export interface EncodedChunk {
  /** Page headers and bodies, in file order. */
  parts: Uint8Array[];
  /** Bytes of the dictionary page (header included), 0 without one: the data pages start after it. */
  dictionaryBytes: number;
  encodings: number[];
  numValues: number;
  uncompressedSize: number;
  compressedSize: number;
  statistics: ChunkStatistics;
}

/** Values looked at before the distinct share is first judged, and how often after. */
const JUDGE_EVERY = 16_384;

/**
 * Builds the chunk's dictionary, or decides against one: when it would pass `maxBytes`, or when most
 * values are distinct. Judged as it goes, so a column of unique values is given up after a few
 * thousand, not after hashing the whole row group.
 */
function buildDictionary(buffer: ColumnBuffer, maxBytes: number): Dictionary | undefined {
  if (buffer.count === 0) return undefined;
  const keyed = buffer.keyWords();
  if (keyed) return wordDictionary(buffer, keyed.words, keyed.stride, maxBytes);
  if (buffer.key(0) === undefined) return undefined;
  const map = new Map<unknown, number>();
  const indices = new Int32Array(buffer.count);
  const firsts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < buffer.count; i++) {
    if ((i & (JUDGE_EVERY - 1)) === JUDGE_EVERY - 1 && firsts.length > i * MAX_DISTINCT_SHARE) return undefined;
    const key = buffer.key(i);
    let index = map.get(key);
    if (index === undefined) {
      index = firsts.length;
      map.set(key, index);
      firsts.push(i);
      bytes += buffer.sizeOf(i);
      if (bytes > maxBytes) return undefined;
    }
    indices[i] = index;
  }
  return firsts.length > buffer.count * MAX_DISTINCT_SHARE
    ? undefined
    : { size: firsts.length, indices, writePage: (out) => buffer.plainAt(out, firsts) };
}

/**
 * `buildDictionary` for fixed-width values, keyed by their bit patterns (`stride` 32-bit words each)
 * in an open-addressing table: no `Map`, and no number boxed per value (an int64 timestamp is not a
 * small integer). Entries in order of first occurrence, as with the `Map`.
 */
function wordDictionary(buffer: ColumnBuffer, words: Int32Array, stride: 1 | 2, maxBytes: number): Dictionary | undefined {
  const count = buffer.count;
  let capacity = 1024;
  while (capacity < 2 * count) capacity *= 2;
  const mask = capacity - 1;
  /** Entry number + 1 per slot; 0 is empty. At most half full. */
  const slots = new Int32Array(capacity);
  const indices = new Int32Array(count);
  const firsts: number[] = [];
  const valueBytes = buffer.sizeOf(0);
  for (let i = 0; i < count; i++) {
    if ((i & (JUDGE_EVERY - 1)) === JUDGE_EVERY - 1 && firsts.length > i * MAX_DISTINCT_SHARE) return undefined;
    const low = words[stride * i] as number;
    const high = stride === 2 ? (words[stride * i + 1] as number) : 0;
    let slot = mixWords(low, high) & mask;
    for (;;) {
      const held = slots[slot] as number;
      if (held === 0) {
        slots[slot] = firsts.push(i);
        if (firsts.length * valueBytes > maxBytes) return undefined;
        indices[i] = firsts.length - 1;
        break;
      }
      const first = stride * (firsts[held - 1] as number);
      if (words[first] === low && (stride === 1 || words[first + 1] === high)) {
        indices[i] = held - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return firsts.length > count * MAX_DISTINCT_SHARE
    ? undefined
    : { size: firsts.length, indices, writePage: (out) => buffer.plainAt(out, firsts) };
}

/** A 32-bit hash of two words (Murmur3's finalizer over their mix). */
function mixWords(low: number, high: number): number {
  let h = Math.imul(low, 0xcc9e2d51) ^ Math.imul(high ^ 0x5bd1e995, 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Encodes a filled column buffer as one column chunk: optional dictionary page, then v1 data pages. */
export function encodeChunk(
  buffer: ColumnBuffer,
  options: ChunkEncodingOptions & { tryDictionary?: boolean },
): EncodedChunk & { dictionary: boolean } {
  const parts: Uint8Array[] = [];
  let uncompressedSize = 0;
  let compressedSize = 0;
  const emit = (header: Uint8Array, body: Uint8Array, rawSize: number) => {
    parts.push(header, body);
    uncompressedSize += header.length + rawSize;
    compressedSize += header.length + body.length;
  };

  const own = buffer.dictionary();
  const dictionary =
    own !== 'build' ? own : options.tryDictionary === false ? undefined : buildDictionary(buffer, options.maxDictionaryBytes);
  let dictionaryBytes = 0;
  if (dictionary) {
    const out = new ByteWriter(64 * 1024);
    dictionary.writePage(out);
    const raw = out.finish();
    const body = options.compress(raw);
    const header = dictionaryPageHeader({ uncompressedSize: raw.length, compressedSize: body.length, numValues: dictionary.size });
    emit(header, body, raw.length);
    dictionaryBytes = header.length + body.length;
  }

  const rows = buffer.rows;
  const nullable = buffer.column.nullable;
  const defs = buffer.definitionLevels;
  // A nullable column with no null in this row group (most of them): every level is 1.
  const noNulls = buffer.count === rows;
  const pages = Math.max(1, Math.ceil(buffer.bytes / options.pageBytes));
  const rowsPerPage = Math.ceil(rows / pages);
  const width = dictionary ? Math.max(1, bitWidth(dictionary.size - 1)) : 0;
  const out = new ByteWriter(Math.min(options.pageBytes * 2, 16 * 1024 * 1024));
  let value = 0;
  for (let start = 0; start < rows || (start === 0 && rows === 0); start += rowsPerPage) {
    const end = Math.min(rows, start + rowsPerPage);
    out.reset();
    let present = end - start;
    if (nullable) {
      const at = out.length;
      out.uint32(0);
      if (noNulls && present >= 8) {
        // What `encodeHybrid` writes for one run of 1s, without scanning the levels.
        out.varint(present << 1);
        out.byte(1);
      } else encodeHybrid(out, defs.subarray(start, end), end - start, 1);
      out.patchUint32(at, out.length - at - 4);
      if (!noNulls) {
        present = 0;
        for (let r = start; r < end; r++) present += defs[r] as number;
      }
    }
    if (dictionary) {
      out.byte(width);
      encodeHybrid(out, dictionary.indices.subarray(value, value + present), present, width);
    } else buffer.plain(out, value, value + present);
    value += present;
    const raw = out.finish();
    const body = options.compress(raw);
    // compress() may return a view of `out`, which the next page reuses.
    const kept = body === raw ? Uint8Array.prototype.slice.call(raw) : body;
    emit(
      dataPageHeader({
        uncompressedSize: raw.length,
        compressedSize: kept.length,
        numValues: end - start,
        encoding: dictionary ? Encoding.PLAIN_DICTIONARY : Encoding.PLAIN,
      }),
      kept,
      raw.length,
    );
    if (rows === 0) break;
  }

  return {
    parts,
    dictionary: dictionary !== undefined,
    dictionaryBytes,
    encodings: dictionary ? [Encoding.PLAIN_DICTIONARY, Encoding.RLE] : [Encoding.PLAIN, Encoding.RLE],
    numValues: rows,
    uncompressedSize,
    compressedSize,
    statistics: { nullCount: rows - buffer.count, ...buffer.minMax() },
  };
}
