import type { Readable } from 'node:stream';

/** Metadata of one stored object. */
export interface ObjectInfo {
  /** Full URI, usable with any other call: `s3://bucket/key` or `file:///abs/path`. */
  uri: string;
  size: number;
  lastModified: Date;
  etag?: string;
}

/** Bytes to read; `end` is inclusive, as in HTTP `Range`. `{ suffix: n }` is the last n bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface GetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export type Body = Readable | AsyncIterable<Uint8Array> | Uint8Array | string;

export interface PutOptions {
  signal?: AbortSignal;
  contentType?: string;
  /**
   * S3 multipart part size in bytes (min 5 MiB, default 8 MiB). An object can have at most 10,000
   * parts, so the default caps one object at 80 GiB. Memory held by one upload, measured: about
   * `2 * partSize * queueSize` (lib-storage copies each part once), 32 MiB with the defaults.
   */
  partSize?: number;
  /** S3 parts uploaded concurrently (default 2); see `partSize` for the memory bound. */
  queueSize?: number;
}

export interface PutResult {
  uri: string;
  /** Bytes stored. */
  size: number;
  etag?: string;
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Page size asked of the backend (S3 max 1000). Listing is lazy: pages are fetched as you iterate. */
  pageSize?: number;
}

/**
 * One port over every place objects live. Writes are all-or-nothing: an object becomes visible only
 * complete (S3 completes the multipart upload last; local files are renamed into place), and a failed
 * or aborted write leaves nothing behind (no temp file, no pending multipart upload).
 */
export interface ObjectStore {
  /** Streams the object's bytes. A missing object is a `TerminalError` with code `NOT_FOUND`. */
  get(uri: string, options?: GetOptions): Promise<Readable>;
  /** Metadata, or `undefined` when there is no such object. */
  head(uri: string): Promise<ObjectInfo | undefined>;
  /** Every object whose URI starts with `prefixUri`, in key order (UTF-8 byte order, as S3). */
  list(prefixUri: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Streams `body` into the object; resolves once it is durably stored and visible. */
  put(uri: string, body: Body, options?: PutOptions): Promise<PutResult>;
  copy(fromUri: string, toUri: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Copy, then delete the source (archive / unprocessed moves). */
  move(fromUri: string, toUri: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Deletes the objects; missing ones are fine. Returns how many were asked for. */
  deleteMany(uris: Iterable<string>, options?: { signal?: AbortSignal }): Promise<number>;
}
