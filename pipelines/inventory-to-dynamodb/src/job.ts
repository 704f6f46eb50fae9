import { createDynamoDbClient } from '@etl/dynamodb';
import { defineJob } from '@etl/runtime';
import { inventoryArgs } from './config.js';
import { syncInventory } from './sync-inventory.js';

export const inventoryJob = defineJob({
  name: 'inventory-to-dynamodb',
  description:
    'Inventory CSV (Shift_JIS is normal) diffed into DynamoDB, only new and changed items written, and all rows as Snappy Parquet by run date (seed 000)',
  args: inventoryArgs,
  runOutputArg: 'error_prefix',
  async run(config, ctx, deps) {
    const client = createDynamoDbClient(deps.env, await deps.connections.dynamoDbEndpoint());
    try {
      const report = await syncInventory(config, ctx, { objects: deps.objects, client });
      ctx.logger.info(
        report,
        `${report.table}: ${report.itemsRead} read, ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged, ${report.duplicateKeys} repeated keys, ${report.rejected} rejected; ${report.writtenToDynamoDb} written to DynamoDB; ${report.parquetRows} rows in ${report.parquetFiles.join(', ')}`,
      );
      if (report.columnsOnlyInFile.length + report.columnsOnlyInTable.length > 0) {
        ctx.logger.warn(
          { columnsOnlyInFile: report.columnsOnlyInFile, columnsOnlyInTable: report.columnsOnlyInTable },
          'the file and the stored items have different columns',
        );
      }
      return { outputs: { table: report.table, parquet: report.parquetFiles[0] ?? '' } };
    } finally {
      client.destroy();
    }
  },
});
