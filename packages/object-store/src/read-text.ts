import { text } from 'node:stream/consumers';
import type { ObjectStore } from './object-store.js';

/** A small object (a schema file, a view config) as UTF-8 text; a missing one is the store's NOT_FOUND. */
export async function readText(store: ObjectStore, uri: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  return text(await store.get(uri, options));
}
