import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RecordError } from '@etl/core';
import { castValue, cleanColumnNames, formatType, type Field, type Value } from '@etl/schema';
import { attributeJson, base64 } from './attribute-json.js';
import { exactNumber } from './attribute-number.js';
import type { ItemColumn } from './item-schema.js';
import type { Item } from './write-sink.js';

/** Items as rows of columns (`ItemSchemaInference.columns()`, or a declared schema's `declaredColumns`). */
export interface ItemRows {
  /** The row of an item, values in column order; a value its column cannot hold is a `RecordError` (SCHEMA) naming the item's key. */
  toRow(item: Item): Value[];
}

/**
 * Items -> rows (pure). Each attribute is read into its column's type exactly: numbers from their
 * digits (DynamoDB's N text; never through a JS number unless the column is `double`, or an int that
 * fits), ISO strings into dates and timestamps, a number into a timestamp as epoch seconds (TTL
 * attributes), sets, lists and maps into `json` (or `varchar`) as JSON text, binary as base64. A
 * missing or NULL attribute is null, refused by a NOT NULL column. What does not fit (a string in a
 * number column, a number past the decimal's scale) rejects the item with its key and the reason.
 */
export function itemRows(columns: readonly ItemColumn[], keyNames: readonly string[], options: { table: string }): ItemRows {
  const readers = columns.map((c) => readerFor(c.field));
  return {
    toRow(item) {
      const row = new Array<Value>(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as ItemColumn;
        const value = item[column.attribute];
        const result = value === undefined || value.NULL !== undefined ? nullFor(column.field) : (readers[i] as Reader)(value);
        if (typeof result === 'object' && result !== null && 'reason' in result)
          throw new RecordError({
            code: 'SCHEMA',
            file: options.table,
            column: column.attribute,
            reason: `item ${keyText(item, keyNames)}: ${column.attribute} ${result.reason}`,
            raw: value === undefined ? undefined : truncate(JSON.stringify(value, binaryAsBase64)),
          });
        row[i] = result;
      }
      return row;
    },
  };
}

type Problem = { reason: string };
type Reader = (value: AttributeValue) => Value | Problem;

function nullFor(field: Field): Value | Problem {
  return field.nullable ? null : { reason: `is missing; column ${field.name} is NOT NULL` };
}

/** `{pk: "536365#85123A"}`: how a rejected item is named. */
export function keyText(item: Item, keyNames: readonly string[]): string {
  const parts = keyNames.map((k) => {
    const v = item[k];
    return `${k}=${v?.S ?? v?.N ?? (v?.B ? base64(v.B) : '?')}`;
  });
  return parts.length > 0 ? parts.join(', ') : '(no key)';
}

function readerFor(field: Field): Reader {
  const type = field.type;
  const cast = (text: string): Value | Problem => {
    const r = castValue(text, field);
    return r.ok ? r.value : { reason: r.reason };
  };
  const kindOf = (v: AttributeValue) => Object.keys(v)[0] ?? '?';
  const refuse = (v: AttributeValue): Problem => ({ reason: `is ${describeKind(kindOf(v))}; column ${field.name} is ${formatType(type)}` });
  switch (type.kind) {
    case 'string':
      return (v) => {
        if (v.S !== undefined) return v.S;
        if (v.N !== undefined) return exactNumber(v.N)?.text ?? v.N;
        if (v.BOOL !== undefined) return v.BOOL ? 'true' : 'false';
        if (v.B !== undefined) return base64(v.B);
        return attributeJson(v);
      };
    case 'json':
      return (v) => attributeJson(v);
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'double':
      return (v) => {
        if (v.N === undefined) return refuse(v);
        const n = exactNumber(v.N);
        return n ? cast(n.text) : { reason: `is not a number: "${v.N}"` };
      };
    case 'boolean':
      return (v) => (v.BOOL !== undefined ? v.BOOL : refuse(v));
    case 'date':
      return (v) => (v.S !== undefined ? cast(v.S) : refuse(v));
    case 'timestamp':
      return (v) => {
        if (v.S !== undefined) return cast(v.S);
        if (v.N === undefined) return refuse(v);
        // Epoch seconds (DynamoDB's TTL convention), exact to the microsecond.
        const n = exactNumber(v.N);
        if (!n || n.scale > 6) return { reason: `${v.N} is not epoch seconds to the microsecond` };
        const [whole = '0', fraction = ''] = n.text.split('.');
        const sign = whole.startsWith('-') ? -1n : 1n;
        return BigInt(whole) * 1_000_000n + sign * BigInt(fraction.padEnd(6, '0'));
      };
  }
}

function describeKind(kind: string): string {
  const names: Record<string, string> = {
    S: 'a string (S)',
    N: 'a number (N)',
    BOOL: 'a boolean (BOOL)',
    B: 'binary (B)',
    SS: 'a string set (SS)',
    NS: 'a number set (NS)',
    BS: 'a binary set (BS)',
    L: 'a list (L)',
    M: 'a map (M)',
  };
  return names[kind] ?? kind;
}

function binaryAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? base64(value) : value;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * A declared schema (`--schema`, the schema CSV of the other pipelines) as columns: each field reads the
 * attribute of its name; the Parquet column is that name cleaned as inferred columns are.
 */
export function declaredColumns(fields: readonly Field[]): ItemColumn[] {
  const cleaned = cleanColumnNames(fields.map((f) => f.name));
  return fields.map((field, i) => ({ attribute: field.name, field: { ...field, name: cleaned[i] as string } }));
}
