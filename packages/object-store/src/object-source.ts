import type { ByteSource } from '@etl/core';
import type { ByteRange, ObjectStore } from './object-store.js';

/** The bytes of one object as a pipeline source; opened lazily, when the pipeline starts pulling. */
export function objectSource(store: ObjectStore, uri: string, options: { name?: string; range?: ByteRange } = {}): ByteSource {
  return {
    name: options.name ?? 'object-source',
    open: (ctx) =>
      (async function* () {
        const body = await store.get(uri, { signal: ctx.signal, ...(options.range ? { range: options.range } : {}) });
        for await (const chunk of body) yield chunk as Buffer;
      })(),
  };
}
