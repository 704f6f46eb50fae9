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
  if (buffer.count === 0 || buffer.key(0) === undefined) return undefined;
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
  return firsts.length > buffer.count * MAX_DISTINCT_SHARE ? undefined : { size: firsts.length, indices, writePage: (out) => buffer.plainAt(out, firsts) };
}

/** Encodes a filled column buffer as one column chunk: optional dictionary page, then v1 data pages. */
export function encodeChunk(buffer: ColumnBuffer, options: ChunkEncodingOptions & { tryDictionary?: boolean }): EncodedChunk & { dictionary: boolean } {
  const parts: Uint8Array[] = [];
  let uncompressedSize = 0;
  let compressedSize = 0;
  const emit = (header: Uint8Array, body: Uint8Array, rawSize: number) => {
    parts.push(header, body);
    uncompressedSize += header.length + rawSize;
    compressedSize += header.length + body.length;
  };

  const own = buffer.dictionary();
  const dictionary = own !== 'build' ? own : options.tryDictionary === false ? undefined : buildDictionary(buffer, options.maxDictionaryBytes);
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
      encodeHybrid(out, defs.subarray(start, end), end - start, 1);
      out.patchUint32(at, out.length - at - 4);
      present = 0;
      for (let r = start; r < end; r++) present += defs[r] as number;
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
    emit(dataPageHeader({ uncompressedSize: raw.length, compressedSize: kept.length, numValues: end - start, encoding: dictionary ? Encoding.PLAIN_DICTIONARY : Encoding.PLAIN }), kept, raw.length);
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
