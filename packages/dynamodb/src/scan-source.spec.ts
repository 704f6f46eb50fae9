import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sinkWritable, systemClock } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient } from './client.js';
import { scanSource } from './scan-source.js';
import { createStringKeyedTable } from './tables.js';
import { BATCH_WRITE_LIMIT, DynamoDbPutSink, type Item } from './write-sink.js';

// A full collection on demand, to see whether a page is still reachable (the flag only exposes `gc`).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local-secret' };
const { ctx } = testContext({ clock: systemClock });

/** Collected once nothing references it: after the current job (WeakRef targets live to its end) and a full GC. */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return ref.deref() === undefined;
}

describe('scanSource holds no page the consumer is done with', () => {
  let dynamo: EmbeddedDynamoDb;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamoDb();
    client = createDynamoDbClient(env, dynamo.endpoint);
    await createStringKeyedTable(client, 'pages_test', 'pk');
    const sink = sinkWritable(new DynamoDbPutSink(client, 'pages_test'), ctx, { maxItems: BATCH_WRITE_LIMIT });
    if (!sink.write(Array.from({ length: 200 }, (_, i): Item => ({ pk: { S: `k${i}` }, n: { N: String(i) } })))) await once(sink, 'drain');
    sink.end();
    await finished(sink);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('a page taken and left (the first of its segment included) is collectable while the scan goes on, and every item comes once', async () => {
    const pages = scanSource(client, 'pages_test', { segments: 2, pageSize: 20 }).open(ctx) as AsyncGenerator<Item[]>;
    const first = await pages.next();
    const keys = new Set((first.value as Item[]).map((item) => item.pk?.S));
    const taken = new WeakRef(first.value as Item[]);
    first.value = undefined;
    const second = await pages.next(); // the scan goes on: the first page's segment was asked for its next page
    for (const item of second.value as Item[]) keys.add(item.pk?.S);
    expect(await collected(taken)).toBe(true);
    for await (const page of pages) for (const item of page) keys.add(item.pk?.S);
    expect(keys.size).toBe(200);
  });
});
