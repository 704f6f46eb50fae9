import * as zlib from 'node:zlib';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import { uncompressSync as snappyUncompress } from 'snappy';

type Decompressor = (input: Uint8Array, outputLength: number) => Uint8Array;

/**
 * Page decompressors: Node's zlib for gzip and brotli and the native snappy binding where they exist
 * (several times faster than JavaScript ones); zstd and both LZ4 variants from hyparquet-compressors.
 */
export const decompressors: Record<string, Decompressor> = {
  ...(jsCompressors as Record<string, Decompressor>),
  // An empty page body (data page v2 with only levels, or no values) is legal and has no snappy header.
  SNAPPY: (input) =>
    input.length === 0
      ? input
      : (snappyUncompress(Buffer.from(input.buffer, input.byteOffset, input.byteLength), { copyOutputData: true }) as Buffer),
  // gunzipSync reads concatenated gzip members, as the format allows.
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};
