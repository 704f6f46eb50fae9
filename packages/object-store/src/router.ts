import type { S3Client } from '@aws-sdk/client-s3';
import { LocalObjectStore } from './local/local-object-store.js';
import type { Body, GetOptions, ListOptions, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';
import { createS3Client } from './s3/s3-client.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3/s3-object-store.js';
import { parseObjectUri } from './uri.js';

export interface ObjectStoreOptions {
  /** The S3 client; by default one is created from the environment on first use of an `s3://` URI. */
  s3Client?: S3Client;
  s3?: S3ObjectStoreOptions;
  env?: NodeJS.ProcessEnv;
}

/**
 * The object store a pipeline uses: each URI goes to the adapter of its scheme (`s3://` -> S3,
 * `file://` or a path -> local files). Copies and moves across schemes stream through this process.
 */
export function createObjectStore(options: ObjectStoreOptions = {}): ObjectStore {
  const local = new LocalObjectStore();
  let s3: S3ObjectStore | undefined;
  const storeFor = (uri: string): ObjectStore => {
    if (parseObjectUri(uri).scheme === 'file') return local;
    s3 ??= new S3ObjectStore(options.s3Client ?? createS3Client(options.env), options.s3);
    return s3;
  };
  const sameStore = (a: string, b: string) => parseObjectUri(a).scheme === parseObjectUri(b).scheme;

  const store: ObjectStore = {
    get: (uri: string, opts?: GetOptions) => storeFor(uri).get(uri, opts),
    head: (uri: string) => storeFor(uri).head(uri),
    list: (prefixUri: string, opts?: ListOptions): AsyncIterable<ObjectInfo> => storeFor(prefixUri).list(prefixUri, opts),
    put: (uri: string, body: Body, opts?: PutOptions) => storeFor(uri).put(uri, body, opts),
    async copy(fromUri, toUri, opts) {
      if (sameStore(fromUri, toUri)) return storeFor(fromUri).copy(fromUri, toUri, opts);
      await storeFor(toUri).put(toUri, await storeFor(fromUri).get(fromUri, opts), opts);
    },
    async move(fromUri, toUri, opts) {
      if (sameStore(fromUri, toUri)) return storeFor(fromUri).move(fromUri, toUri, opts);
      await store.copy(fromUri, toUri, opts);
      await storeFor(fromUri).deleteMany([fromUri], opts);
    },
    async deleteMany(uris, opts) {
      const all = [...uris];
      const local = all.filter((u) => parseObjectUri(u).scheme === 'file');
      const remote = all.filter((u) => parseObjectUri(u).scheme !== 'file');
      return (
        (local.length ? await storeFor(local[0] as string).deleteMany(local, opts) : 0) +
        (remote.length ? await storeFor(remote[0] as string).deleteMany(remote, opts) : 0)
      );
    },
  };
  return store;
}
