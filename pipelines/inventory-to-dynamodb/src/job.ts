import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { checkRejectRatio, countingRejects, Counters, from, runPipeline, TerminalError, type RunContext } from '@etl/core';
import { convertHeld, openRows, sniffFile, type ReadOptions } from '@etl/convert';
import {
  createStringKeyedTable,
  dynamoDbSync,
  findTableByPrefix,
  rowItems,
  tableKey,
  tableNameProblem,
  type RowItems,
} from '@etl/dynamodb';
import { joinUri, probeWritable, readText, type ObjectStore } from '@etl/object-store';
import { defineJob, type JobConfig } from '@etl/runtime';
import { isoMicros, parseSchemaFile, planColumns, type Schema } from '@etl/schema';
import { inventoryArgs, SAMPLE_TABLE } from './config.js';

/** Where the rows go: the table, whether the run creates it, and how rows become its items. */
interface Target {
  table: string;
  /** The key attribute to create the table with, once the file has passed its checks; absent: it exists. */
  create?: string;
  items: RowItems;
}

/**
 * The table by prefix (seed `getTableName`) and its key against the schema, found before anything
 * is read (read-only), or the table to create once the file has passed its checks, when allowed.
 */
async function findTarget(
  client: DynamoDBClient,
  config: JobConfig<typeof inventoryArgs>,
  schema: Schema,
  ctx: RunContext,
): Promise<Target> {
  let table: string;
  try {
    table = await findTableByPrefix(client, config.table_prefix, 'latest', ctx.logger);
  } catch (error) {
    if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
    if (mayCreate(config)) {
      const create = config.key_attribute ?? 'pk';
      table = config.table_prefix;
      return { table, create, items: rowItems(schema, { partitionKey: create }, { keyAttribute: config.key_attribute, table }) };
    }
    throw new TerminalError(
      'NOT_FOUND',
      `${(error as Error).message}: create it (or check --table_prefix), or pass --create_table yes to have the run create ${config.table_prefix}; nothing was changed`,
    );
  }
  return { table, items: rowItems(schema, await tableKey(client, table), { keyAttribute: config.key_attribute, table }) };
}

/**
 * The second pass: the file's rows diffed into the table. Its rejects were written, and its rows and
 * bytes counted, by the first pass: its reader counts them apart, and only the DynamoDB writes count
 * in the run's figures.
 */
async function loadItems(
  config: JobConfig<typeof inventoryArgs>,
  ctx: RunContext,
  objects: ObjectStore,
  client: DynamoDBClient,
  target: Target,
  read: ReadOptions & { schema: Schema },
  now: string,
) {
  const rejects = countingRejects(0);
  const rows = await openRows(objects, config.source, 'csv', { ...read, ctx: { ...ctx, rejects, counters: new Counters() } });
  const { table, items } = target;
  if (target.create) {
    ctx.logger.info({ table, keyAttribute: target.create }, `creating DynamoDB table ${table} (key ${target.create})`);
    await createStringKeyedTable(client, table, target.create, { signal: ctx.signal });
  } else ctx.logger.info({ table }, `using DynamoDB table ${table}`);
  const attributes = read.schema.fields.map((f) => f.name);
  const writingCtx: RunContext = { ...ctx, rejects };
  const synced = dynamoDbSync(client, table, writingCtx, { ...items, now, attributes, maxInFlight: config.max_concurrency });
  await runPipeline(from(rows).into(synced), writingCtx);
  return { table, keyAttribute: items.keyNames.join('+'), itemsRead: rows.rowsRead, counts: synced.counts };
}

/** The schema parses, the source exists and its header has the schema's NOT NULL and key columns. */
async function checkSource(config: JobConfig<typeof inventoryArgs>, objects: ObjectStore): Promise<string[]> {
  const schema = await readText(objects, config.schema).then(
    (text) => parseSchemaFile(text, config.schema, { requireKey: true }),
    (error: Error) => error,
  );
  if (!(await objects.head(config.source)))
    return [...(schema instanceof Error ? [`--schema: ${schema.message}`] : []), `--source: ${config.source} does not exist`];
  if (schema instanceof Error) return [`--schema: ${schema.message}`];
  // The header against the schema (a Parquet file, or the wrong schema's columns) before a table is looked for.
  try {
    const sniffed = await sniffFile(objects, config.source, { header: true, ...(config.encoding ? { encoding: config.encoding } : {}) });
    if (sniffed.columns.length === 0) return []; // an empty file: the run says so and writes nothing
    planColumns(
      schema,
      sniffed.columns.map((c) => c.name),
      config.source,
    );
    return [];
  } catch (error) {
    return [`--source: ${(error as Error).message}`];
  }
}

