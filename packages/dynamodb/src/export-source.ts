import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TerminalError, type RecordBatch, type RunContext, type Source } from '@etl/core';
import type { ObjectStore } from '@etl/object-store';
import { readExportManifest, type ExportManifest } from './export-manifest.js';
import { changeFromExportLine, itemFromExportLine, type ExportChange } from './export-records.js';
import type { Item } from './write-sink.js';

export interface ExportSourceOptions {
  /** Records per batch handed downstream (default 1000). Memory: one batch and one file's gunzip window. */
  batchSize?: number;
  name?: string;
}

/**
 * The items of a full export (`location`: its manifest-summary.json or folder, on S3 or local), as a
 * pipeline `Source` yielding what `scanSource` yields for the same table. Data files are read one
 * at a time, streamed through gunzip line by line; each file's line count is checked against its
 * manifest entry, so a truncated file fails the run instead of losing items.
 */
export function exportItems(store: ObjectStore, location: string, options: ExportSourceOptions = {}): Source<Item> {
  return exportSource(store, location, 'FULL_EXPORT', itemFromExportLine, options);
}

/**
 * The changes of an incremental export: one upsert or delete per changed item, keyed by the table's
 * key (AWS compacts the window: each item appears once). Apply them with `applyExportChanges`.
 */
export function exportChanges(store: ObjectStore, location: string, options: ExportSourceOptions = {}): Source<ExportChange> {
  return exportSource(store, location, 'INCREMENTAL_EXPORT', changeFromExportLine, options);
}

function exportSource<T>(
  store: ObjectStore,
  location: string,
  type: ExportManifest['type'],
  parse: (line: string, where: string) => T,
  options: ExportSourceOptions,
): Source<T> {
  return {
    name: options.name ?? `dynamodb-export:${location}`,
    open: (ctx: RunContext) => read(store, location, type, parse, options.batchSize ?? 1000, ctx.signal),
  };
}

async function* read<T>(
  store: ObjectStore,
  location: string,
  type: ExportManifest['type'],
  parse: (line: string, where: string) => T,
  batchSize: number,
  signal: AbortSignal,
): AsyncGenerator<RecordBatch<T>> {
  const manifest = await readExportManifest(store, location);
  if (manifest.type !== type) {
    const use = type === 'FULL_EXPORT' ? 'exportChanges' : 'exportItems';
    throw new TerminalError('BAD_ARGUMENT', `DynamoDB export ${location} is a ${manifest.type}: read it with ${use}`);
  }
  for (const file of manifest.dataFiles) {
    // AWS writes an empty (possibly zero-byte) file for an empty partition.
    if (file.itemCount === 0) continue;
    let batch: T[] = [];
    let records = 0;
    for await (const line of gunzippedLines(await store.get(file.uri, { signal }))) {
      if (line.trim() === '') continue;
      records++;
      batch.push(parse(line, `${file.uri} line ${records}`));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    if (Number.isFinite(file.itemCount) && records !== file.itemCount)
      throw new TerminalError(
        'BAD_INPUT',
        `DynamoDB export file ${file.uri} holds ${records} items, its manifest says ${file.itemCount}: the file is incomplete`,
      );
  }
}

/** The lines of a gzipped object, streamed: an error of the object's stream fails the read. */
async function* gunzippedLines(body: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  body.once('error', (error) => gunzip.destroy(error));
  body.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() as string;
      yield* lines;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    body.destroy();
    gunzip.destroy();
  }
}
