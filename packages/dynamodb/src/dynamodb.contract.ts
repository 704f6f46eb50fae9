import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { from, runPipeline, sinkWritable, settledPipeline } from '@etl/core';
import { MemorySink, testContext } from '@etl/core/testing';
import { batchGetItems } from './batch-get.js';
import { scanSource } from './scan-source.js';
import { findTableByPrefix, tableKey } from './tables.js';
import { BATCH_WRITE_LIMIT, DynamoDbPutSink, type Item } from './write-sink.js';

export interface DynamoDbTarget {
  client: DynamoDBClient;
  /** A client whose requests pass through a fault proxy (throttling, UnprocessedItems, resets). */
  flakyClient: DynamoDBClient;
  /** How many faults the proxy injected so far. */
  injectedFaults: () => number;
}

const item = (i: number): Item => ({
  sku: { S: `SKU-${String(i).padStart(5, '0')}` },
  warehouse: { S: '倉庫A' },
  qty: { N: `${i}.000000000000000001` },
});
const keyOf = (i: Item) => `${i['sku']?.S}|${i['warehouse']?.S}`;

async function createTable(client: DynamoDBClient, name: string) {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'sku', AttributeType: 'S' },
        { AttributeName: 'warehouse', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'sku', KeyType: 'HASH' },
        { AttributeName: 'warehouse', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** The DynamoDB adapter's behaviour; run against each stand-in. */
export function dynamoDbContract(backend: string, target: () => DynamoDbTarget): void {
  describe(`DynamoDB adapter contract: ${backend}`, () => {
    it('finds the table by prefix: the latest of several, or refuses when asked for the only one', async () => {
      const { client } = target();
      for (const name of ['inv_2026_10', 'inv_2026_11', 'other_table']) await createTable(client, name);
      expect(await findTableByPrefix(client, 'inv_', 'latest')).toBe('inv_2026_11');
      await expect(findTableByPrefix(client, 'inv_', 'only')).rejects.toThrow(
        '2 DynamoDB tables start with "inv_" (inv_2026_10, inv_2026_11)',
      );
      await expect(findTableByPrefix(client, 'nope_', 'latest')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await tableKey(client, 'inv_2026_11')).toEqual({ partitionKey: 'sku', sortKey: 'warehouse' });
    });

    it('writes 1000 items in 25-item batches, reads them back by key and by parallel scan, exactly', async () => {
      const { client } = target();
      await createTable(client, 'write_test');
      const { ctx } = testContext();
      const items = Array.from({ length: 1000 }, (_, i) => item(i));
      await settledPipeline([
        Readable.from([items.slice(0, 400), items.slice(400)]),
        sinkWritable(new DynamoDbPutSink(client, 'write_test'), ctx, { maxItems: BATCH_WRITE_LIMIT, maxInFlight: 4 }),
      ]);
      expect(ctx.counters.component('dynamodb:write_test').rowsOut).toBe(1000);

      const found = await batchGetItems(
        client,
        'write_test',
        [
          ...items.slice(0, 250).map(({ sku, warehouse }) => ({ sku, warehouse }) as Item),
          { sku: { S: 'missing' }, warehouse: { S: 'x' } },
        ],
        keyOf,
      );
      expect(found.size).toBe(250);
      expect(found.get('SKU-00042|倉庫A')?.['qty']).toEqual({ N: '42.000000000000000001' });

      const sink = new MemorySink<Item>();
      await runPipeline(from(scanSource(client, 'write_test', { segments: 4, pageSize: 90 })).into(sink), ctx);
      expect(sink.rows.map(keyOf).sort()).toEqual(items.map(keyOf).sort());
    });

    it('ends with every item written when requests are throttled and items come back unprocessed', async () => {
      const { client, flakyClient, injectedFaults } = target();
      await createTable(client, 'flaky_test');
      const faultsBefore = injectedFaults();
      const { ctx } = testContext();
      const items = Array.from({ length: 500 }, (_, i) => item(i));
      await settledPipeline([
        Readable.from([items]),
        sinkWritable(new DynamoDbPutSink(flakyClient, 'flaky_test'), ctx, {
          maxItems: BATCH_WRITE_LIMIT,
          maxInFlight: 4,
          retry: { maxAttempts: 20, baseDelayMs: 1, maxDelayMs: 5 },
        }),
      ]);
      const sink = new MemorySink<Item>();
      await runPipeline(from(scanSource(client, 'flaky_test')).into(sink), ctx);
      expect(sink.rows).toHaveLength(500);
      expect(injectedFaults()).toBeGreaterThan(faultsBefore);
    });
  });
}
