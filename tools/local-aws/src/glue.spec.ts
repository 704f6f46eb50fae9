import {
  BatchCreatePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabasesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from './local-aws.js';
import { startMoto, type MotoServer } from './moto.js';

/** The Glue Data Catalog calls the pipelines make (seeds 001, 002, 004), through the real SDK on moto. */
let moto: MotoServer;
let glue: GlueClient;

const columns = [
  { Name: 'account_id', Type: 'bigint' },
  { Name: 'updated_at', Type: 'timestamp' },
];
const storage = (location: string) => ({
  Columns: columns,
  Location: location,
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
});

beforeAll(async () => {
  moto = await startMoto();
  glue = new GlueClient({ endpoint: moto.endpoint, region: LOCAL_CREDENTIALS.region, credentials: LOCAL_CREDENTIALS });
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'datamart' } }));
});
afterAll(async () => {
  glue?.destroy();
  await moto?.stop();
});

describe('Glue Data Catalog stand-in (moto)', () => {
  it('creates, lists, reads and updates tables', async () => {
    for (const name of ['accounts', 'orders', 'payments']) {
      await glue.send(
        new CreateTableCommand({
          DatabaseName: 'datamart',
          TableInput: {
            Name: name,
            StorageDescriptor: storage(`s3://lake/${name}/`),
            PartitionKeys: [{ Name: 'run_date', Type: 'string' }],
          },
        }),
      );
    }
    expect((await glue.send(new GetDatabasesCommand({}))).DatabaseList?.map((d) => d.Name)).toEqual(['datamart']);
    expect((await glue.send(new GetTablesCommand({ DatabaseName: 'datamart' }))).TableList?.map((t) => t.Name).sort()).toEqual([
      'accounts',
      'orders',
      'payments',
    ]);
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: 'datamart',
        TableInput: {
          Name: 'orders',
          StorageDescriptor: { ...storage('s3://lake/orders/'), Columns: [...columns, { Name: 'amount', Type: 'decimal(38,18)' }] },
          PartitionKeys: [{ Name: 'run_date', Type: 'string' }],
        },
      }),
    );
    const table = await glue.send(new GetTableCommand({ DatabaseName: 'datamart', Name: 'orders' }));
    expect(table.Table?.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['account_id', 'updated_at', 'amount']);
  });

  it('adds partitions and filters them with an expression', async () => {
    const dates = ['2026-11-01', '2026-11-02', '2026-11-03'];
    await glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: 'datamart',
        TableName: 'accounts',
        PartitionInputList: dates.map((d) => ({ Values: [d], StorageDescriptor: storage(`s3://lake/accounts/run_date=${d}/`) })),
      }),
    );
    const all = await glue.send(new GetPartitionsCommand({ DatabaseName: 'datamart', TableName: 'accounts' }));
    expect(all.Partitions?.map((p) => p.Values?.[0]).sort()).toEqual(dates);
    const recent = await glue.send(
      new GetPartitionsCommand({ DatabaseName: 'datamart', TableName: 'accounts', Expression: "run_date > '2026-11-01'" }),
    );
    expect(recent.Partitions?.map((p) => p.Values?.[0]).sort()).toEqual(['2026-11-02', '2026-11-03']);
  });
});
