import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import type { RunContext } from '@etl/core';
import { decodeStream, type DecodeTransform, type Detection } from '@etl/encoding';
import type { ObjectStore } from '@etl/object-store';
import { isGzipped } from '../file-format.js';

/**
 * The object's text: inflated when it is gzip or bzip2 (by the `.gz`/`.bz2` name or the magic bytes;
 * Node has no bzip2, so `unbzip2-stream` does it, streaming), decoded from its
 * encoding. `counted` reports raw bytes as they are read. Invalid bytes are replaced and, with `reject`
 * (default), queued on `decoder.invalidOffsets` for the parser to reject their records.
 */
export async function textOf(
  store: ObjectStore,
  uri: string,
  ctx: RunContext,
  options: {
    encoding?: string;
    /** Detected by a look at the file (`sniffFile`): not detected again, and not logged as given. */
    detected?: Detection;
    invalid?: 'reject' | 'replace';
    /** Already known (a sniff read the magic bytes): saves the HEAD and ranged GET of the probe. */
    compression?: 'gzip' | 'bzip2' | 'none';
    counted: (bytes: number) => void;
  },
): Promise<{ text: Readable; decoder: DecodeTransform }> {
  const bytes = await bytesOf(store, uri, ctx, options);
  const decoder = decodeStream(ctx, {
    file: uri,
    invalid: options.invalid ?? 'reject',
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.detected ? { detected: options.detected } : {}),
  });
  bytes.on('error', (error: Error) => decoder.destroy(error));
  return { text: bytes.pipe(decoder) as unknown as Readable, decoder };
}

/** The object's bytes, inflated when it is gzip or bzip2 (see `textOf`); `counted` reports raw bytes as they are read. */
export async function bytesOf(
  store: ObjectStore,
  uri: string,
  ctx: RunContext,
  options: { compression?: 'gzip' | 'bzip2' | 'none'; counted: (bytes: number) => void },
): Promise<Readable> {
  const compression = options.compression ?? (await compressionOf(store, uri));
  const body = await store.get(uri, { signal: ctx.signal });
  // Attached in the same tick as pipe() below: a 'data' listener starts the flow.
  body.on('data', (chunk: Buffer) => options.counted(chunk.length));
  const inflate = compression === 'gzip' ? createGunzip() : compression === 'bzip2' ? unbzip2() : undefined;
  if (!inflate) return body;
  body.on('error', (error: Error) => (inflate as unknown as Readable).destroy(error));
  return body.pipe(inflate) as unknown as Readable;
}

/** By the name (`.gz`, `.bz2`) or the first bytes (gzip 1f 8b, bzip2 "BZh"). */
async function compressionOf(store: ObjectStore, uri: string): Promise<'gzip' | 'bzip2' | 'none'> {
  const magic = await leadingBytes(store, uri);
  if (isGzipped(uri) || (magic[0] === 0x1f && magic[1] === 0x8b)) return 'gzip';
  if (/\.bz2$/i.test(uri) || magic.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  return 'none';
}

async function leadingBytes(store: ObjectStore, uri: string): Promise<Buffer> {
  const head = await store.head(uri);
  if (!head || head.size < 3) return Buffer.alloc(0);
  const bytes: Buffer[] = [];
  for await (const chunk of await store.get(uri, { range: { start: 0, end: 2 } })) bytes.push(chunk as Buffer);
  return Buffer.concat(bytes);
}
