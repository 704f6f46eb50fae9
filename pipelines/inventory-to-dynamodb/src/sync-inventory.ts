import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sinkWritable, TerminalError, type RunContext } from '@etl/core';
import { openRows } from '@etl/convert';
import {
  BATCH_WRITE_LIMIT,
  batchGetItems,
  createStringKeyedTable,
  diffItem,
  DynamoDbPutSink,
  findTableByPrefix,
  tableKey,
  type Item,
} from '@etl/dynamodb';
import { joinUri, objectWriter, type ObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { isoMicros, keyFields, parseSchemaFile, toAttributeValue, type Field, type Schema, type Value } from '@etl/schema';
import { SAMPLE_TABLE, type InventoryConfig } from './config.js';

export interface InventoryReport {
  table: string;
  keyAttribute: string;
  itemsRead: number;
  new: number;
  changed: number;
  unchanged: number;
  rejected: number;
  duplicateKeys: number;
  writtenToDynamoDb: number;
  parquetRows: number;
  parquetFiles: string[];
  /** Columns of the file that existing items lack, and attributes of existing items the file lacks. */
  columnsOnlyInFile: string[];
  columnsOnlyInTable: string[];
}

const BOOKKEEPING = new Set(['created_at', 'updated_at']);

async function loadSchema(objects: ObjectStore, uri: string): Promise<Schema> {
  const body = uri.includes('://') ? await text(await objects.get(uri)) : await readFile(uri, 'utf8');
  const schema = parseSchemaFile(body, uri);
  if (keyFields(schema).length === 0) throw new TerminalError('CONFIG', `${uri} marks no key column (key_order 1, 2, …)`);
  return schema;
}

/** The table: by prefix (seed `getTableName`), created only when allowed and missing. */
async function targetTable(client: DynamoDBClient, config: InventoryConfig, ctx: RunContext): Promise<string> {
  try {
    return await findTableByPrefix(client, config.table_prefix, 'latest', ctx.logger);
  } catch (error) {
    const create = config.create_table === 'yes' || (config.create_table === 'auto' && config.table_prefix === SAMPLE_TABLE);
    if ((error as TerminalError).code !== 'NOT_FOUND' || !create) throw error;
    const keyAttribute = config.key_attribute ?? 'pk';
    ctx.logger.info({ table: config.table_prefix, keyAttribute }, `creating DynamoDB table ${config.table_prefix} (key ${keyAttribute})`);
    await createStringKeyedTable(client, config.table_prefix, keyAttribute, { signal: ctx.signal });
    return config.table_prefix;
  }
}

/**
 * Seed 000: the inventory file, cast by its schema-definition CSV (rejects with line and reason), is
 * diffed against DynamoDB before writing — existing items fetched by key in batches of 100, only new
 * and changed items written (25 per BatchWriteItem, `max_concurrency` in flight), `created_at` of an
 * existing item kept, `updated_at` the run time (or the file's `created_at`/`updated_at` columns) —
 * and every typed row goes to Snappy Parquet under `run_date=`. The Parquet file is visible only once
 * complete; a failed run aborts it.
 */
export async function syncInventory(
  config: InventoryConfig,
  ctx: RunContext,
  deps: { objects: ObjectStore; client: DynamoDBClient },
): Promise<InventoryReport> {
  const { objects, client } = deps;
  const schema = await loadSchema(objects, config.schema);
  const table = await targetTable(client, config, ctx);
  const key = await tableKey(client, table);
  const keys = keyFields(schema);
  const fields: Field[] = schema.fields;
  const index = (name: string) => fields.findIndex((f) => f.name === name);
  const single = keys.length === 1 && keys[0]?.name === key.partitionKey && !key.sortKey;
  const keyAttribute = config.key_attribute ?? key.partitionKey;
  if (key.sortKey && (index(key.partitionKey) === -1 || index(key.sortKey) === -1)) {
    throw new TerminalError('CONFIG', `${table} is keyed by ${key.partitionKey} + ${key.sortKey}; the schema needs both columns`);
  }
  const keyPositions = keys.map((k) => index(k.name));
  const createdAt = index('created_at');
  const updatedAt = index('updated_at');
  const now = isoMicros(BigInt(ctx.clock.now().getTime()) * 1000n);

  const toItem = (row: readonly Value[]): Item => {
    const item: Item = {};
    for (let i = 0; i < fields.length; i++) {
      const v = row[i];
      if (v !== null && v !== undefined) item[(fields[i] as Field).name] = toAttributeValue(v, (fields[i] as Field).type);
    }
    if (!single && !key.sortKey) item[keyAttribute] = { S: keyPositions.map((p) => String(row[p])).join('#') };
    return item;
  };
  const keyNames = key.sortKey ? [key.partitionKey, key.sortKey] : [single ? key.partitionKey : keyAttribute];
  const keyOf = (item: Item) => keyNames.map((n) => JSON.stringify(item[n])).join('|');
  const keyOnly = (item: Item): Item => Object.fromEntries(keyNames.map((n) => [n, item[n] as Item[string]]));

  const report: InventoryReport = {
    table,
    keyAttribute: keyNames.join('+'),
    itemsRead: 0,
    new: 0,
    changed: 0,
    unchanged: 0,
    rejected: 0,
    duplicateKeys: 0,
    writtenToDynamoDb: 0,
    parquetRows: 0,
    parquetFiles: [],
    columnsOnlyInFile: [],
    columnsOnlyInTable: [],
  };
  const onlyInFile = new Set<string>();
  const onlyInTable = new Set<string>();
  // Keys met so far in this file: a key that comes back in a later batch waits for the earlier
  // write (so it is diffed against it and writes cannot reorder). One entry per distinct key.
  const seen = new Set<string>();
  const rejectedBefore = ctx.rejects.count;

  const source = await openRows(objects, config.source, 'csv', {
    ctx,
    schema,
    header: true,
    ...(config.encoding ? { encoding: config.encoding } : {}),
  });
  const parquetUri = joinUri(config.output, `run_date=${now.slice(0, 10)}`, `part-00000-${ctx.runId}.parquet`);
  const parquet = new ParquetWriter(schema);
  const parquetOut = objectWriter(objects, parquetUri, { signal: ctx.signal });
  const dynamo = sinkWritable(new DynamoDbPutSink(client, table), ctx, {
    maxItems: BATCH_WRITE_LIMIT,
    maxInFlight: config.max_concurrency,
  });
  const write = async (stream: NodeJS.WritableStream, chunk: unknown) => {
    if (!stream.write(chunk as never)) await once(stream, 'drain');
  };

  try {
    for await (const rows of source.batches()) {
      for (const row of rows) for (const part of parquet.appendRow(row)) await write(parquetOut, part);
      report.parquetRows += rows.length;
      // Last row wins for a key repeated in the file (BatchGet/BatchWrite refuse duplicate keys).
      const incoming = new Map<string, Item>();
      for (const row of rows) {
        const item = toItem(row);
        const k = keyOf(item);
        if (incoming.has(k)) report.duplicateKeys++;
        incoming.set(k, item);
      }
      let repeats = 0;
      for (const k of incoming.keys()) if (seen.has(k)) repeats++;
      if (repeats > 0) {
        report.duplicateKeys += repeats;
        await dynamo.flush();
      }
      const existing = await batchGetItems(client, table, [...incoming.values()].map(keyOnly), keyOf, { signal: ctx.signal });
      const writes: Item[] = [];
      for (const [k, item] of incoming) {
        const stored = existing.get(k);
        const change = diffItem(item, stored, BOOKKEEPING);
        // new / changed / unchanged count distinct keys against the table as it was before the run.
        if (!seen.has(k)) report[change]++;
        seen.add(k);
        if (stored) {
          for (const name of Object.keys(item)) if (!(name in stored) && !keyNames.includes(name)) onlyInFile.add(name);
          for (const name of Object.keys(stored))
            if (!(name in item) && !BOOKKEEPING.has(name) && !keyNames.includes(name) && index(name) === -1) onlyInTable.add(name);
        }
        if (change === 'unchanged') continue;
        item['created_at'] = stored?.['created_at'] ?? (createdAt === -1 ? { S: now } : (item['created_at'] ?? { S: now }));
        if (updatedAt === -1 || !item['updated_at']) item['updated_at'] = { S: now };
        writes.push(item);
      }
      if (writes.length > 0) await write(dynamo, writes);
      report.writtenToDynamoDb += writes.length;
    }
    for (const part of parquet.finish()) await write(parquetOut, part);
    parquetOut.end();
    dynamo.end();
    await Promise.all([finished(parquetOut), finished(dynamo)]);
  } catch (error) {
    parquetOut.destroy(error as Error);
    dynamo.destroy(error as Error);
    await Promise.allSettled([finished(parquetOut), finished(dynamo)]);
    throw error;
  }
  report.itemsRead = source.rowsRead;
  report.rejected = ctx.rejects.count - rejectedBefore;
  report.parquetFiles = [(await parquetOut.result).uri];
  report.columnsOnlyInFile = [...onlyInFile].sort();
  report.columnsOnlyInTable = [...onlyInTable].sort();
  return report;
}
