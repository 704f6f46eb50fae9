import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { startDynamoDbLocal, type DynamoDbStandIn } from './dynamodb-local.js';
import { LOCAL_CREDENTIALS } from './local-aws.js';

/** The DynamoDB operations the pipelines use, through the real SDK, on both stand-ins. */
const standIns: Array<[string, () => Promise<DynamoDbStandIn>]> = [
  ['dynalite', () => startEmbeddedDynamoDb()],
  ['DynamoDB Local', () => startDynamoDbLocal()],
];

for (const [name, start] of standIns) {
  describe(`DynamoDB stand-in: ${name}`, () => {
    let standIn: DynamoDbStandIn;
    let client: DynamoDBClient;

    beforeAll(async () => {
      standIn = await start();
      client = new DynamoDBClient({ endpoint: standIn.endpoint, region: LOCAL_CREDENTIALS.region, credentials: LOCAL_CREDENTIALS });
      await client.send(
        new CreateTableCommand({
          TableName: 'inventory_2026',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }, 60_000);
    afterAll(async () => {
      client?.destroy();
      await standIn?.stop();
    });

    it('lists tables and describes the key schema', async () => {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toContain('inventory_2026');
      const table = await client.send(new DescribeTableCommand({ TableName: 'inventory_2026' }));
      expect(table.Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
    });

    it('batch-writes and batch-gets items with exact numbers and Japanese text', async () => {
      const items = Array.from({ length: 25 }, (_, i) => ({
        pk: { S: `SKU-${i}` },
        sk: { S: '倉庫A' },
        qty: { N: `${i}.000000000000000001` },
        name: { S: `商品${i}` },
      }));
      const written = await client.send(
        new BatchWriteItemCommand({ RequestItems: { inventory_2026: items.map((Item) => ({ PutRequest: { Item } })) } }),
      );
      expect(written.UnprocessedItems ?? {}).toEqual({});
      const got = await client.send(
        new BatchGetItemCommand({ RequestItems: { inventory_2026: { Keys: items.slice(0, 3).map(({ pk, sk }) => ({ pk, sk })) } } }),
      );
      const byKey = Object.fromEntries((got.Responses?.['inventory_2026'] ?? []).map((item) => [item['pk']?.S, item]));
      expect(byKey['SKU-2']?.['qty']).toEqual({ N: '2.000000000000000001' });
      expect(byKey['SKU-2']?.['name']).toEqual({ S: '商品2' });
    });

    it('scans in parallel segments that together cover the table once', async () => {
      const seen: string[] = [];
      for (let segment = 0; segment < 3; segment++) {
        let start: Record<string, never> | undefined;
        do {
          const page = await client.send(
            new ScanCommand({
              TableName: 'inventory_2026',
              Segment: segment,
              TotalSegments: 3,
              Limit: 7,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) seen.push(String(item['pk']?.S));
          start = page.LastEvaluatedKey as typeof start;
        } while (start);
      }
      expect(seen.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `SKU-${i}`).sort());
    });
  });
}
