import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TerminalError } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';

const MiB = 1024 * 1024;
/** Bytes of table per segment: AWS suggests segments of a few hundred MB to a few GB; smaller keeps 2-core workers busy sooner. */
export const BYTES_PER_SEGMENT = 256 * MiB;
export const MAX_DEFAULT_SEGMENTS = 16;

/**
 * Segments for a parallel scan of a table of `tableBytes` (DescribeTable's `TableSizeBytes`, updated by
 * DynamoDB about every 6 hours): one per 256 MiB, at least 1, at most 16. Pure.
 */
export function segmentsForSize(tableBytes: number): number {
  return Math.min(MAX_DEFAULT_SEGMENTS, Math.max(1, Math.ceil(tableBytes / BYTES_PER_SEGMENT)));
}

/** What DescribeTable says about a table's size. */
export async function tableSize(client: DynamoDBClient, table: string, signal?: AbortSignal): Promise<{ bytes: number; items: number }> {
  const { DescribeTableCommand } = dynamoDbSdk();
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }), signal ? { abortSignal: signal } : {});
    return { bytes: Table?.TableSizeBytes ?? 0, items: Table?.ItemCount ?? 0 };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException')
      throw new TerminalError('NOT_FOUND', `DynamoDB table ${table} does not exist`, { cause: error });
    throw error;
  }
}
