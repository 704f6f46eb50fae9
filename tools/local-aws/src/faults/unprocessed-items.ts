/**
 * DynamoDB's partial failure: a BatchWriteItem that accepts only some items and returns the rest as
 * `UnprocessedItems`. Pure: splits a request, and merges the withheld items into the real answer.
 */
type RequestItems = Record<string, unknown[]>;

export function withholdItems(body: string, random: () => number): { forward: string; withheld: RequestItems } | undefined {
  const request = JSON.parse(body) as { RequestItems?: RequestItems };
  const items = request.RequestItems;
  if (!items) return undefined;
  const kept: RequestItems = {};
  const withheld: RequestItems = {};
  let keptCount = 0;
  for (const [table, writes] of Object.entries(items)) {
    for (const write of writes) {
      const target = random() < 0.5 ? withheld : kept;
      (target[table] ??= []).push(write);
      if (target === kept) keptCount++;
    }
  }
  if (keptCount === 0 || Object.keys(withheld).length === 0) return undefined;
  return { forward: JSON.stringify({ ...request, RequestItems: kept }), withheld };
}

export function mergeUnprocessed(responseBody: string, withheld: RequestItems): string {
  const response = JSON.parse(responseBody) as { UnprocessedItems?: RequestItems };
  const unprocessed: RequestItems = { ...(response.UnprocessedItems ?? {}) };
  for (const [table, writes] of Object.entries(withheld)) unprocessed[table] = [...(unprocessed[table] ?? []), ...writes];
  return JSON.stringify({ ...response, UnprocessedItems: unprocessed });
}
