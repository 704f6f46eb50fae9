/**
 * DynamoDB write throughput: 100 k items through the adapter (`DynamoDbPutSink` in `sinkWritable`:
 * 25 items per BatchWriteItem, `--in-flight` requests at once, UnprocessedItems retried) against a plain
 * sequential BatchWriteItem loop (the seed's way) on the same endpoint, in one run. The stand-in is
 * Amazon's DynamoDB Local (its own Java process, so concurrency is real); `--stand-in dynalite` for the
 * in-process one. Goal: at least 2x the loop.
 *
 *   npx nx run bench:dynamodb-upsert
 *   npx nx run bench:dynamodb-upsert -- --items 20000 --in-flight 8
 */
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { createLogger, createRunContext, sinkWritable } from '@etl/core';
import { BATCH_WRITE_LIMIT, createDynamoDbClient, createStringKeyedTable, DynamoDbPutSink, type Item } from '@etl/dynamodb';
import { startEmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { LOCAL_CREDENTIALS, startDynamoDbLocal } from '@etl/local-aws';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { option } from './bench-args.js';

const count = Number(option('items', '100000'));
const inFlight = Number(option('in-flight', '16'));
const standIn = option('stand-in', 'dynamodb-local');
const server = standIn === 'dynalite' ? await startEmbeddedDynamoDb({}) : await startDynamoDbLocal();
const env = {
  AWS_REGION: LOCAL_CREDENTIALS.region,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
};
const client = createDynamoDbClient(env, server.endpoint);

const item = (i: number): Item => ({
  pk: { S: `TK01#A-${i}` },
  品名: { S: `㈱テスト製ボルト${i % 97}` },
  数量: { N: String(i % 5000) },
  単価: { N: `${i % 1000}.25` },
  updated_at: { S: '2026-11-22T00:00:00.000000Z' },
});

async function sequential(table: string, items = count): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < items; i += BATCH_WRITE_LIMIT) {
    let requests: WriteRequest[] = Array.from({ length: Math.min(BATCH_WRITE_LIMIT, items - i) }, (_, k) => ({
      PutRequest: { Item: item(i + k) },
    }));
    while (requests.length > 0) {
      const response = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = response.UnprocessedItems?.[table] ?? [];
    }
  }
  return (performance.now() - started) / 1000;
}

async function adapter(table: string): Promise<number> {
  const runId = 'bench';
  const ctx = createRunContext({
    jobName: 'bench',
    runId,
    logger: createLogger({ runId, jobName: 'bench', level: 'warn', destination: process.stderr }),
  });
  const started = performance.now();
  const sink = sinkWritable(new DynamoDbPutSink(client, table), ctx, { maxItems: BATCH_WRITE_LIMIT, maxInFlight: inFlight });
  for (let i = 0; i < count; i += 500) {
    if (!sink.write(Array.from({ length: Math.min(500, count - i) }, (_, k) => item(i + k)))) await once(sink, 'drain');
  }
  sink.end();
  await finished(sink);
  return (performance.now() - started) / 1000;
}

try {
  await createStringKeyedTable(client, 'bench_sequential', 'pk');
  await createStringKeyedTable(client, 'bench_adapter', 'pk');
  await createStringKeyedTable(client, 'bench_warmup', 'pk');
  // Untimed: the stand-in's JIT and the client warm up first, so neither measured method pays for it.
  await sequential('bench_warmup', Math.min(count, 20_000));
  const loop = await sequential('bench_sequential');
  const ours = await adapter('bench_adapter');
  console.log(`DynamoDB upserts, ${count} items, ${standIn}, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`);
  console.log(
    `sequential BatchWriteItem loop   ${loop.toFixed(1).padStart(6)} s  ${Math.round(count / loop)
      .toLocaleString('en-US')
      .padStart(8)} items/s`,
  );
  console.log(
    `adapter, ${String(inFlight).padStart(2)} requests in flight ${ours.toFixed(1).padStart(6)} s  ${Math.round(count / ours)
      .toLocaleString('en-US')
      .padStart(8)} items/s`,
  );
  const ratio = loop / ours;
  console.log(`ratio adapter / loop: ${ratio.toFixed(2)}x (goal >= 2x): ${ratio >= 2 ? 'ok' : 'MISSED'}`);
  if (ratio < 2) process.exitCode = 1;
} finally {
  client.destroy();
  await server.stop();
}
