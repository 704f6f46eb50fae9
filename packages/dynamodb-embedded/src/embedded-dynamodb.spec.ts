import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb } from './embedded-dynamodb.js';

const dir = mkdtempSync(join(tmpdir(), 'embedded-dynamodb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const client = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } });

describe('startEmbeddedDynamoDb', () => {
  it('serves the DynamoDB API and keeps tables and items in dataDir across restarts', async () => {
    let db = await startEmbeddedDynamoDb({ dataDir: dir });
    let c = client(db.endpoint);
    await c.send(
      new CreateTableCommand({
        TableName: 'inventory',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await c.send(new PutItemCommand({ TableName: 'inventory', Item: { pk: { S: 'SKU-1' }, qty: { N: '3.50' } } }));
    c.destroy();
    await db.stop();

    db = await startEmbeddedDynamoDb({ dataDir: dir });
    c = client(db.endpoint);
    const item = await c.send(new GetItemCommand({ TableName: 'inventory', Key: { pk: { S: 'SKU-1' } } }));
    expect(item.Item?.['qty']).toEqual({ N: '3.5' });
    c.destroy();
    await db.stop();
  });
});
