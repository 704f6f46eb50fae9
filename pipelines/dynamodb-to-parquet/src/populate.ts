import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Counters, countingRejects, from, runPipeline, TerminalError, type RejectOutput, type RunContext, type Stage } from '@etl/core';
import { openRows, screenRejects, sniffFile } from '@etl/convert';
import { anyItem, createStringKeyedTable, dynamoDbSync, otherKeyOf, rowItems, tableKey, tableNameProblem, type Item } from '@etl/dynamodb';
import type { ObjectStore } from '@etl/object-store';
import { defineJob, type JobConfig } from '@etl/runtime';
import { attributeKindOf, cleanColumnNames, isoMicros, parseType, trimFraction, type Schema, type Value } from '@etl/schema';
import { populateArgs, SAMPLE_TABLE } from './config.js';

/** The header's names of `--key` columns given as the header writes them or cleaned (`invoiceno`); undefined for one not found. */
export function keyColumns(header: readonly string[], keys: readonly string[]): Array<string | undefined> {
  const cleaned = cleanColumnNames(header);
  return keys.map((k) => (header.includes(k) ? k : header[cleaned.indexOf(k)]));
}

/**
 * The position (among the rows read) of each key's last row: a first pass over the file, so the load
 * writes each key once, with its last row, and a rerun of the same file writes nothing. Memory: one
 * entry per distinct key. Its rejects are not counted (the load reads the same rows again).
 */
async function lastRowOfKeys(
  objects: ObjectStore,
  source: string,
  schema: Schema,
  keyOf: (row: readonly Value[]) => string,
  ctx: RunContext,
): Promise<Map<string, number>> {
  const rows = await openRows(objects, source, 'csv', { ctx: quietly(ctx), header: true, schema });
  const last = new Map<string, number>();
  let index = 0;
  for await (const batch of rows.batches()) for (const row of batch) last.set(keyOf(row), index++);
  return last;
}

/** The table, created (string key `pk`, on demand) when missing and allowed. */
async function targetTable(client: DynamoDBClient, config: JobConfig<typeof populateArgs>, ctx: RunContext): Promise<void> {
  try {
    await tableKey(client, config.table);
  } catch (error) {
    const missing = (error as { name?: string }).name === 'ResourceNotFoundException';
    const create = config.create_table === 'yes' || (config.create_table === 'auto' && config.table === SAMPLE_TABLE);
    if (!missing) throw error;
    if (!create)
      throw new TerminalError('NOT_FOUND', `DynamoDB table ${config.table} does not exist; create it, or pass --create_table yes`);
    ctx.logger.info({ table: config.table }, `creating DynamoDB table ${config.table} (string key pk, on demand)`);
    await createStringKeyedTable(client, config.table, 'pk', { signal: ctx.signal });
  }
}

/**
 * Seed 004's `dynamo_populate.py`: a CSV into a table. Types are inferred over every row (numbers as
 * N, timestamps as ISO strings); `--key` columns make the item key (several: `pk` = values joined with
 * `#`, the columns kept as attributes; a key repeated in the file: its last row wins, read in a first pass). Through the diff-sync (`dynamoDbSync`): throttling retried,
 * and a rerun writes only what changed (an unchanged file writes nothing).
 */
