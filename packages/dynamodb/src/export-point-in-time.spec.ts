import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { from, runPipeline, sinkWritable, systemClock, type Source } from '@etl/core';
import { manualClock, MemorySink, testContext } from '@etl/core/testing';
import { startEmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { startLocalAws, s3ClientFor, type LocalAws } from '@etl/local-aws';
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import { createDynamoDbClient } from './client.js';
import { applyExportChanges, itemKeyText } from './export-apply.js';
import { exportTableToPointInTime } from './export-point-in-time.js';
import { exportChanges, exportItems } from './export-source.js';
import { scanSource } from './scan-source.js';
import type { TableKey } from './tables.js';
import type { Item } from './write-sink.js';

// The stand-in's clock: writes and exports are stamped with it, so a 15-minute window takes no time.
const clock = manualClock(new Date(Date.now() - 3 * 3_600_000));
const key: TableKey = { partitionKey: 'pk', sortKey: 'sk' };
let stack: LocalAws;
let client: DynamoDBClient;
let store: ObjectStore;

const realContext = () => testContext({ clock: systemClock }).ctx;

async function collect<T>(source: Source<T>): Promise<T[]> {
  const { ctx } = testContext({ clock: systemClock });
  const sink = new MemorySink<T>();
  await runPipeline(from(source).into(sinkWritable(sink, ctx)), ctx);
  return sink.rows;
}

const sorted = (items: Item[]) => [...items].sort((a, b) => (itemKeyText(a, key) < itemKeyText(b, key) ? -1 : 1));

const item = (i: number, extra: Item = {}): Item => ({
  pk: { S: `p${i % 3}` },
  sk: { N: String(i) },
  price: { N: `${i}.000000000000000000000000000000001` },
  tags: { SS: [`t${i}`, 'all'] },
  blob: { B: new Uint8Array([i, 0, 255]) },
  nested: { M: { list: { L: [{ N: '-0.5' }, { NULL: true }, { BOOL: i % 2 === 0 }] } } },
  ...extra,
});

async function createTable(name: string, pitr: boolean) {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (pitr)
    await client.send(
      new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
}

async function putAll(table: string, items: Item[]) {
  for (let i = 0; i < items.length; i += 25)
    await client.send(
      new BatchWriteItemCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
}

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'dynamodb'], dynamodbExport: { clock, minExportMs: 300, itemsPerFile: 40 } });
  client = createDynamoDbClient({ ...stack.env });
  const s3 = s3ClientFor(stack.endpoints['S3'] as string);
  await s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
  store = createObjectStore({ s3Client: s3 });
});
afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

