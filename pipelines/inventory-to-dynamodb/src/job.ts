import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fanOut, from, runPipeline, sinkWritable, type RunContext } from '@etl/core';
import { openRows, RowFileSink, screenRejects, sniffFile } from '@etl/convert';
import { createStringKeyedTable, dynamoDbSync, findTableByPrefix, rowItems, tableKey } from '@etl/dynamodb';
import { joinUri, readText } from '@etl/object-store';
import { defineJob, type JobConfig } from '@etl/runtime';
import { isoMicros, parseSchemaFile, planColumns } from '@etl/schema';
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
    const open = (c: RunContext) =>
      openRows(objects, config.source, 'csv', { ctx: c, schema, header: true, ...(config.encoding ? { encoding: config.encoding } : {}) });
    // DynamoDB cannot take items back: a file that would fail the reject limits must fail before the first write.
    const { accepted, writingCtx } = await screenRejects(open, ctx, config.source);
    if (accepted === 0) {
      ctx.logger.warn({ source: config.source }, `${config.source} holds no rows: nothing was written to DynamoDB or Parquet`);
      return { figures: { itemsRead: 0, rejected: ctx.rejects.count } };
    }
    const rows = await open(writingCtx);
    const client = await connections.dynamodb();
    const table = await targetTable(client, config, ctx);
    const items = rowItems(schema, await tableKey(client, table), { keyAttribute: config.key_attribute, table });
    const now = isoMicros(BigInt(ctx.clock.now().getTime()) * 1000n);
    const attributes = schema.fields.map((f) => f.name);
    const dynamodb = dynamoDbSync(client, table, writingCtx, { ...items, now, attributes, maxInFlight: config.max_concurrency });
    const parquet = new RowFileSink(
      objects,
      joinUri(config.output, `run_date=${now.slice(0, 10)}`, `part-00000-${ctx.runId}.parquet`),
      schema,
    );
    await runPipeline(from(rows).into(fanOut([dynamodb, sinkWritable(parquet, writingCtx)])), writingCtx);

    const { written, ...counts } = dynamodb.counts;
    const report = { table, keyAttribute: items.keyNames.join('+'), itemsRead: rows.rowsRead, ...counts, rejected: ctx.rejects.count };
    const figures = { ...report, writtenToDynamoDb: written, parquetRows: parquet.rows, parquetFiles: [parquet.uri] };
    ctx.logger.info(
      figures,
      `${table}: ${report.itemsRead} read, ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged, ${report.duplicateKeys} repeated keys, ${report.rejected} rejected; ${written} written to DynamoDB; ${parquet.rows} rows in ${parquet.uri}`,
    );
    if (counts.columnsOnlyInFile.length + counts.columnsOnlyInTable.length > 0)
      ctx.logger.warn(
        { columnsOnlyInFile: counts.columnsOnlyInFile, columnsOnlyInTable: counts.columnsOnlyInTable },
        'the file and the stored items have different columns',
      );
    return { outputs: { table, parquet: parquet.uri }, figures };
  },
});