/** Whether a missing table is created (`--create_table`: auto only for the sample's table). */
function mayCreate(config: JobConfig<typeof inventoryArgs>): boolean {
  return config.create_table === 'yes' || (config.create_table === 'auto' && config.table_prefix === SAMPLE_TABLE);
}

/** Seed 000: the inventory CSV, cast by its schema, diff-synced into DynamoDB and written whole as Snappy Parquet. */
export const inventoryJob = defineJob({
  name: 'inventory-to-dynamodb',
  description:
    'Inventory CSV (Shift_JIS is normal) diffed into DynamoDB, only new and changed items written, and all rows as Snappy Parquet by run date (seed 000)',
  args: inventoryArgs,
  runOutputArg: 'error_prefix',
  async check(config, { objects }) {
    // The prefix names the table a run may create: DynamoDB's naming rules, checked before anything is read.
    const nameProblem = mayCreate(config) ? tableNameProblem(config.table_prefix) : undefined;
    const named = nameProblem
      ? [`--table_prefix: ${nameProblem}; it names the table --create_table ${config.create_table} would create`]
      : [];
    return [...named, ...(await checkSource(config, objects))];
  },
  async run(config, ctx, { objects, connections }) {
    const schema = parseSchemaFile(await readText(objects, config.schema), config.schema, { requireKey: true });
    const read = { schema, header: true, ...(config.encoding ? { encoding: config.encoding } : {}) };
    const now = isoMicros(BigInt(ctx.clock.now().getTime()) * 1000n);
    const client = await connections.dynamodb();
    // The table and its key first (read-only): a missing table or a key the schema lacks fails before the file is read.
    const target = await findTarget(client, config, schema, ctx);
    // First pass: every row into the Parquet file (on worker threads for a big file), held unpublished.
    // It writes the run's rejects and counts its rows, so a file over the reject limits fails before
    // the table is created or an item written (DynamoDB cannot take items back).
    const folder = joinUri(config.output, `run_date=${now.slice(0, 10)}`);
    const parquet = await convertHeld(
      objects,
      {
        input: config.source,
        output: joinUri(folder, `part-00000-${ctx.runId}.parquet`),
        format: 'parquet',
        ...read,
        ...(config.parquet_threads === undefined ? {} : { threads: config.parquet_threads }),
        counted: true,
      },
      ctx,
    );
    let loaded: Awaited<ReturnType<typeof loadItems>> | undefined;
    try {
      ctx.signal.throwIfAborted(); // --max_rejects passed in the pass's last batch
      checkRejectRatio(ctx, parquet.report.rowsWritten, config.source);
      if (parquet.report.rowsWritten > 0) {
        // The held Parquet is stored at publish, after the items: its folder must take writes before the first item is written.
        await probeWritable(objects, folder, { signal: ctx.signal });
        loaded = await loadItems(config, ctx, objects, client, target, read, now);
      }
    } catch (error) {
      await parquet.discard(error as Error);
      throw error;
    }
    if (!loaded) {
      await parquet.discard(new Error('no rows'));
      ctx.logger.warn({ source: config.source }, `${config.source} holds no rows: nothing was written to DynamoDB or Parquet`);
      return { figures: { itemsRead: 0, rejected: ctx.rejects.count } };
    }
    // Published only now that every DynamoDB write has succeeded.
    ctx.logger.info({ parquet: parquet.report.output }, `publishing ${parquet.report.output} (every DynamoDB write done)`);
    const published = await parquet.publish();

    const { table, keyAttribute, itemsRead, counts: synced } = loaded;
    const { written, ...counts } = synced;
    const report = { table, keyAttribute, itemsRead, ...counts, rejected: ctx.rejects.count };
    const figures = {
      ...report,
      writtenToDynamoDb: written,
      parquetRows: published.rowsWritten,
      parquetFiles: published.outputs,
      parquetThreads: published.threads,
    };
    ctx.logger.info(
      figures,
      `${table}: ${report.itemsRead} read, ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged, ${report.duplicateKeys} repeated keys, ${report.rejected} rejected; ${written} written to DynamoDB; ${published.rowsWritten} rows in ${published.output}`,
    );
    if (counts.columnsOnlyInFile.length + counts.columnsOnlyInTable.length > 0)
      ctx.logger.warn(
        { columnsOnlyInFile: counts.columnsOnlyInFile, columnsOnlyInTable: counts.columnsOnlyInTable },
        'the file and the stored items have different columns',
      );
    return { outputs: { table, parquet: published.output }, figures };
  },
});
