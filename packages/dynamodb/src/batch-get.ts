import type { DynamoDBClient, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { retry, TransientError, type RetryPolicy } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';
import type { Item } from './write-sink.js';

const BATCH_GET_LIMIT = 100;

/**
 * Fetches items by key, 100 keys per BatchGetItem, asking again for `UnprocessedKeys` with backoff.
 * Returns the items found (missing keys are simply absent), keyed by `keyOf`.
 */
export async function batchGetItems(
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  keyOf: (item: Item) => string,
  options: { retry?: Partial<RetryPolicy>; signal?: AbortSignal } = {},
): Promise<Map<string, Item>> {
  const { BatchGetItemCommand } = dynamoDbSdk();
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: KeysAndAttributes | undefined = { Keys: keys.slice(i, i + BATCH_GET_LIMIT) };
    await retry(
      async () => {
        const response = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: pending as KeysAndAttributes } }));
        for (const item of response.Responses?.[table] ?? []) found.set(keyOf(item), item);
        pending = response.UnprocessedKeys?.[table];
        if (pending?.Keys?.length) throw new TransientError('THROTTLED', `${pending.Keys.length} keys unprocessed by ${table}`);
      },
      { policy: { maxAttempts: 10, ...options.retry }, ...(options.signal ? { signal: options.signal } : {}) },
    );
  }
  return found;
}
