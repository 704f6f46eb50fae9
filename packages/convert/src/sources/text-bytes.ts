import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { RunContext } from '@etl/core';
import { decodeStream, type DecodeTransform } from '@etl/encoding';
import type { ObjectStore } from '@etl/object-store';
import { isGzipped } from '../file-format.js';

/**
 * The object's text: inflated when it is gzip (by the `.gz` name or the 1f 8b magic), decoded from its
 * encoding. `counted` reports raw bytes as they are read. Invalid bytes are replaced and, with `reject`
 * (default), queued on `decoder.invalidOffsets` for the parser to reject their records.
 */
export async function textOf(
  store: ObjectStore,
  uri: string,
  ctx: RunContext,
  options: { encoding?: string; invalid?: 'reject' | 'replace'; counted: (bytes: number) => void },
): Promise<{ text: Readable; decoder: DecodeTransform }> {
  const gzip = isGzipped(uri) || (await startsWithGzipMagic(store, uri));
  const body = await store.get(uri, { signal: ctx.signal });
  // Attached in the same tick as pipe() below: a 'data' listener starts the flow.
  body.on('data', (chunk: Buffer) => options.counted(chunk.length));
  const decoder = decodeStream(ctx, { file: uri, invalid: options.invalid ?? 'reject', ...(options.encoding ? { encoding: options.encoding } : {}) });
  const stages: Array<NodeJS.ReadWriteStream> = gzip ? [createGunzip(), decoder] : [decoder];
  let upstream: Readable = body;
  for (const stage of stages) {
    upstream.on('error', (error: Error) => (stage as unknown as Readable).destroy(error));
    upstream = upstream.pipe(stage) as unknown as Readable;
  }
  return { text: upstream, decoder };
}

async function startsWithGzipMagic(store: ObjectStore, uri: string): Promise<boolean> {
  const head = await store.head(uri);
  if (!head || head.size < 2) return false;
  const bytes: Buffer[] = [];
  for await (const chunk of await store.get(uri, { range: { start: 0, end: 1 } })) bytes.push(chunk as Buffer);
  const magic = Buffer.concat(bytes);
  return magic[0] === 0x1f && magic[1] === 0x8b;
}
