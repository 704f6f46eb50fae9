import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RecordBatch, RunContext, Source } from '@etl/core';
import type { Item } from './write-sink.js';

/**
 * A table as a pipeline source: a parallel Scan over `segments` segments. Pull-based: each segment
 * fetches its next page only once its previous page was taken, so memory is at most one page
 * (≤ 1 MB) per segment.
 */
export function scanSource(
  client: DynamoDBClient,
  table: string,
  options: { segments?: number; pageSize?: number; name?: string } = {},
): Source<Item> {
  const segments = options.segments ?? 4;
  return {
    name: options.name ?? `scan:${table}`,
    open: (ctx: RunContext) =>
      merge(Array.from({ length: segments }, (_, segment) => pages(client, table, segment, segments, options.pageSize, ctx.signal))),
  };
}

async function* pages(
  client: DynamoDBClient,
  table: string,
  segment: number,
  total: number,
  limit: number | undefined,
  signal: AbortSignal,
): AsyncGenerator<RecordBatch<Item>> {
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        Segment: segment,
        TotalSegments: total,
        ...(limit ? { Limit: limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
      { abortSignal: signal },
    );
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
