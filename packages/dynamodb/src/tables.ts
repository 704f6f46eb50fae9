import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { TerminalError, type Logger } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';
import type { Item } from './write-sink.js';

export interface TableKey {
  partitionKey: string;
  sortKey?: string;
}

/** When several tables match a prefix: take the lexically greatest (`inventory_2026_11` over `_10`), or refuse. */
export type TableChoice = 'latest' | 'only';

/**
 * Seed 000's `getTableName(prefix)`: the table whose name starts with `prefix`. With several matches,
 * `latest` takes the lexically greatest and logs the others; `only` refuses and lists them.
 */
export async function findTableByPrefix(client: DynamoDBClient, prefix: string, choice: TableChoice, logger?: Logger): Promise<string> {
  const matches: string[] = [];
  for await (const page of dynamoDbSdk().paginateListTables({ client }, {}))
    for (const name of page.TableNames ?? []) if (name.startsWith(prefix)) matches.push(name);
  matches.sort();
  if (matches.length === 0) throw new TerminalError('NOT_FOUND', `no DynamoDB table name starts with "${prefix}"`);
  if (matches.length > 1 && choice === 'only') {
    throw new TerminalError(
      'CONFIG',
      `${matches.length} DynamoDB tables start with "${prefix}" (${matches.join(', ')}); name one, or choose the latest`,
    );
  }
  const table = matches[matches.length - 1] as string;
  if (matches.length > 1)
    logger?.info(
      { prefix, table, others: matches.slice(0, -1) },
      `several tables start with "${prefix}": using the lexically greatest, ${table}`,
    );
  return table;
}

/** One item of a table, whichever DynamoDB returns first (a Scan of one), or undefined for an empty table. */
export async function anyItem(client: DynamoDBClient, table: string, options: { signal?: AbortSignal } = {}): Promise<Item | undefined> {
  const { ScanCommand } = dynamoDbSdk();
  const { Items } = await client.send(
    new ScanCommand({ TableName: table, Limit: 1 }),
    options.signal ? { abortSignal: options.signal } : {},
  );
  return Items?.[0];
}

export async function tableKey(client: DynamoDBClient, table: string): Promise<TableKey> {
  const { DescribeTableCommand } = dynamoDbSdk();
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const key = Table?.KeySchema ?? [];
  const partitionKey = key.find((k) => k.KeyType === 'HASH')?.AttributeName;
  if (!partitionKey) throw new TerminalError('NOT_FOUND', `DynamoDB table ${table} has no partition key (does it exist?)`);
  const sortKey = key.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}

/**
 * Creates an on-demand table keyed by one string attribute, and waits until it is ACTIVE. For
 * sample and test tables: production tables are created by infrastructure code, not by a load.
 */
export async function createStringKeyedTable(
  client: DynamoDBClient,
  table: string,
  partitionKey: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const { CreateTableCommand, DescribeTableCommand } = dynamoDbSdk();
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
    }),
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await delay(100, undefined, options.signal ? { signal: options.signal } : {});
  }
  throw new TerminalError('TIMEOUT', `DynamoDB table ${table} did not become ACTIVE`);
}
