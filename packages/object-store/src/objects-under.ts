import type { ObjectStore } from './object-store.js';

/** URIs of every object under a prefix, in key order; folder markers (`…/`) skipped. */
export async function objectsUnder(store: ObjectStore, prefixUri: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const uris: string[] = [];
  for await (const object of store.list(prefixUri, options)) if (!object.uri.endsWith('/')) uris.push(object.uri);
  return uris;
}
