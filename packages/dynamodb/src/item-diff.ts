import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item } from './write-sink.js';

export type ItemChange = 'new' | 'changed' | 'unchanged';

/** `12.3400` and `12.34` are the same DynamoDB number (it stores numbers normalized). */
function canonicalNumber(n: string): string {
  const negative = n.startsWith('-');
  let body = negative || n.startsWith('+') ? n.slice(1) : n;
  if (body.includes('.')) body = body.replace(/0+$/, '').replace(/\.$/, '');
  body = body.replace(/^0+(?=\d)/, '');
  return body === '0' ? '0' : `${negative ? '-' : ''}${body}`;
}

/** Whether two attribute values are equal as DynamoDB compares them (numbers by value). */
export function sameAttribute(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.N !== undefined || b.N !== undefined)
    return a.N !== undefined && b.N !== undefined && canonicalNumber(a.N) === canonicalNumber(b.N);
  if (a.S !== undefined || b.S !== undefined) return a.S === b.S;
  if (a.BOOL !== undefined || b.BOOL !== undefined) return a.BOOL === b.BOOL;
  if (a.NULL !== undefined || b.NULL !== undefined) return a.NULL === b.NULL;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Seed 000's `schema_diff` for one item: new when nothing is stored under its key, unchanged when every
 * compared attribute is equal, else changed. `ignore` names the bookkeeping attributes that never make
 * an item changed (`created_at`, `updated_at`). A null in the file and a missing attribute are equal.
 */
export function diffItem(incoming: Item, existing: Item | undefined, ignore: ReadonlySet<string>): ItemChange {
  if (!existing) return 'new';
  const names = new Set([...Object.keys(incoming), ...Object.keys(existing)]);
  for (const name of names) {
    if (ignore.has(name)) continue;
    const a = incoming[name];
    const b = existing[name];
    const aNull = a === undefined || a.NULL === true;
    const bNull = b === undefined || b.NULL === true;
    if (aNull && bNull) continue;
    if (!sameAttribute(a, b)) return 'changed';
  }
  return 'unchanged';
}
