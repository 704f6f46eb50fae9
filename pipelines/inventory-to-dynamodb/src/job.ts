import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { checkRejectRatio, countingRejects, Counters, from, runPipeline, type RunContext } from '@etl/core';
import { convertHeld, openRows, sniffFile, type ReadOptions } from '@etl/convert';
import { createStringKeyedTable, dynamoDbSync, findTableByPrefix, rowItems, tableKey } from '@etl/dynamodb';
import { joinUri, readText, type ObjectStore } from '@etl/object-store';
import { defineJob, type JobConfig } from '@etl/runtime';
import { isoMicros, parseSchemaFile, planColumns, type Schema } from '@etl/schema';
import { inventoryArgs, SAMPLE_TABLE } from './config.js';

/** The table: by prefix (seed `getTableName`), created only when allowed and missing. */
async function targetTable(client: DynamoDBClient, config: JobConfig<typeof inventoryArgs>, ctx: RunContext): Promise<string> {
  try {
    return await findTableByPrefix(client, config.table_prefix, 'latest', ctx.logger);
  } catch (error) {
    const create = config.create_table === 'yes' || (config.create_table === 'auto' && config.table_prefix === SAMPLE_TABLE);
    if ((error as { code?: string }).code !== 'NOT_FOUND' || !create) throw error;
    const keyAttribute = config.key_attribute ?? 'pk';
    ctx.logger.info({ table: config.table_prefix, keyAttribute }, `creating DynamoDB table ${config.table_prefix} (key ${keyAttribute})`);
    await createStringKeyedTable(client, config.table_prefix, keyAttribute, { signal: ctx.signal });
    return config.table_prefix;
  }
}

/** The second pass: the file's rows diffed into the table (its rejects were written by the first pass, so only counted here). */
async function loadItems(
  config: JobConfig<typeof inventoryArgs>,
  ctx: RunContext,
  objects: ObjectStore,
  client: DynamoDBClient,
  read: ReadOptions & { schema: Schema },
  now: string,
) {
  const writingCtx: RunContext = { ...ctx, rejects: countingRejects(0) };
  const rows = await openRows(objects, config.source, 'csv', { ...read, ctx: writingCtx });
  const table = await targetTable(client, config, ctx);
  const items = rowItems(read.schema, await tableKey(client, table), { keyAttribute: config.key_attribute, table });
  const attributes = read.schema.fields.map((f) => f.name);
  const synced = dynamoDbSync(client, table, writingCtx, { ...items, now, attributes, maxInFlight: config.max_concurrency });
  await runPipeline(from(rows).into(synced), writingCtx);
  return { table, keyAttribute: items.keyNames.join('+'), itemsRead: rows.rowsRead, counts: synced.counts };
}

/** Seed 000: the inventory CSV, cast by its schema, diff-synced into DynamoDB and written whole as Snappy Parquet. */
export const inventoryJob = defineJob({
  name: 'inventory-to-dynamodb',
  description:
    'Inventory CSV (Shift_JIS is normal) diffed into DynamoDB, only new and changed items written, and all rows as Snappy Parquet by run date (seed 000)',
  args: inventoryArgs,
  runOutputArg: 'error_prefix',
  async check(config, { objects }) {
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
  },
  async run(config, ctx, { objects, connections }) {
    const schema = parseSchemaFile(await readText(objects, config.schema), config.schema, { requireKey: true });
    const read = { schema, header: true, ...(config.encoding ? { encoding: config.encoding } : {}) };
    const now = isoMicros(BigInt(ctx.clock.now().getTime()) * 1000n);
    // First pass: every row into the Parquet file (on worker threads for a big file), which is held
    // unpublished; it writes the run's rejects, so a file over the reject limits fails before the first
    // DynamoDB write (DynamoDB cannot take items back). Its own counters: the run's figures are the second pass's.
    const parquet = await convertHeld(
      objects,
      {
        input: config.source,
        output: joinUri(config.output, `run_date=${now.slice(0, 10)}`, `part-00000-${ctx.runId}.parquet`),
        format: 'parquet',
        ...read,
        ...(config.parquet_threads === undefined ? {} : { threads: config.parquet_threads }),
      },
      { ...ctx, counters: new Counters() },
    );
    let loaded: Awaited<ReturnType<typeof loadItems>> | undefined;
    try {
      checkRejectRatio(ctx, parquet.report.rowsWritten, config.source);
      if (parquet.report.rowsWritten > 0) loaded = await loadItems(config, ctx, objects, await connections.dynamodb(), read, now);
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
    const published = await parquet.publish();
    const sink = ctx.counters.component(published.output, 'sink');
    sink.rowsIn = sink.rowsOut = published.rowsWritten;
    sink.bytesOut = published.bytesWritten;

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
