import type { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { retry, type RecordBatch, type RetryPolicy, type RunContext, type Source } from '@etl/core';
import { dynamoDbSdk } from './sdk.js';
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
  const { ScanCommand } = dynamoDbSdk();
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
    let items: Item[] | undefined;
    ({ items, start } = await scanPage(client, command, table, segment, options, ctx));
    if (items.length > 0) yield items;
    // A generator's locals live as long as it does: without this, the page just handed over stayed
    // reachable while the next one was fetched (two pages per segment).
    items = undefined;
  } while (start);
}

/** One page's items and where the next starts; the response itself is not kept. */
async function scanPage(
  client: DynamoDBClient,
  command: ScanCommand,
  table: string,
  segment: number,
  options: ScanOptions,
  ctx: RunContext,
): Promise<{ items: Item[]; start: Record<string, never> | undefined }> {
  const page = await retry(() => client.send(command, { abortSignal: ctx.signal }), {
    signal: ctx.signal,
    clock: ctx.clock,
    ...(options.retry ? { policy: options.retry } : {}),
    onRetry: ({ attempt, delayMs, error }) =>
      ctx.logger.debug({ table, segment, attempt, delayMs, error: (error as Error).name }, 'scan page retried'),
  });
  return { items: (page.Items ?? []) as Item[], start: page.LastEvaluatedKey as Record<string, never> | undefined };
}

/**
 * Yields from several async iterators as their values come. An iterator whose value was just yielded
 * asks for its next one only when the consumer comes back for more: per iterator one value in flight or
 * held, never both (asking at once held up to two pages per segment, which the bound above did not say).
 * Once handed over, a value is referenced from nowhere here: settled values wait in a queue, not in
 * `Promise.race` (a race's result stays reachable from the other iterators' pending promises until they
 * settle, and a generator's locals outlive each `yield`): a page kept past its turn is memory per segment
 * that no bound counts.
 */
async function* merge<T>(iterators: AsyncGenerator<T>[]): AsyncGenerator<T> {
  type Settled = { i: number; result: IteratorResult<T> } | { i: number; error: unknown };
  const ready: Settled[] = [];
  let wake: (() => void) | undefined;
  const arrived = (settled: Settled) => {
    ready.push(settled);
    wake?.();
  };
  const request = (i: number) =>
    void (iterators[i] as AsyncGenerator<T>).next().then(
      (result) => arrived({ i, result }),
      (error: unknown) => arrived({ i, error }),
    );
  let pending = iterators.length;
  for (let i = 0; i < iterators.length; i++) request(i);
  try {
    while (pending > 0) {
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      let settled: Settled | undefined = ready.shift() as Settled;
      pending--;
      if ('error' in settled) throw settled.error;
      if (settled.result.done) continue;
      const i = settled.i;
      let value: T | undefined = settled.result.value;
      settled = undefined;
      yield value;
      value = undefined;
      pending++;
      request(i);
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return(undefined)));
  }
}
