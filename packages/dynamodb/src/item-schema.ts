import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { cleanColumnNames, type Field, type FieldType, type Schema } from '@etl/schema';
import { exactNumber, fitsInt64 } from './attribute-number.js';
import type { Item } from './write-sink.js';

/** One column of an export: the attribute it is read from and the Parquet field it becomes. */
export interface ItemColumn {
  attribute: string;
  field: Field;
}

/** What kinds of value an attribute had, over every item seen. */
interface Evidence {
  /** Items where the attribute is present and not NULL. */
  values: number;
  number: boolean;
  /** Every number an integer that fits INT64. */
  int64: boolean;
  integerDigits: number;
  scale: number;
  string: boolean;
  /** Every string an ISO date `YYYY-MM-DD`. */
  date: boolean;
  /** Every string an ISO date or date-time. */
  timestamp: boolean;
  boolean: boolean;
  binary: boolean;
  nested: boolean;
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ISO_TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const DECIMAL_MAX_PRECISION = 38;

/**
 * The schema of a table's items, inferred over every item given to `add` (not a sample: an attribute
 * present in one item of millions becomes a column). Memory: one small record per distinct attribute
 * name. The widening rule, one column per attribute:
 *
 * - numbers: all integers that fit INT64 -> `bigint`; else `decimal(38, s)`, s the largest scale seen
 *   (38 digits, as DynamoDB keeps; precision is always 38 so a later run's larger values do not change
 *   the column's type); a number that fits neither (more than 38 digits at that scale, e.g. 1e100)
 *   -> `varchar` holding its exact text;
 * - strings: all ISO dates -> `date`; all ISO dates or date-times -> `timestamp` (UTC; a date-time
 *   without a zone is read as UTC); else `varchar`;
 * - booleans -> `boolean`; binary -> `varchar` (base64);
 * - kinds mixed (number + string, boolean + number, …) -> `varchar`, each value as its text (numbers
 *   exact, booleans `true`/`false`, binary base64);
 * - any map, list or set (SS, NS, BS, L, M) -> `json`: JSON text (see `attributeJson`), scalars of
 *   the same attribute as JSON values;
 * - an attribute that is only ever NULL -> `varchar` (all null).
 *
 * A column is NOT NULL when every item has the attribute, not NULL. Columns: the key attributes first,
 * then the others by name (a parallel scan's item order is not stable; the schema must be). Column
 * names are the attribute names cleaned for Glue and Athena (`cleanColumnNames`: `InvoiceDate` ->
 * `invoicedate`), numbered on a collision.
 */
export class ItemSchemaInference {
  private readonly evidence = new Map<string, Evidence>();
  private items = 0;

  add(item: Item): void {
    this.items++;
    for (const name in item) {
      const value = item[name] as AttributeValue;
      let e = this.evidence.get(name);
      if (!e) {
        e = {
          values: 0,
          number: false,
          int64: true,
          integerDigits: 0,
          scale: 0,
          string: false,
          date: true,
          timestamp: true,
          boolean: false,
          binary: false,
          nested: false,
        };
        this.evidence.set(name, e);
      }
      observe(e, value);
    }
  }

  /** Items seen. */
  get count(): number {
    return this.items;
  }

  /** The columns, key attributes first (`keyNames`, e.g. the table's partition and sort key). */
  columns(keyNames: readonly string[] = []): ItemColumn[] {
    const names = [
      ...keyNames.filter((k) => this.evidence.has(k)),
      ...[...this.evidence.keys()].filter((n) => !keyNames.includes(n)).sort(),
    ];
    const cleaned = cleanColumnNames(names);
    return names.map((attribute, i) => {
      const e = this.evidence.get(attribute) as Evidence;
      return { attribute, field: { name: cleaned[i] as string, type: typeOf(e), nullable: e.values < this.items } };
    });
  }

  schema(keyNames: readonly string[] = []): Schema {
    return { fields: this.columns(keyNames).map((c) => c.field) };
  }
}

function observe(e: Evidence, value: AttributeValue): void {
  if (value.NULL !== undefined) return;
  e.values++;
  if (value.S !== undefined) {
    e.string = true;
    if (e.timestamp) {
      const date = ISO_DATE.test(value.S);
      if (!date) e.date = false;
      if (!date && !ISO_TIMESTAMP.test(value.S)) e.timestamp = false;
    }
  } else if (value.N !== undefined) {
    e.number = true;
    const n = exactNumber(value.N);
    if (!n) {
      e.int64 = false;
      e.integerDigits = Infinity; // not a number we can read: the column keeps the text
      return;
    }
    if (e.int64 && !fitsInt64(n)) e.int64 = false;
    if (n.integerDigits > e.integerDigits) e.integerDigits = n.integerDigits;
    if (n.scale > e.scale) e.scale = n.scale;
  } else if (value.BOOL !== undefined) e.boolean = true;
  else if (value.B !== undefined) e.binary = true;
  else e.nested = true;
}

function typeOf(e: Evidence): FieldType {
  if (e.nested) return { kind: 'json' };
  const kinds = Number(e.number) + Number(e.string) + Number(e.boolean) + Number(e.binary);
  if (kinds !== 1) return { kind: 'string' }; // mixed, or only NULL
  if (e.number) {
    if (e.int64) return { kind: 'bigint' };
    if (e.integerDigits + e.scale <= DECIMAL_MAX_PRECISION) return { kind: 'decimal', precision: DECIMAL_MAX_PRECISION, scale: e.scale };
    return { kind: 'string' };
  }
  if (e.string) {
    if (e.date) return { kind: 'date' };
    if (e.timestamp) return { kind: 'timestamp', withZone: false };
    return { kind: 'string' };
  }
  if (e.boolean) return { kind: 'boolean' };
  return { kind: 'string' }; // binary, as base64
}
