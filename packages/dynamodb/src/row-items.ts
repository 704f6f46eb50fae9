import { TerminalError } from '@etl/core';
import { keyFields, toAttributeValue, type Field, type Schema, type Value } from '@etl/schema';
import type { TableKey } from './tables.js';
import type { Item } from './write-sink.js';

/** Between the key values of a composite key attribute (`536365#85123A`). */
const KEY_SEPARATOR = '#';

/**
 * Whether a stored item was keyed by other columns than `columns` (`rowItems` joining them into
 * `keyAttribute`): its key recomputed from its own attributes differs, with another number of parts
 * (the same number is left alone: values formatted otherwise, or holding the separator). Says how.
 */
export function otherKeyOf(item: Item, keyAttribute: string, columns: readonly string[]): string | undefined {
  const stored = item[keyAttribute]?.S;
  if (stored === undefined) return undefined;
  const values = columns.map((c) => item[c]?.S ?? item[c]?.N);
  const recomputed = values.every((v) => v !== undefined) ? values.join(KEY_SEPARATOR) : undefined;
  if (recomputed === stored || stored.split(KEY_SEPARATOR).length === columns.length) return undefined;
  return `an item's ${keyAttribute} is "${stored}"${recomputed === undefined ? `, and it has no ${columns.join(', ')}` : `, not its ${columns.join(KEY_SEPARATOR)} "${recomputed}"`}`;
}

/** How rows of a schema become items of a table, and which attributes name an item. */
export interface RowItems {
  toItem(row: readonly Value[]): Item;
  /** The attributes that make up an item's key, in order. */
  keyNames: string[];
}

/**
 * Rows in schema order -> items of a table (seed 000): every non-null value as its typed attribute.
 * The schema's key columns (`key_order`) address the item: directly when the table's partition key is
 * the one key column, else as a string key attribute of the key values joined with `#` (the table's
 * partition key, or `keyAttribute`). A table with a sort key needs both key attributes as columns.
 */
export function rowItems(schema: Schema, key: TableKey, options: { keyAttribute?: string | undefined; table: string }): RowItems {
  const fields: readonly Field[] = schema.fields;
  const has = (name: string) => fields.some((f) => f.name === name);
  const keys = keyFields(schema);
  const keyAttribute = options.keyAttribute ?? key.partitionKey;
  if (keys.length === 0) throw new TerminalError('CONFIG', 'the schema marks no key column (key_order 1, 2, …)'); // parseSchemaFile's requireKey says so first
  if (key.sortKey && !(has(key.partitionKey) && has(key.sortKey)))
    throw new TerminalError('CONFIG', `${options.table} is keyed by ${key.partitionKey} + ${key.sortKey}; the schema needs both columns`);
  const keyPositions = keys.map((k) => fields.indexOf(k));
  // One key column that is the partition key, or a sort-keyed table: items carry their key as they are.
  const direct = key.sortKey !== undefined || (keys.length === 1 && keys[0]?.name === key.partitionKey);
  const keyNames = key.sortKey ? [key.partitionKey, key.sortKey] : [direct ? key.partitionKey : keyAttribute];
  return {
    keyNames,
    toItem(row) {
      const item: Item = {};
      for (let i = 0; i < fields.length; i++) {
        const v = row[i];
        if (v !== null && v !== undefined) item[(fields[i] as Field).name] = toAttributeValue(v, (fields[i] as Field).type);
      }
      if (!direct) item[keyAttribute] = { S: keyPositions.map((p) => String(row[p])).join(KEY_SEPARATOR) };
      return item;
    },
  };
}
