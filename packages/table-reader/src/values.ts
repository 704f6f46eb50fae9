import { CastFailure, compileCaster, daysFromCivil, formatValue, type Field, type Value } from '@etl/schema';

const utf8 = new TextDecoder();
const INTEGER_KINDS = new Set(['smallint', 'int', 'bigint']);

/** A file's value (Parquet, as `@etl/parquet` reads it) as a value of the catalog's column, or why it cannot be. */
export type ValueConverter = (value: unknown) => Value | CastFailure;

/**
 * File column -> catalog column, decided once per file and column. Same kinds pass as they are
 * (integers widened or narrowed between number and bigint); other pairs go through the value's text
 * and the catalog type's cast, as Athena reads a file whose type drifted from the table's.
 */
export function valueConverter(from: Field, to: Field): ValueConverter {
  const kind = to.type.kind;
  if (kind === 'json') return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : jsonText(v));
  const cast = compileCaster(to);
  if (from.type.kind === kind && kind !== 'bigint' && kind !== 'smallint' && kind !== 'int') return (v) => plain(v);
  if (INTEGER_KINDS.has(from.type.kind) && INTEGER_KINDS.has(kind)) {
    if (kind === 'bigint') return (v) => (v === null || v === undefined ? null : BigInt(v as number | bigint));
    return (v) => {
      if (v === null || v === undefined) return null;
      const n = Number(v);
      return Number.isSafeInteger(n) ? cast(String(n)) : new CastFailure(`${to.name}: ${String(v)} does not fit ${kind}`);
    };
  }
  return (v) => {
    const value = plain(v);
    if (value === null) return null;
    return cast(formatValue(value, from, ''));
  };
}

/** Nested Parquet values (lists, maps, structs) as JSON text: 64-bit integers beyond 2^53 as strings, bytes as base64. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint')
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    return v;
  });
}

function plain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return utf8.decode(v);
  return v as Value;
}

const instantCaster = compileCaster({ name: 'updated_at', type: { kind: 'timestamp', withZone: true }, nullable: true });

/**
 * A row's change time in microseconds since the epoch, for windows and watermarks: timestamps as
 * they are, dates at midnight UTC, text through the timestamp cast (ISO 8601, offsets honoured).
 * `undefined` when the value is null or not a time.
 */
export function instantOf(value: Value, field: Field): bigint | undefined {
  if (value === null) return undefined;
  switch (field.type.kind) {
    case 'timestamp':
      return typeof value === 'bigint' ? value : undefined;
    case 'date': {
      const [y, m, d] = String(value).split('-').map(Number);
      return BigInt(daysFromCivil(y ?? 0, m ?? 0, d ?? 0)) * 86_400_000_000n;
    }
    case 'string': {
      const instant = instantCaster(String(value));
      return typeof instant === 'bigint' ? instant : undefined;
    }
    default:
      return undefined;
  }
}
