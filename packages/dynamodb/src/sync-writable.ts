import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { checkRejectRatio, sinkWritable, type RecordBatch, type RunContext } from '@etl/core';
import { batchGetItems } from './batch-get.js';
import { diffItem } from './item-diff.js';
import { BATCH_WRITE_LIMIT, DynamoDbPutSink, type Item } from './write-sink.js';

export interface DynamoDbSyncOptions<T> {
  /** A record of the stream -> the item it stands for. */
  toItem(record: T): Item;
  /** The attributes that make up an item's key (`rowItems(…).keyNames`). */
  keyNames: readonly string[];
  /** Written as `updated_at` (and `created_at` of a new item) when the record has none: the run's time, ISO. */
  now: string;
  /** Attributes records can carry: a stored attribute outside these is reported in `columnsOnlyInTable`. */
  attributes: readonly string[];
  /** BatchWriteItem requests in flight (25 items each). Memory: about `(maxInFlight + 1) * 25` items. Default 4. */
  maxInFlight?: number;
}

/** What a sync did, counted by distinct key against the table as it was before the run. */
export interface DynamoDbSyncCounts {
  new: number;
  changed: number;
  unchanged: number;
  /** Keys met again in the file (the last one wins). */
  duplicateKeys: number;
  written: number;
  /** Attributes of the records that stored items lack, and attributes of stored items the records lack. */
  columnsOnlyInFile: string[];
  columnsOnlyInTable: string[];
}

export type DynamoDbSyncWritable = Writable & { readonly counts: DynamoDbSyncCounts };

/** Bookkeeping attributes: set by the sync, never a reason to rewrite an item. */
const CREATED_AT = 'created_at';
const UPDATED_AT = 'updated_at';
const BOOKKEEPING = new Set([CREATED_AT, UPDATED_AT]);

/**
 * Diff-syncs record batches into a table (seed 000's `schema_diff` + `batch_write_item`): each batch's
 * stored items are fetched by key (BatchGetItem, 100 keys each), and only new and changed items are
 * written (BatchWriteItem through core's `sinkWritable`: batching, `maxInFlight`, retries of
 * UnprocessedItems). A stored item keeps its `created_at`; `updated_at` is the record's or `now`.
 * A key repeated within a batch: the last record wins. A key that comes back in a later batch waits
 * for the earlier write, so it is diffed against it and writes never reorder. Memory: one batch plus
 * the writes in flight, and one entry per distinct key seen (to tell repeats).
 */
export function dynamoDbSync<T>(
  client: DynamoDBClient,
  table: string,
  ctx: RunContext,
  options: DynamoDbSyncOptions<T>,
): DynamoDbSyncWritable {
  const counts: DynamoDbSyncCounts = {
    new: 0,
    changed: 0,
    unchanged: 0,
    duplicateKeys: 0,
    written: 0,
    columnsOnlyInFile: [],
    columnsOnlyInTable: [],
  };
  const keyNames = options.keyNames;
  const keyOf = (item: Item) => keyNames.map((n) => JSON.stringify(item[n])).join('|');
  const keyOnly = (item: Item): Item => Object.fromEntries(keyNames.map((n) => [n, item[n] as Item[string]]));
  const known = new Set([...options.attributes, ...keyNames, ...BOOKKEEPING]);
  const onlyInFile = new Set<string>();
  const onlyInTable = new Set<string>();
  const seen = new Set<string>();
  // The puts take only the new and changed items: the reject ratio is judged here, on every record.
  const putSink = new DynamoDbPutSink(client, table);
  // Records not written, counted on the puts' component so read = written + rejected + dropped: a key
  // repeated within a batch (its last item is the one written) and an item equal to the stored one.
  const putMetrics = ctx.counters.component(putSink.name, 'sink');
  const puts = sinkWritable(putSink, ctx, {
    maxItems: BATCH_WRITE_LIMIT,
    maxInFlight: options.maxInFlight ?? 4,
    guardRejects: false,
  });
  let records = 0;
  // A write that failed for good destroys the puts: fail this stream with it (no listener would be a crash).
  puts.on('error', (error) => writable.destroy(error));

  async function sync(batch: RecordBatch<T>): Promise<void> {
    records += batch.length;
    const incoming = new Map<string, Item>();
    for (const record of batch) {
      const item = options.toItem(record);
      const key = keyOf(item);
      if (incoming.has(key)) counts.duplicateKeys++;
      incoming.set(key, item);
    }
    putMetrics.dropped += batch.length - incoming.size;
    let repeats = 0;
    for (const key of incoming.keys()) if (seen.has(key)) repeats++;
    if (repeats > 0) {
      counts.duplicateKeys += repeats;
      await puts.flush();
    }
    const stored = await batchGetItems(client, table, [...incoming.values()].map(keyOnly), keyOf, { signal: ctx.signal });
    const writes: Item[] = [];
    for (const [key, item] of incoming) {
      const before = stored.get(key);
      const change = diffItem(item, before, BOOKKEEPING);
      if (!seen.has(key)) counts[change]++;
      seen.add(key);
      if (before) {
        for (const name of Object.keys(item)) if (!(name in before) && !keyNames.includes(name)) onlyInFile.add(name);
        for (const name of Object.keys(before)) if (!(name in item) && !known.has(name)) onlyInTable.add(name);
      }
      if (change === 'unchanged') {
        putMetrics.dropped++;
        continue;
      }
      item[CREATED_AT] = before?.[CREATED_AT] ?? item[CREATED_AT] ?? { S: options.now };
      item[UPDATED_AT] ??= { S: options.now };
      writes.push(item);
    }
    if (puts.destroyed) throw puts.errored ?? new Error(`the writes into ${table} stopped`);
    if (writes.length > 0 && !puts.write(writes)) await once(puts, 'drain', { signal: ctx.signal });
    counts.written += writes.length;
  }

  const writable = new Writable({
    objectMode: true,
    highWaterMark: 1,
    write(records: RecordBatch<T>, _encoding, callback) {
      sync(records).then(() => callback(), callback);
    },
    final(callback) {
      try {
        // Items already written stay (DynamoDB has no run-wide transaction); the run still fails.
        checkRejectRatio(ctx, records, `the sync into ${table}`);
      } catch (error) {
        return callback(error as Error);
      }
      puts.end();
      finished(puts).then(() => {
        counts.columnsOnlyInFile = [...onlyInFile].sort();
        counts.columnsOnlyInTable = [...onlyInTable].sort();
        callback();
      }, callback);
    },
    destroy(error, callback) {
      if (!puts.destroyed) puts.destroy(error ?? undefined);
      finished(puts).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  return Object.assign(writable, { counts });
}
