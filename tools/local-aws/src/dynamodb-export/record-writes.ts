import { keyId, keysOf, type WireItem } from './change-log.js';
import type { TableGate, KeyLocks } from './table-gate.js';
import type { Tables } from './tables.js';
import type { Upstream, UpstreamAnswer } from './upstream.js';
import type { Clock } from '@etl/core';

/** The write operations whose effects point-in-time recovery keeps. */
export const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** One item a request writes: its table and key (as sent), and the full item for puts. */
export interface PlannedWrite {
  table: string;
  key?: WireItem;
  item?: WireItem;
}

type Json = Record<string, unknown>;

/** The items a write request touches, read from its body (ConditionCheck entries write nothing). */
export function plannedWrites(operation: string, input: Json): PlannedWrite[] {
  const table = String(input['TableName'] ?? '');
  switch (operation) {
    case 'PutItem':
      return [{ table, item: input['Item'] as WireItem }];
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ table, key: input['Key'] as WireItem }];
    case 'BatchWriteItem':
      return Object.entries((input['RequestItems'] ?? {}) as Record<string, Json[]>).flatMap(([name, writes]) =>
        writes.map((w): PlannedWrite =>
          w['PutRequest']
            ? { table: name, item: (w['PutRequest'] as Json)['Item'] as WireItem }
            : { table: name, key: ((w['DeleteRequest'] ?? {}) as Json)['Key'] as WireItem },
        ),
      );
    case 'TransactWriteItems':
      return ((input['TransactItems'] ?? []) as Json[]).flatMap((entry): PlannedWrite[] => {
        const put = entry['Put'] as Json | undefined;
        const other = (entry['Update'] ?? entry['Delete']) as Json | undefined;
        if (put) return [{ table: String(put['TableName']), item: put['Item'] as WireItem }];
        if (other) return [{ table: String(other['TableName']), key: other['Key'] as WireItem }];
        return [];
      });
    default:
      return [];
  }
}

interface Touched {
  table: string;
  id: string;
  keys: WireItem;
}

/**
 * Applies a write upstream and, for tables with PITR enabled, records each item's before and after
 * images with the time it was applied. Images are read (consistently) around the write under a lock
 * per item, so concurrent writes to one item are logged in the order they were applied.
 */
export async function recordedWrite(
  deps: { upstream: Upstream; tables: Tables; gate: TableGate; locks: KeyLocks; clock: Clock },
  operation: string,
  input: Json,
  apply: () => Promise<UpstreamAnswer>,
): Promise<UpstreamAnswer> {
  const touched: Touched[] = [];
  for (const write of plannedWrites(operation, input)) {
    if (!deps.tables.log(write.table)) continue;
    const { keyNames } = await deps.tables.describe(write.table);
    const keys = keysOf(keyNames, (write.key ?? write.item) as WireItem);
    touched.push({ table: write.table, id: keyId(keyNames, keys), keys });
  }
  if (touched.length === 0) return apply();
  const tablesTouched = [...new Set(touched.map((t) => t.table))];
  const withGates = tablesTouched.reduceRight<() => Promise<UpstreamAnswer>>(
    (inner, table) => () => deps.gate.shared(table, inner),
    () =>
      deps.locks.with(
        touched.map((t) => `${t.table}\u0000${t.id}`),
        async () => {
          const before = await readItems(deps.upstream, touched);
          const answer = await apply();
          if (answer.status !== 200) return answer;
          const applied = withoutUnprocessed(touched, answer);
          const after = await readItems(deps.upstream, applied);
          const at = deps.clock.now();
          for (const t of applied) {
            const id = `${t.table}\u0000${t.id}`;
            deps.tables.log(t.table)?.record({ id: t.id, keys: t.keys, oldImage: before.get(id), newImage: after.get(id) }, at);
          }
          return answer;
        },
      ),
  );
  return withGates();
}

/** BatchWriteItem may hand items back unprocessed: those were not written. */
function withoutUnprocessed(touched: Touched[], answer: UpstreamAnswer): Touched[] {
  const body = JSON.parse(answer.body.toString('utf8') || '{}') as { UnprocessedItems?: Record<string, Json[]> };
  const unprocessed = body.UnprocessedItems ?? {};
  if (Object.keys(unprocessed).length === 0) return touched;
  const skipped = new Set<string>();
  for (const write of plannedWrites('BatchWriteItem', { RequestItems: unprocessed })) {
    const t = touched.find((candidate) => candidate.table === write.table);
    if (!t) continue;
    const names = Object.keys(t.keys);
    skipped.add(`${write.table}\u0000${keyId(names, (write.key ?? write.item) as WireItem)}`);
  }
  return touched.filter((t) => !skipped.has(`${t.table}\u0000${t.id}`));
}

/** The items by `table\0id`, read with consistent BatchGetItem calls (100 keys a call, unprocessed keys asked again). */
async function readItems(upstream: Upstream, touched: Touched[]): Promise<Map<string, WireItem>> {
  const found = new Map<string, WireItem>();
  const unique = new Map(touched.map((t) => [`${t.table}\u0000${t.id}`, t]));
  const all = [...unique.values()];
  for (let start = 0; start < all.length; start += 100) {
    let request: Record<string, { Keys: WireItem[]; ConsistentRead: boolean }> = {};
    for (const t of all.slice(start, start + 100)) (request[t.table] ??= { Keys: [], ConsistentRead: true }).Keys.push(t.keys);
    while (Object.keys(request).length > 0) {
      const answer = await upstream.call<{ Responses?: Record<string, WireItem[]>; UnprocessedKeys?: typeof request }>('BatchGetItem', {
        RequestItems: request,
      });
      for (const [table, items] of Object.entries(answer.Responses ?? {})) {
        const names = Object.keys(all.find((t) => t.table === table)?.keys ?? {});
        for (const item of items) found.set(`${table}\u0000${keyId(names, item)}`, item);
      }
      request = answer.UnprocessedKeys ?? {};
    }
  }
  return found;
}
