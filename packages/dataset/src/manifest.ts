import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { folderLocation, MANIFEST_NAME, uriBelow } from './layout.js';
import type { PartitionTransform } from './partition-path.js';

/** One Parquet file of a dataset. */
export interface DatasetFile {
  uri: string;
  /** Its partition folders below the generation (`k=v/k2=v2`), `''` when unpartitioned. */
  partition: string;
  rows: number;
  bytes: number;
}

/**
 * `_manifest.json`: what a run published. Readers follow it instead of listing, so they see one whole
 * run or the one before, never a run being written (or the parts of one that died). Written last,
 * with one `put`, which replaces an object atomically on S3 and (rename) on local files.
 */
export interface DatasetManifest {
  version: 1;
  mode: 'overwrite' | 'append';
  runId: string;
  /** URI of the run's folder, which holds every file below (a table's location for Athena/Glue). */
  generation: string;
  /**
   * Overwrite datasets: the generations kept, this run's first, as paths below the prefix. The older
   * ones stay readable for readers that started on an earlier manifest; the rest have been deleted.
   */
  generations?: string[];
  /** ISO 8601 time the run published. */
  committedAt: string;
  rows: number;
  bytes: number;
  files: DatasetFile[];
  /** The distinct partition folders written (`k=v/k2=v2`), sorted. */
  partitions: string[];
  partitionBy: Array<{ column: string; transform: PartitionTransform; name: string }>;
  /** The files' columns (`@etl/schema` types, as the Parquet footer's `etl.schema`). */
  schema: Array<{ name: string; type: string; nullable: boolean }>;
  /** What the writer said about the run at its publish (a CDC load's `watermark`: the data is complete up to it). */
  annotations?: Record<string, string>;
}

/** Where the manifest of a folder (a dataset's prefix, or an append run's folder) lives. */
export function manifestUri(folderUri: string): string {
  return uriBelow(folderLocation(folderUri), MANIFEST_NAME);
}

/** Writes the manifest with one `put` (atomic); the last write of a run. */
export async function writeManifest(store: ObjectStore, uri: string, manifest: DatasetManifest): Promise<void> {
  await store.put(uri, `${JSON.stringify(manifest, null, 1)}\n`, { contentType: 'application/json' });
}

/**
 * The manifest of a dataset (its prefix) or of an append run's folder; undefined when there is none
 * yet. A file there that is not a manifest is a `TerminalError` naming it.
 */
export async function readManifest(
  store: ObjectStore,
  folderUri: string,
  options: { signal?: AbortSignal } = {},
): Promise<DatasetManifest | undefined> {
  const uri = manifestUri(folderUri);
  let body: string;
  try {
    body = await text(await store.get(uri, options));
  } catch (error) {
    if (error instanceof TerminalError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new TerminalError('IO', `${uri} is not JSON (${(error as Error).message}); it is not a dataset manifest`);
  }
  const m = parsed as Partial<DatasetManifest> | null;
  if (typeof m !== 'object' || m === null || m.version !== 1 || !Array.isArray(m.files) || typeof m.generation !== 'string')
    throw new TerminalError(
      'IO',
      `${uri} is not a dataset manifest of version 1 (no version, generation or files); move it away or use another prefix`,
    );
  return m as DatasetManifest;
}
