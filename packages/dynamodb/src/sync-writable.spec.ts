import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '@etl/core/testing';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { startFaultProxy, type FaultProxy } from '@etl/local-aws';
import { createDynamoDbClient } from './client.js';
import { dynamoDbSync } from './sync-writable.js';
import { createStringKeyedTable } from './tables.js';
import type { Item } from './write-sink.js';

const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local-secret' };
type Row = { id: string; qty: number; extra?: string };
const toItem = (row: Row): Item => ({ pk: { S: row.id }, qty: { N: String(row.qty) }, ...(row.extra ? { extra: { S: row.extra } } : {}) });

let dynamo: EmbeddedDynamoDb;
let proxy: FaultProxy;
let client: DynamoDBClient;
let flaky: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamoDb();
  proxy = await startFaultProxy('dynamodb', dynamo.endpoint, { failRate: 0.3, seed: 5 });
  client = createDynamoDbClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
  flaky = createDynamoDbClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
}, 60_000);
afterAll(async () => {
  client?.destroy();
  flaky?.destroy();
  await proxy?.stop();
  await dynamo?.stop();
});

async function sync(table: string, batches: Row[][], now: string, via = client) {
  const { ctx } = testContext();
  const sink = dynamoDbSync<Row>(via, table, ctx, { toItem, keyNames: ['pk'], now, attributes: ['pk', 'qty'] });
  await pipeline(Readable.from(batches, { objectMode: true }), sink);
  return { ...sink.counts, component: ctx.counters.snapshotComponents()[`dynamodb:${table}`] };
}

async function stored(table: string): Promise<Map<string, Item>> {
  const items = (await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items as Item[];
  return new Map(items.map((item) => [item['pk']?.S ?? '', item]));
}

describe('dynamoDbSync', () => {
  it('writes only new and changed items, keeps created_at, and lets the last of a key repeated across batches win', async () => {
    await createStringKeyedTable(client, 'sync-a', 'pk');
    const first = await sync(
      'sync-a',
      [
        [
          { id: 'a', qty: 1 },
          { id: 'b', qty: 2 },
        ],
        [{ id: 'c', qty: 3 }],
      ],
      '2026-01-01T00:00:00.000000Z',
    );
    expect(first).toMatchObject({ new: 3, changed: 0, unchanged: 0, written: 3, duplicateKeys: 0 });

    const second = await sync(
      'sync-a',
      [
        [
          { id: 'a', qty: 1 },
          { id: 'b', qty: 20 },
          { id: 'b', qty: 21 },
        ],
        [{ id: 'd', qty: 4, extra: 'x' }],
        [{ id: 'b', qty: 22 }],
      ],
      '2026-02-01T00:00:00.000000Z',
    );
    // b: once repeated within a batch, once in a later batch; counted once as changed.
    expect(second).toMatchObject({ new: 1, changed: 1, unchanged: 1, duplicateKeys: 2, written: 3 });
    // 5 records: 3 written, 2 dropped (a unchanged, b's first of two in one batch), so the run's figures add up.
    expect(second.component).toMatchObject({ role: 'sink', rowsIn: 3, rowsOut: 3, dropped: 2 });
    const items = await stored('sync-a');
    expect(items.get('b')).toMatchObject({
      qty: { N: '22' },
      created_at: { S: '2026-01-01T00:00:00.000000Z' },
      updated_at: { S: '2026-02-01T00:00:00.000000Z' },
    });
    expect(items.get('a')?.['updated_at']).toEqual({ S: '2026-01-01T00:00:00.000000Z' }); // unchanged: not rewritten
    expect(items.get('c')?.['qty']).toEqual({ N: '3' });
  });

  it('reports attributes only the records have, and only the stored items have', async () => {
    await createStringKeyedTable(client, 'sync-b', 'pk');
    await sync('sync-b', [[{ id: 'a', qty: 1, extra: 'old' }]], '2026-01-01T00:00:00.000000Z');
    const counts = await sync('sync-b', [[{ id: 'a', qty: 2 }]], '2026-02-01T00:00:00.000000Z');
    expect(counts.columnsOnlyInTable).toEqual(['extra']);
  });

  it('ends with the same items when a third of the requests fail and are retried', async () => {
    await createStringKeyedTable(client, 'sync-c', 'pk');
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `k${i}`, qty: i }));
    const counts = await sync('sync-c', [rows.slice(0, 150), rows.slice(150)], '2026-01-01T00:00:00.000000Z', flaky);
    expect(counts).toMatchObject({ new: 300, written: 300 });
    expect((await stored('sync-c')).size).toBe(300);
    expect(proxy.stats.errors + proxy.stats.unprocessed + proxy.stats.resets).toBeGreaterThan(0);
  });

  it('fails the stream when the table does not exist, writing nothing', async () => {
    await expect(sync('no-such-table', [[{ id: 'a', qty: 1 }]], '2026-01-01T00:00:00.000000Z')).rejects.toThrow(
      /no-such-table|not found|ResourceNotFound/i,
    );
  });
});
