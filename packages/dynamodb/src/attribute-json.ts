import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { exactNumber } from './attribute-number.js';

/**
 * An attribute as JSON text, for nested values (maps, lists, sets) in a `json` column: maps as
 * objects, lists and sets as arrays, numbers as JSON numbers written with their exact digits (JSON
 * numbers are text; a reader that wants them exact can have them), binary as base64 strings. Pure.
 */
export function attributeJson(value: AttributeValue): string {
  return jsonOf(value);
}

function jsonOf(value: AttributeValue): string {
  if (value.S !== undefined) return JSON.stringify(value.S);
  if (value.N !== undefined) return numberJson(value.N);
  if (value.BOOL !== undefined) return value.BOOL ? 'true' : 'false';
  if (value.NULL !== undefined) return 'null';
  if (value.B !== undefined) return JSON.stringify(base64(value.B));
  if (value.SS !== undefined) return `[${value.SS.map((s) => JSON.stringify(s)).join(',')}]`;
  if (value.NS !== undefined) return `[${value.NS.map(numberJson).join(',')}]`;
  if (value.BS !== undefined) return `[${value.BS.map((b) => JSON.stringify(base64(b))).join(',')}]`;
  if (value.L !== undefined) return `[${value.L.map(jsonOf).join(',')}]`;
  if (value.M !== undefined)
    return `{${Object.entries(value.M)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonOf(v)}`)
      .join(',')}}`;
  throw new TypeError(`unknown DynamoDB attribute value: ${Object.keys(value).join(', ')}`);
}

function numberJson(text: string): string {
  const n = exactNumber(text);
  if (!n) throw new TypeError(`not a DynamoDB number: "${text}"`);
  return n.text;
}

/** Binary attribute values as base64 (the SDK gives `Uint8Array`s). */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
