import { Readable } from 'node:stream';
import type { Body } from './object-store.js';

export function toReadable(body: Body): Readable {
  if (body instanceof Readable) return body;
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  return Readable.from(body);
}

/** Counts bytes as they stream by, without copying them. */
export async function* countBytes(source: AsyncIterable<Uint8Array | string>, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    counter.bytes += bytes.byteLength;
    yield bytes;
  }
}