describe('DynamoDB native export on the local stack', () => {
  it('a full export reads back exactly as a Scan of the same table (numbers, sets, binary, nesting)', async () => {
    await createTable('full_export', true);
    await putAll(
      'full_export',
      Array.from({ length: 100 }, (_, i) => item(i)),
    );
    const exported = await exportTableToPointInTime(client, realContext(), {
      table: 'full_export',
      s3Bucket: 'exports',
      s3Prefix: 'runs/full',
      pollMs: 50,
    });
    expect(exported).toMatchObject({ type: 'FULL_EXPORT', itemCount: 100 });
    expect(exported.manifestUri).toMatch(/^s3:\/\/exports\/runs\/full\/AWSDynamoDB\/\d{14}-[0-9a-f]{8}\/manifest-summary\.json$/);
    const fromExport = await collect(exportItems(store, exported.manifestUri, { batchSize: 7 }));
    const fromScan = await collect(scanSource(client, 'full_export', { segments: 2 }));
    expect(fromExport).toHaveLength(100);
    expect(sorted(fromExport)).toEqual(sorted(fromScan));
  });

  it('a retried call with the same run starts no second export; a new run starts a new one', async () => {
    await createTable('token_export', true);
    await putAll('token_export', [item(1)]);
    const ctx = realContext();
    const request = { table: 'token_export', s3Bucket: 'exports', pollMs: 50 } as const;
    const first = await exportTableToPointInTime(client, ctx, request);
    const again = await exportTableToPointInTime(client, ctx, request);
    expect(again.exportArn).toBe(first.exportArn);
    const { TableArn } = { TableArn: first.exportArn.slice(0, first.exportArn.indexOf('/export/')) };
    expect((await client.send(new ListExportsCommand({ TableArn }))).ExportSummaries).toHaveLength(1);
    const otherRun = testContext({ clock: systemClock }).ctx;
    const fresh = await exportTableToPointInTime(client, { ...otherRun, runId: 'run-2' }, request);
    expect(fresh.exportArn).not.toBe(first.exportArn);
    await expect(
      exportTableToPointInTime(client, ctx, { ...request, s3Prefix: 'elsewhere', clientToken: first.clientToken }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a table without point-in-time recovery, naming it and how to enable it', async () => {
    await createTable('no_pitr', false);
    await expect(exportTableToPointInTime(client, realContext(), { table: 'no_pitr', s3Bucket: 'exports' })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('point-in-time recovery is not enabled on DynamoDB table no_pitr'),
    });
  });

  it('refuses a DynamoDB without the export API (the embedded dynalite) in one line saying what to use', async () => {
    const embedded = await startEmbeddedDynamoDb();
    const bare = createDynamoDbClient({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoint,
    });
    try {
      const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/embedded';
      await expect(exportTableToPointInTime(bare, realContext(), { table, s3Bucket: 'exports' })).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringContaining('has no native export (ExportTableToPointInTime)'),
      });
    } finally {
      bare.destroy();
      await embedded.stop();
    }
  });

  it('an incremental window of puts, updates and deletes brings the previous full export to the table state', async () => {
    await createTable('cdc', true);
    await putAll(
      'cdc',
      Array.from({ length: 30 }, (_, i) => item(i)),
    );
    await clock.sleep(60_000);
    const before = await exportTableToPointInTime(client, realContext(), {
      table: 'cdc',
      s3Bucket: 'exports',
      s3Prefix: 'cdc/full',
      pollMs: 50,
    });
    await clock.sleep(60_000);
    const windowStart = clock.now();
    await clock.sleep(60_000);
    await putAll('cdc', [item(100), item(101)]); // inserts
    await client.send(new PutItemCommand({ TableName: 'cdc', Item: item(3, { price: { N: '99999999999999999999999999999999999999' } }) }));
    await client.send(
      new UpdateItemCommand({
        TableName: 'cdc',
        Key: { pk: { S: 'p1' }, sk: { N: '4' } },
        UpdateExpression: 'SET note = :n REMOVE tags',
        ExpressionAttributeValues: { ':n': { S: 'updated' } },
      }),
    );
    await clock.sleep(60_000);
    await client.send(
      new UpdateItemCommand({
        TableName: 'cdc',
        Key: { pk: { S: 'p1' }, sk: { N: '4' } },
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': { S: 'twice' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: 'cdc', Key: { pk: { S: 'p2' }, sk: { N: '5' } } }));
    await client.send(
      new BatchWriteItemCommand({ RequestItems: { cdc: [{ DeleteRequest: { Key: { pk: { S: 'p0' }, sk: { N: '6' } } } }] } }),
    );
    await putAll('cdc', [item(102)]);
    await client.send(new DeleteItemCommand({ TableName: 'cdc', Key: { pk: { S: 'p0' }, sk: { N: '102' } } })); // created and deleted in the window
    await clock.sleep(16 * 60_000);

    const incremental = await exportTableToPointInTime(client, realContext(), {
      table: 'cdc',
      s3Bucket: 'exports',
      s3Prefix: 'cdc/inc',
      incremental: { from: windowStart, to: clock.now() },
      pollMs: 50,
    });
    const changes = await collect(exportChanges(store, incremental.manifestUri));
    expect(changes.map((c) => `${c.kind} ${c.key['sk']?.N}`).sort()).toEqual([
      'delete 5',
      'delete 6',
      'upsert 100',
      'upsert 101',
      'upsert 3',
      'upsert 4',
    ]);
    expect(changes.find((c) => c.key['sk']?.N === '4')).toMatchObject({ kind: 'upsert', item: { note: { S: 'twice' } } });

    const current = await collect(
      applyExportChanges(exportItems(store, before.manifestUri), exportChanges(store, incremental.manifestUri), key),
    );
    expect(sorted(current)).toEqual(sorted(await collect(scanSource(client, 'cdc'))));
    expect(current).toHaveLength(30 + 2 - 2);
  });

  it('a full export as of a past time holds the table as it was then', async () => {
    await createTable('as_of', true);
    await putAll('as_of', [item(1), item(2)]);
    await clock.sleep(60_000);
    const then = clock.now();
    await clock.sleep(60_000);
    await client.send(new DeleteItemCommand({ TableName: 'as_of', Key: { pk: { S: 'p1' }, sk: { N: '1' } } }));
    await putAll('as_of', [item(2, { price: { N: '0' } }), item(3)]);
    const exported = await exportTableToPointInTime(client, realContext(), {
      table: 'as_of',
      s3Bucket: 'exports',
      exportTime: then,
      pollMs: 50,
    });
    expect(sorted(await collect(exportItems(store, exported.manifestUri)))).toEqual(sorted([item(1), item(2)]));
    await expect(collect(exportChanges(store, exported.manifestUri))).rejects.toThrow('is a FULL_EXPORT: read it with exportItems');
  });
});
