import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { retry, type RecordBatch, type RetryPolicy, type RunContext, type Source } from '@etl/core';
import type { Item } from './write-sink.js';

export interface ScanOptions {
  /** Segments scanned in parallel (default 4); see `defaultScanSegments`. Memory: one page (≤ 1 MB) per segment. */
  segments?: number;
  /** Items per page (Scan's `Limit`); default DynamoDB's 1 MB pages. */
  pageSize?: number;
  /** Strongly consistent reads (twice the read capacity of the default eventually consistent ones). */
  consistentRead?: boolean;
  /**
   * A page's request is retried on throttling (`ProvisionedThroughputExceededException`, …) and 5xx
   * with backoff and full jitter after the SDK's own attempts; the same page is asked again, so no item
   * is lost or read twice. Default core's `defaultRetryPolicy`.
   */
  retry?: Partial<RetryPolicy>;
  name?: string;
}

/**
 * A table as a pipeline source: a parallel Scan over `segments` segments. Pull-based: each segment
 * fetches its next page only once its previous page was taken, so memory is at most one page
 * (≤ 1 MB) per segment.
 */
export function scanSource(client: DynamoDBClient, table: string, options: ScanOptions = {}): Source<Item> {
  const segments = options.segments ?? 4;
  return {
    name: options.name ?? `scan:${table}`,
    open: (ctx: RunContext) =>
      merge(Array.from({ length: segments }, (_, segment) => pages(client, table, segment, segments, options, ctx))),
  };
}

async function* pages(
  client: DynamoDBClient,
  table: string,
  segment: number,
  total: number,
  options: ScanOptions,
  ctx: RunContext,
): AsyncGenerator<RecordBatch<Item>> {
  let start: Record<string, never> | undefined;
  do {
    const command = new ScanCommand({
      TableName: table,
      Segment: segment,
      TotalSegments: total,
      ...(options.pageSize ? { Limit: options.pageSize } : {}),
      ...(options.consistentRead ? { ConsistentRead: true } : {}),
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const page = await retry(() => client.send(command, { abortSignal: ctx.signal }), {
      signal: ctx.signal,
      clock: ctx.clock,
      ...(options.retry ? { policy: options.retry } : {}),
      onRetry: ({ attempt, delayMs, error }) =>
        ctx.logger.debug({ table, segment, attempt, delayMs, error: (error as Error).name }, 'scan page retried'),
    });
    if (page.Items?.length) yield page.Items as Item[];
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
}

/** Yields from several async iterators as their values come, one request in flight per iterator. */
async function* merge<T>(iterators: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = new Map(iterators.map((it, i) => [i, it.next().then((result) => ({ i, result }))]));
  try {
    while (next.size > 0) {
      const { i, result } = await Promise.race(next.values());
      if (result.done) {
        next.delete(i);
        continue;
      }
      next.set(
        i,
        (iterators[i] as AsyncGenerator<T>).next().then((r) => ({ i, result: r })),
      );
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return(undefined)));
  }
}
