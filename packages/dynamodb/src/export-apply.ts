import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TerminalError, type RecordBatch, type RunContext, type Source } from '@etl/core';
import type { ExportChange } from './export-records.js';
import type { TableKey } from './tables.js';
import type { Item } from './write-sink.js';

/** Changes of one incremental export held at once by default (`maxChanges`). */
export const DEFAULT_MAX_CHANGES = 1_000_000;

/**
 * The current state with an incremental export applied: `current` (the items of the previous full
 * export or of the last state written) with each changed item replaced, each deleted item left
 * out, and new items added at the end. Apply several incremental exports one after the other, in
 * time order. Memory: every change of the export (one entry per changed item: its key and new
 * image), read before `current` is streamed through; more than `maxChanges` distinct changed items
 * (default 1,000,000) fail the read with a `TerminalError('BAD_INPUT')` saying to export a shorter
 * window or the full table, rather than growing past the memory they were given.
 */
export function applyExportChanges(
  current: Source<Item>,
  changes: Source<ExportChange>,
  key: TableKey,
  options: { maxChanges?: number } = {},
): Source<Item> {
  const maxChanges = options.maxChanges ?? DEFAULT_MAX_CHANGES;
  return {
    name: `${current.name}+${changes.name}`,
    open: (ctx: RunContext) => apply(current, changes, key, maxChanges, ctx),
  };
}

async function* apply(
  current: Source<Item>,
  changes: Source<ExportChange>,
  key: TableKey,
  maxChanges: number,
  ctx: RunContext,
): AsyncGenerator<RecordBatch<Item>> {
  const pending = new Map<string, ExportChange>();
  for await (const batch of changes.open(ctx) as AsyncIterable<RecordBatch<ExportChange>>) {
    for (const change of batch) {
      const id = itemKeyText(change.key, key);
      const seen = pending.get(id);
      // An export lists each item once; should one repeat, its latest write wins.
      if (!seen || (change.writtenAtMicros ?? 0) >= (seen.writtenAtMicros ?? 0)) pending.set(id, change);
      if (pending.size > maxChanges)
        throw new TerminalError(
          'BAD_INPUT',
          `${changes.name}: more than ${maxChanges} changed items, the most one incremental export may hold in memory (maxChanges); export a shorter window, or the full table`,
        );
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