export async function populate(
  config: JobConfig<typeof populateArgs>,
  ctx: RunContext,
  deps: { objects: ObjectStore; client: DynamoDBClient },
) {
  const { objects, client } = deps;
  const rows = await openRows(objects, config.source, 'csv', { ctx, header: true, inferFrom: 'file' });
  const header = rows.schema.fields.map((f) => f.name);
  const keys = keyColumns(header, config.key);
  const unknown = config.key.filter((_, i) => keys[i] === undefined);
  if (unknown.length > 0)
    throw new TerminalError('BAD_ARGUMENT', `--key: ${unknown.join(', ')} not in the header of ${config.source} (${header.join(', ')})`);
  const schema: Schema = {
    fields: rows.schema.fields.map((f) => {
      const keyOrder = keys.indexOf(f.name);
      return keyOrder >= 0 ? { ...f, nullable: false, keyOrder: keyOrder + 1 } : f;
    }),
  };
  const keyPositions = keys.map((k) => header.indexOf(k as string));
  const keyOf = (row: readonly Value[]) => keyPositions.map((p) => String(row[p])).join('\u0000');
  // DynamoDB cannot take items back: a file that fails --max_rejects or --max_reject_ratio fails here,
  // before a table is created or an item written (as inventory-to-dynamodb does).
  const open = (c: RunContext) => openRows(objects, config.source, 'csv', { ctx: c, header: true, schema: rows.schema });
  const { accepted, writingCtx } = await screenRejects(open, ctx, config.source);
  if (accepted === 0) {
    // Empty or header only (a file of rejects alone failed the screening): as every pipeline, a success that changes nothing.
    ctx.logger.warn({ source: config.source }, `${config.source} holds no rows: no table created, no item written to ${config.table}`);
    return { table: config.table, rowsRead: 0, written: 0, rejected: ctx.rejects.count };
  }
  const last = await lastRowOfKeys(objects, config.source, rows.schema, keyOf, ctx);
  let index = 0;
  let repeated = 0;
  const lastRows: Stage<Value[], Value[]> = {
    name: 'last-row-of-key',
    process(row) {
      if (last.get(keyOf(row)) === index++) return row;
      repeated++;
      return undefined;
    },
  };
  await targetTable(client, config, ctx);
  const key = await tableKey(client, config.table);
  const items = rowItems(schema, key, { table: config.table });
  const stored = await anyItem(client, config.table, { signal: ctx.signal });
  if (stored && key.sortKey === undefined) refuseOtherKey(stored, config.table, key.partitionKey, keys as string[]);
  if (stored) await refuseTypeChange(stored, rows.schema, { objects, config, ctx });
  const decimals = schema.fields.flatMap((f, i) => (f.type.kind === 'decimal' ? [i] : []));
  const now = isoMicros(BigInt(ctx.clock.now().getTime()) * 1000n);
  const sync = dynamoDbSync<Value[]>(client, config.table, writingCtx, {
    // Decimals as DynamoDB stores them (`2.55`, not the column's `2.550000`): an unchanged row is an unchanged item.
    toItem: (row) => {
      const item = items.toItem(row);
      // An empty CSV field is no attribute (the key columns are NOT NULL and never empty).
      for (const name in item) if ((item[name] as { S?: string }).S === '') delete item[name];
      for (const i of decimals) {
        const name = (schema.fields[i] as { name: string }).name;
        const n = item[name];
        if (n && 'N' in n && n.N !== undefined) item[name] = { N: trimFraction(n.N) };
      }
      return item;
    },
    keyNames: items.keyNames,
    now,
    attributes: header,
    maxInFlight: config.max_concurrency,
  });
  // The rejects were recorded by the screening: this pass counts them without writing them twice.
  const writing = await open(writingCtx);
  await runPipeline(from(writing).through(lastRows).into(sync), writingCtx);
  // Repeats within the file were dropped before the sync (its own duplicateKeys is then 0).
  const { written, duplicateKeys: _none, ...counts } = sync.counts;
  const figures = {
    table: config.table,
    key: items.keyNames.join('+'),
    rowsRead: writing.rowsRead,
    ...counts,
    repeatedKeys: repeated,
    written,
    rejected: ctx.rejects.count,
  };
  ctx.logger.info(
    figures,
    `${config.table}: ${writing.rowsRead} rows read, ${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged items, ${repeated} rows of repeated keys (the last row wins), ${written} written`,
  );
  return figures;
}

/**
 * DynamoDB cannot take items back: a table whose items were keyed by other columns than `--key` (one
 * column where it was two) would get an item per value beside the old ones. One stored item tells.
 */
