import * as zlib from 'node:zlib';
import { TerminalError } from '@etl/core';
import { compressSync as snappyCompress } from 'snappy';
import { Codec, type CompressionName } from './format.js';

export type Compressor = (page: Uint8Array) => Uint8Array;

/** Present from Node 22.15 (and 23.8); typed here because @types/node 20 does not know it. */
const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (data: Uint8Array) => Buffer }).zstdCompressSync;

/**
 * Page compressors. Snappy is the native binding of the `snappy` package (napi-rs prebuilt, no
 * install script). zstd uses Node's own zlib where it has it; on Node 20 asking for it is an error
 * that says so rather than a silent fallback to another codec.
 */
export function compressorFor(name: CompressionName): { codec: number; compress: Compressor } {
  switch (name) {
    case 'none':
      return { codec: Codec.none, compress: (page) => page };
    case 'snappy':
      // copyOutputData: the result lives in V8's heap, not in an external buffer freed only by a GC
      // that native allocations never trigger (measured: RSS grew without bound on long runs).
      return { codec: Codec.snappy, compress: (page) => snappyCompress(page as Buffer, { copyOutputData: true }) };
    case 'gzip':
      return { codec: Codec.gzip, compress: (page) => zlib.gzipSync(page, { level: 6 }) };
    case 'zstd': {
      const zstd = zstdCompressSync;
      if (!zstd)
        throw new TerminalError(
          'BAD_ARGUMENT',
          `zstd compression needs Node 22.15 or later (this is ${process.version}); use snappy, gzip or none`,
        );
      return { codec: Codec.zstd, compress: (page) => zstd(page) };
    }
  }
}
