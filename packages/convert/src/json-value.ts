import type { Field } from '@etl/schema';
import { isoMicros } from '@etl/schema';

/**
 * A value as JSON can carry it, losing nothing: timestamps as ISO-8601 with microseconds, 64-bit
 * integers beyond 2^53 and decimals as strings, bytes as base64, NaN/Infinity as strings, JSON columns
 * parsed. Nested values (Parquet lists, maps, structs) recursively.
 */
export function toJsonValue(value: unknown, field?: Field): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
      if (field?.type.kind === 'timestamp') return isoMicros(value);
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
      if (field?.type.kind === 'json') {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          return value;
        }
      }
      return value;
    case 'boolean':
      return value;
    default:
      break;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonValue(v)]));
}
