import type { ObjectStore } from './object-store.js';
import { formatObjectUri, parseObjectUri } from './uri.js';

/** URIs of every object under a prefix, in key order; folder markers (`…/`) skipped. */
export async function objectsUnder(store: ObjectStore, prefixUri: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const uris: string[] = [];
  for await (const object of store.list(prefixUri, options)) if (!object.uri.endsWith('/')) uris.push(object.uri);
  return uris;
}

/**
 * Every object under a folder with its key below it (`in/a.csv` under `s3://b/`), in key order;
 * folder markers skipped. `folderUri` is taken as a folder (a `/` added when missing) and compared
 * in the form listings give (`file:///…` for a path, however it was written).
 */
export async function* objectsBelow(
  store: ObjectStore,
  folderUri: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<{ uri: string; key: string }> {
  const folder = formatObjectUri(parseObjectUri(folderUri)).replace(/\/*$/, '/');
  for await (const object of store.list(folder, options)) {
    if (object.uri.endsWith('/') || !object.uri.startsWith(folder)) continue;
    yield { uri: object.uri, key: object.uri.slice(folder.length) };
  }
}
