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

/**
 * Yields from several async iterators as their values come. An iterator whose value was just yielded
 * asks for its next one only when the consumer comes back for more: per iterator one value in flight or
 * held, never both (asking at once held up to two pages per segment, which the bound above did not say).
 */
async function* merge<T>(iterators: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const request = (i: number) => (iterators[i] as AsyncGenerator<T>).next().then((result) => ({ i, result }));
  const next = new Map(iterators.map((_, i) => [i, request(i)]));
  let taken: number | undefined;
  try {
    for (;;) {
      if (taken !== undefined) next.set(taken, request(taken));
      taken = undefined;
      if (next.size === 0) break;
      const { i, result } = await Promise.race(next.values());
      next.delete(i);
      if (result.done) continue;
      taken = i;
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return(undefined)));
  }
}
