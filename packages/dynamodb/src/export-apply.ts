import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RecordBatch, RunContext, Source } from '@etl/core';
import type { ExportChange } from './export-records.js';
import type { TableKey } from './tables.js';
import type { Item } from './write-sink.js';

/**
 * The current state with an incremental export applied: `current` (the items of the previous full
 * export or of the last state written) with each changed item replaced, each deleted item left
 * out, and new items added at the end. Apply several incremental exports one after the other, in
 * time order. Memory: every change of the export (one entry per changed item), read before
 * `current` is streamed through.
 */
export function applyExportChanges(current: Source<Item>, changes: Source<ExportChange>, key: TableKey): Source<Item> {
  return {
    name: `${current.name}+${changes.name}`,
    open: (ctx: RunContext) => apply(current, changes, key, ctx),
  };
}

async function* apply(
  current: Source<Item>,
  changes: Source<ExportChange>,
  key: TableKey,
  ctx: RunContext,
): AsyncGenerator<RecordBatch<Item>> {
  const pending = new Map<string, ExportChange>();
  for await (const batch of changes.open(ctx) as AsyncIterable<RecordBatch<ExportChange>>) {
    for (const change of batch) {
      const id = itemKeyText(change.key, key);
      const seen = pending.get(id);
      // An export lists each item once; should one repeat, its latest write wins.
      if (!seen || (change.writtenAtMicros ?? 0) >= (seen.writtenAtMicros ?? 0)) pending.set(id, change);
    }
  }
  for await (const batch of current.open(ctx) as AsyncIterable<RecordBatch<Item>>) {
    const out: Item[] = [];
    for (const item of batch) {
      const id = itemKeyText(item, key);
      const change = pending.get(id);
      if (!change) out.push(item);
      else {
        pending.delete(id);
        if (change.kind === 'upsert') out.push(change.item);
      }
    }
    if (out.length > 0) yield out;
  }
  const added = [...pending.values()].flatMap((change) => (change.kind === 'upsert' ? [change.item] : []));
  for (let start = 0; start < added.length; start += 1000) yield added.slice(start, start + 1000);
}

/** An item's key as one string (binary keys as base64), equal for equal keys. */
export function itemKeyText(item: Item, key: TableKey): string {
  const part = (value: AttributeValue | undefined) =>
    value?.S !== undefined
      ? `S:${value.S}`
      : value?.N !== undefined
        ? `N:${value.N}`
        : value?.B
          ? `B:${Buffer.from(value.B).toString('base64')}`
          : '';
  return JSON.stringify([part(item[key.partitionKey]), key.sortKey ? part(item[key.sortKey]) : null]);
}
