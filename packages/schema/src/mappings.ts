import { civilDate } from './calendar.js';
import type { Value } from './cast.js';
import type { Field, FieldType } from './types.js';

/**
 * Each type mapping lives here, once: Redshift DDL, Parquet column types, DynamoDB attribute values,
 * and text for CSV staging. Pure.
 */

/** Redshift column type for DDL. Strings without a known length get 256 bytes (seed 003), at most 65535. */
export function redshiftType(type: FieldType): string {
  switch (type.kind) {
    case 'string':
      return `VARCHAR(${Math.min(65535, Math.max(1, type.maxLength ?? 256))})`;
    case 'smallint':
      return 'SMALLINT';
    case 'int':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'double':
      return 'DOUBLE PRECISION';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return type.withZone ? 'TIMESTAMPTZ' : 'TIMESTAMP';
    case 'json':
      return 'SUPER';
  }
}

export type ParquetPhysical = 'BOOLEAN' | 'INT32' | 'INT64' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

export interface ParquetColumnType {
  physical: ParquetPhysical;
  /** Logical type annotation, as the Parquet format names it. */
  logical?:
    | { type: 'STRING' }
    | { type: 'JSON' }
    | { type: 'DATE' }
    | { type: 'INTEGER'; bitWidth: 16 | 32 | 64; signed: true }
    | { type: 'DECIMAL'; precision: number; scale: number }
    | { type: 'TIMESTAMP'; unit: 'MICROS'; isAdjustedToUTC: boolean };
  /** For FIXED_LEN_BYTE_ARRAY. */
  typeLength?: number;
}

/** Parquet column type: decimals as INT32/INT64/fixed bytes by precision (exact), timestamps as UTC micros. */
export function parquetType(type: FieldType): ParquetColumnType {
  switch (type.kind) {
    case 'string':
      return { physical: 'BYTE_ARRAY', logical: { type: 'STRING' } };
    case 'smallint':
      return { physical: 'INT32', logical: { type: 'INTEGER', bitWidth: 16, signed: true } };
    case 'int':
      return { physical: 'INT32' };
    case 'bigint':
      return { physical: 'INT64' };
    case 'decimal': {
      const logical = { type: 'DECIMAL' as const, precision: type.precision, scale: type.scale };
      if (type.precision <= 9) return { physical: 'INT32', logical };
      if (type.precision <= 18) return { physical: 'INT64', logical };
      return { physical: 'FIXED_LEN_BYTE_ARRAY', logical, typeLength: decimalBytes(type.precision) };
    }
    case 'double':
      return { physical: 'DOUBLE' };
    case 'boolean':
      return { physical: 'BOOLEAN' };
    case 'date':
      return { physical: 'INT32', logical: { type: 'DATE' } };
    case 'timestamp':
      // Values are UTC instants whether or not the source carried a zone.
      return { physical: 'INT64', logical: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true } };
    case 'json':
      return { physical: 'BYTE_ARRAY', logical: { type: 'JSON' } };
  }
}

/** Smallest two's-complement byte width that holds every `precision`-digit unscaled value. */
export function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision);
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) < max) bytes++;
  return bytes;
}

/** A DynamoDB attribute value. Numbers go as exact decimal strings, never through floats. */
export type AttributeValue = { S: string } | { N: string } | { BOOL: boolean } | { NULL: true };

/** The DynamoDB type a column's values are written as (`toAttributeValue`). */
export function attributeKindOf(type: FieldType): 'N' | 'BOOL' | 'S' {
  switch (type.kind) {
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'decimal':
    case 'double':
      return 'N';
    case 'boolean':
      return 'BOOL';
    default:
      return 'S';
  }
}

export function toAttributeValue(value: Value, type: FieldType): AttributeValue {
  if (value === null) return { NULL: true };
  switch (attributeKindOf(type)) {
    case 'N':
      return { N: type.kind === 'double' ? numberText(value as number) : String(value) };
    case 'BOOL':
      return { BOOL: value as boolean };
    default:
      return { S: type.kind === 'timestamp' ? isoMicros(value as bigint) : String(value) };
  }
}

/** Text for CSV staging and COPY (`NULL` is the loader's null marker, by default `\N`). */
export function formatValue(value: Value, field: Field, nullMarker = '\\N'): string {
  if (value === null) return nullMarker;
  if (field.type.kind === 'timestamp') return microsText(value as bigint, ' ', field.type.withZone ? '+00' : '');
  if (field.type.kind === 'double') return numberText(value as number);
  return String(value);
}

/**
 * The same decimal or time in fewer characters: a fraction's trailing zeros dropped, and its point
 * when none is left (`1.2500` -> `1.25`, `3.000` -> `3`, `12:00:00.000000` -> `12:00:00`,
 * `00.500000+00` -> `00.5+00`). For COPY staging, where every byte is read again.
 */
export function trimFraction(text: string): string {
  const point = text.lastIndexOf('.');
  if (point === -1) return text;
  let end = point + 1;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  let cut = end;
  while (cut > point + 1 && text.charCodeAt(cut - 1) === 48) cut--;
  if (cut === point + 1) cut = point;
  return cut === end ? text : text.slice(0, cut) + text.slice(end);
}

/** `2026-11-01T00:15:00.123456Z` from microseconds since the epoch. */
export function isoMicros(micros: bigint): string {
  return microsText(micros, 'T', 'Z');
}

/**
 * `YYYY-MM-DD<sep>HH:MM:SS.ffffff<suffix>`. Runs per value when staging or exporting: plain number
 * arithmetic instead of BigInt division and a `Date` per value; values beyond
 * ±285 years of 1970 (not exact as doubles) take the BigInt path.
 */
function microsText(micros: bigint, sep: string, suffix: string): string {
  const m = Number(micros);
  if (!Number.isSafeInteger(m)) return bigMicrosText(micros, sep, suffix);
  const fraction = ((m % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = (m - fraction) / 1_000_000;
  const day = Math.floor(seconds / 86_400);
  const inDay = seconds - day * 86_400;
  const h = Math.floor(inDay / 3600);
  const mi = Math.floor((inDay % 3600) / 60);
  const sec = inDay % 60;
  return `${civilDate(day)}${sep}${h < 10 ? '0' : ''}${h}:${mi < 10 ? '0' : ''}${mi}:${sec < 10 ? '0' : ''}${sec}.${String(fraction).padStart(6, '0')}${suffix}`;
}

function bigMicrosText(micros: bigint, sep: string, suffix: string): string {
  const rest = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const seconds = (micros - rest) / 1_000_000n; // floor, also before 1970
  const iso = new Date(Number(seconds) * 1000).toISOString(); // years past 9999 are `+010000-…`
  const t = iso.indexOf('T');
  return `${iso.slice(0, t)}${sep}${iso.slice(t + 1, t + 9)}.${String(rest).padStart(6, '0')}${suffix}`;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be stored as a number`);
  return String(value);
}