function refuseOtherKey(item: Item, table: string, keyAttribute: string, columns: string[]): void {
  const other = otherKeyOf(item, keyAttribute, columns);
  if (other)
    throw new TerminalError(
      'BAD_ARGUMENT',
      `--key ${columns.join(',')}: ${table} holds items keyed by other columns (${other}): give --key as the table was loaded; nothing was written`,
    );
}

/**
 * Types are inferred over every row, so one value that is not a number (`12x`) types its column as
 * text, and the sync would rewrite that attribute as a string in every item of the table. Where a
 * stored item holds the attribute as a number or a boolean and the file's column would be written as
 * a string, the column is read again with the stored type: a value that is not one refuses the run
 * before any write, naming it and its line.
 */
async function refuseTypeChange(
  item: Item,
  schema: Schema,
  { objects, config, ctx }: { objects: ObjectStore; config: JobConfig<typeof populateArgs>; ctx: RunContext },
): Promise<void> {
  for (const [c, field] of schema.fields.entries()) {
    const was = item[field.name];
    const kind = was && 'N' in was ? 'N' : was && 'BOOL' in was ? 'BOOL' : undefined;
    if (kind === undefined || attributeKindOf(field.type) !== 'S') continue;
    const asStored: Schema = {
      fields: schema.fields.map((f, i) => (i === c ? { ...f, type: parseType(kind === 'N' ? 'double' : 'boolean') } : f)),
    };
    // A column typed as text only for being empty on every row writes no attribute: nothing to refuse.
    const misfit = await firstReject(objects, config.source, asStored, field.name, ctx);
    if (!misfit) continue;
    throw new TerminalError(
      'BAD_INPUT',
      `${config.source}: ${field.name} is ${kind === 'N' ? 'a number (N)' : 'a boolean (BOOL)'} in the items of ${config.table}, but not every value of the file is one (line ${misfit.line}: ${JSON.stringify(misfit.raw)}): every item would be rewritten with ${field.name} as a string (S); fix the value, or load into another table; nothing was written`,
    );
  }
}

/** `ctx` for a pass over the file that is not the run's: its own counters, and rejects kept apart (by default, not kept). */
function quietly(ctx: RunContext, rejects: RejectOutput = countingRejects(0)): RunContext {
  return { ...ctx, rejects, counters: new Counters() };
}

/** The first record of `source` that `schema` rejects for `column`, read quietly (the run's figures and rejects untouched). */
async function firstReject(objects: ObjectStore, source: string, schema: Schema, column: string, ctx: RunContext) {
  const rejects = countingRejects(1000);
  const rows = await openRows(objects, source, 'csv', { ctx: quietly(ctx, rejects), header: true, schema });
  for await (const _batch of rows.batches()) {
    const found = rejects.samples.find((r) => r.column === column);
    if (found) return found;
  }
  return rejects.samples.find((r) => r.column === column);
}

export const populateJob = defineJob({
  name: 'dynamodb-populate',
  description:
    "Loads a CSV into a DynamoDB table (seed 004's dynamo_populate.py): typed attributes, composite keys joined with #, reruns write only changes",
  args: populateArgs,
  async check(config, { objects }) {
    const tableName = tableNameProblem(config.table);
    if (tableName) return [`--table: ${tableName}`];
    if ((await objects.head(config.source)) === undefined) return [`--source: ${config.source} does not exist`];
    const sniffed = await sniffFile(objects, config.source, { header: true }).catch((error: Error) => error);
    if (sniffed instanceof Error) return [`--source: ${sniffed.message}`];
    const header = sniffed.columns.map((c) => c.name);
    const keys = keyColumns(header, config.key);
    return config.key.flatMap((k, i) =>
      keys[i] === undefined ? [`--key: ${k} is not a column of ${config.source} (columns: ${header.join(', ')})`] : [],
    );
  },
  async run(config, ctx, { objects, connections }) {
    const figures = await populate(config, ctx, { objects, client: await connections.dynamodb() });
    return { outputs: { table: config.table }, figures };
  },
});
