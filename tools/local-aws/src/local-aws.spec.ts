import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { s3ClientFor } from './aws-clients.js';
import { LOCAL_CREDENTIALS, startLocalAws, type LocalAws } from './local-aws.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const clientConfig = (endpoint: string | undefined) => ({ endpoint, region: LOCAL_CREDENTIALS.region, credentials: LOCAL_CREDENTIALS });

async function writeAll(client: DynamoDBClient, table: string, count: number): Promise<number> {
  let unprocessedRounds = 0;
  for (let start = 0; start < count; start += 25) {
    let pending: Record<string, WriteRequest[]> = {
      [table]: Array.from({ length: Math.min(25, count - start) }, (_, i) => ({
        PutRequest: { Item: { pk: { S: `item-${start + i}` }, n: { N: String(start + i) } } },
      })),
    };
    while (Object.keys(pending).length > 0) {
      const response = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = response.UnprocessedItems ?? {};
      if (Object.keys(pending).length > 0) unprocessedRounds++;
    }
  }
  return unprocessedRounds;
}

async function scanCount(client: DynamoDBClient, table: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return count;
}

describe('startLocalAws', () => {
  it('starts every service, reachable by the printed endpoints, and stops without leftovers', async () => {
    const stack = await startLocalAws();
    try {
      expect(Object.keys(stack.endpoints).sort()).toEqual(['DYNAMODB', 'GLUE', 'REDSHIFT_DATA', 'S3']);
      const dynamo = new DynamoDBClient(clientConfig(stack.endpoints['DYNAMODB']));
      expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      dynamo.destroy();
      const redshift = new RedshiftDataClient(clientConfig(stack.endpoints['REDSHIFT_DATA']));
      const { Id } = await redshift.send(new ExecuteStatementCommand({ WorkgroupName: 'local', Database: 'dev', Sql: 'SELECT 1' }));
      expect(Id).toBeDefined();
      redshift.destroy();
    } finally {
      await stack.stop();
    }
    const s3Port = new URL(stack.endpoints['S3'] ?? '').port;
    await expect(fetch(`http://127.0.0.1:${s3Port}/`)).rejects.toThrow();
  });

  it('keeps DynamoDB tables and the warehouse under --data-dir across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-aws-data-'));
    dirs.push(dataDir);
    let stack: LocalAws = await startLocalAws({ dataDir, services: ['dynamodb', 'redshift-data'] });
    let dynamo = new DynamoDBClient(clientConfig(stack.endpoints['DYNAMODB']));
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'inventory',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await writeAll(dynamo, 'inventory', 30);
    let redshift = new RedshiftDataClient(clientConfig(stack.endpoints['REDSHIFT_DATA']));
    const create = await redshift.send(
      new ExecuteStatementCommand({
        WorkgroupName: 'local',
        Database: 'dev',
        Sql: 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)',
      }),
    );
    while ((await redshift.send(new DescribeStatementCommand({ Id: create.Id }))).Status !== 'FINISHED') await delay(10);
    dynamo.destroy();
    redshift.destroy();
    await stack.stop();

    stack = await startLocalAws({ dataDir, services: ['dynamodb', 'redshift-data'] });
    try {
      dynamo = new DynamoDBClient(clientConfig(stack.endpoints['DYNAMODB']));
      expect(await scanCount(dynamo, 'inventory')).toBe(30);
      redshift = new RedshiftDataClient(clientConfig(stack.endpoints['REDSHIFT_DATA']));
      const select = await redshift.send(
        new ExecuteStatementCommand({ WorkgroupName: 'local', Database: 'dev', Sql: 'SELECT count(*) FROM kept' }),
      );
      let status;
      while (
        (status = (await redshift.send(new DescribeStatementCommand({ Id: select.Id }))).Status) === 'SUBMITTED' ||
        status === 'STARTED'
      )
        await delay(10);
      expect(status).toBe('FINISHED');
      dynamo.destroy();
      redshift.destroy();
    } finally {
      await stack.stop();
    }
  });
});

describe('fault injection', () => {
  it('fails DynamoDB requests with throttling and UnprocessedItems; a client that retries still ends complete', async () => {
    const stack = await startLocalAws({ services: ['dynamodb'], faults: { failRate: 0.3, seed: 7, services: ['dynamodb'] } });
    try {
      const dynamo = new DynamoDBClient({ ...clientConfig(stack.endpoints['DYNAMODB']), maxAttempts: 10 });
      await dynamo.send(
        new CreateTableCommand({
          TableName: 'flaky',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const unprocessedRounds = await writeAll(dynamo, 'flaky', 500);
      expect(await scanCount(dynamo, 'flaky')).toBe(500);
      const stats = stack.faults.dynamodb?.stats;
      expect(stats?.errors).toBeGreaterThan(0);
      expect(stats?.unprocessed).toBeGreaterThan(0);
      expect(unprocessedRounds).toBeGreaterThan(0);
      dynamo.destroy();
    } finally {
      await stack.stop();
    }
  });

  it('answers S3 with SlowDown / InternalError that the SDK retries', async () => {
    const stack = await startLocalAws({ services: ['s3'], faults: { failRate: 0.3, seed: 3, services: ['s3'] } });
    try {
      const s3 = s3ClientFor(stack.endpoints['S3'] ?? '', { maxAttempts: 10 });
      await s3.send(new CreateBucketCommand({ Bucket: 'flaky' }));
      for (let i = 0; i < 20; i++) await s3.send(new PutObjectCommand({ Bucket: 'flaky', Key: `k${i}`, Body: `v${i}` }));
      for (let i = 0; i < 20; i++)
        expect(await (await s3.send(new GetObjectCommand({ Bucket: 'flaky', Key: `k${i}` }))).Body?.transformToString()).toBe(`v${i}`);
      expect(stack.faults.s3?.stats.errors).toBeGreaterThan(0);
      s3.destroy();
    } finally {
      await stack.stop();
    }
  });
});
