import { buffer } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import type { ObjectStore } from './object-store.js';

/** Byte-range reads of one object (Parquet footers and column chunks): `read(start, end)`, end exclusive. */
export interface RandomAccessObject {
  readonly name: string;
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** One `head`, then one ranged `get` per read; nothing is downloaded that is not asked for. */
export async function objectRandomAccess(
  store: ObjectStore,
  uri: string,
  options: { signal?: AbortSignal } = {},
): Promise<RandomAccessObject> {
  const info = await store.head(uri);
  if (!info) throw new TerminalError('NOT_FOUND', `${uri} does not exist`);
  return {
    name: uri,
    size: info.size,
    async read(start, end) {
      if (end <= start) return new Uint8Array(0);
      const stream = await store.get(uri, { range: { start, end: end - 1 }, ...(options.signal ? { signal: options.signal } : {}) });
      return buffer(stream);
    },
  };
}
