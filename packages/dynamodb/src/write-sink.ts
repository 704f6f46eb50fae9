import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { PartialBatchError, type RecordBatch, type Sink } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';

export type Item = Record<string, AttributeValue>;

/** BatchWriteItem takes at most 25 puts; give this to `sinkWritable` as `maxItems`. */
export const BATCH_WRITE_LIMIT = 25;

/**
 * Puts items with BatchWriteItem. Only the sink contract: core batches (`maxItems` ≤ 25), bounds the
 * batches in flight and retries. Items DynamoDB hands back as `UnprocessedItems` become a
 * `PartialBatchError`, so only they are sent again, with backoff and jitter.
 */
export class DynamoDbPutSink implements Sink<Item> {
  readonly name: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    options: { name?: string } = {},
  ) {
    this.name = options.name ?? `dynamodb:${table}`;
  }

  async connect(): Promise<void> {
    // Nothing to open: the SDK client connects per request.
  }

  async writeBatch(batch: RecordBatch<Item>): Promise<void> {
    if (batch.length > BATCH_WRITE_LIMIT)
      throw new RangeError(`BatchWriteItem takes at most ${BATCH_WRITE_LIMIT} items; set maxItems to ${BATCH_WRITE_LIMIT}`);
    const { BatchWriteItemCommand } = dynamoDbSdk();
    const response = await this.client.send(
      new BatchWriteItemCommand({ RequestItems: { [this.table]: batch.map((Item): WriteRequest => ({ PutRequest: { Item } })) } }),
    );
    const unprocessed = (response.UnprocessedItems?.[this.table] ?? [])
      .map((w) => w.PutRequest?.Item)
      .filter((i): i is Item => i !== undefined);
    if (unprocessed.length > 0)
      throw new PartialBatchError(unprocessed, `${unprocessed.length} of ${batch.length} items unprocessed by ${this.table}`);
  }

  async close(): Promise<void> {
    // Every accepted batch is already durable in DynamoDB.
  }
}
