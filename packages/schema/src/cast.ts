import type { Field, FieldType } from './types.js';

/**
 * A typed value: strings; numbers for smallint, int and double; `bigint` for bigint and for
 * timestamps (microseconds since the epoch, UTC); exact decimal strings scaled to the column
 * (`'12.3400'` for decimal(10,4)); `YYYY-MM-DD` strings for dates; booleans; validated JSON text.
 */
export type Value = string | number | bigint | boolean | null;

export type CastResult = { ok: true; value: Value } | { ok: false; reason: string };

export interface CastOptions {
  /** IANA zone that timestamps without an offset are read in (default `UTC`). */
  timeZone?: string;
  /**
   * An empty string in a nullable string column becomes null (default: it stays ''). Other types:
   * empty is always null. In a NOT NULL column (keys) empty is always an error.
   */
  emptyStringAsNull?: boolean;
}

const INT_RANGE: Record<'smallint' | 'int', [number, number]> = { smallint: [-32768, 32767], int: [-2147483648, 2147483647] };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

const ok = (value: Value): CastResult => ({ ok: true, value });
const bad = (reason: string): CastResult => ({ ok: false, reason });

/** Casts one raw text value to its column's type. Never throws; numbers are never squeezed through floats. */
export function castValue(raw: string, field: Field, options: CastOptions = {}): CastResult {
  const type = field.type;
  const text = type.kind === 'string' ? raw : raw.trim();
  if (text === '' && (type.kind !== 'string' || options.emptyStringAsNull || !field.nullable)) {
    return field.nullable ? ok(null) : bad(`${field.name} must not be empty`);
  }
  switch (type.kind) {
    case 'string':
      return ok(text);
    case 'smallint':
    case 'int':
      return castInt(text, type.kind);
    case 'bigint':
      return castBigint(text);
    case 'decimal':
      return castDecimal(text, type);
    case 'double':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? ok(Number(text)) : bad(`not a number: "${text}"`);
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? ok(true) : FALSE.has(lower) ? ok(false) : bad(`not a boolean (true/false, yes/no, 1/0): "${text}"`);
    }
    case 'date':
      return castDate(text);
    case 'timestamp':
      return castTimestamp(text, options.timeZone ?? 'UTC');
    case 'json':
      try {
        JSON.parse(text);
        return ok(text);
      } catch (error) {
        return bad(`not valid JSON: ${(error as Error).message}`);
      }
  }
}

function castInt(text: string, kind: 'smallint' | 'int'): CastResult {
  if (!/^[+-]?\d+$/.test(text)) return bad(`not a whole number: "${text}"`);
  const value = Number(text);
  const [min, max] = INT_RANGE[kind];
  return value < min || value > max ? bad(`${text} is out of range for ${kind} (${min} to ${max})`) : ok(value);
}

function castBigint(text: string): CastResult {
  if (!/^[+-]?\d+$/.test(text)) return bad(`not a whole number: "${text}"`);
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? bad(`${text} is out of range for bigint`) : ok(value);
}

/** Exact: digits are kept as text, scaled to the column; extra non-zero decimals are an error, not rounding. */
function castDecimal(text: string, type: Extract<FieldType, { kind: 'decimal' }>): CastResult {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return bad(`not a decimal number: "${text}"`);
  const sign = match[1] === '-' ? '-' : '';
  const integer = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  let fraction = match[3] ?? '';
  if (fraction.length > type.scale) {
    if (/[^0]/.test(fraction.slice(type.scale))) return bad(`${text} has ${fraction.length} decimal places; decimal(${type.precision},${type.scale}) keeps ${type.scale}`);
    fraction = fraction.slice(0, type.scale);
  }
  if (integer.replace(/^0$/, '').length > type.precision - type.scale) return bad(`${text} does not fit decimal(${type.precision},${type.scale})`);
  const scaled = type.scale > 0 ? `${integer}.${fraction.padEnd(type.scale, '0')}` : integer;
  return ok(/^[0.]+$/.test(scaled) ? scaled : sign + scaled);
}

function castDate(text: string): CastResult {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!match) return bad(`not a date (YYYY-MM-DD): "${text}"`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!validDay(y, m, d)) return bad(`not a calendar date: "${text}"`);
  return ok(`${match[1]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

const TIMESTAMP = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** -> microseconds since the epoch, UTC, as bigint. An explicit offset wins over `timeZone`. */
function castTimestamp(text: string, timeZone: string): CastResult {
  const match = TIMESTAMP.exec(text);
  if (!match) return bad(`not a timestamp (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH:MM]): "${text}"`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return bad(`not a valid date and time: "${text}"`);
  const digits = match[7] ?? '';
  if (digits.length > 6 && /[^0]/.test(digits.slice(6))) return bad(`${text} is more precise than microseconds`);
  const micros = BigInt(digits.slice(0, 6).padEnd(6, '0'));
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetMinutes = match[8] ? parseOffset(match[8]) : zoneOffsetMinutes(timeZone, wallMs);
  if (offsetMinutes === undefined) return bad(`unknown time zone "${timeZone}"`);
  return ok(BigInt(wallMs - offsetMinutes * 60_000) * 1000n + micros);
}

function parseOffset(text: string): number {
  if (/^(z|utc)$/i.test(text)) return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | undefined>();

/** The zone's UTC offset (minutes) for a wall-clock time; two passes settle DST edges. */
function zoneOffsetMinutes(timeZone: string, wallMs: number): number | undefined {
  if (timeZone === 'UTC') return 0;
  if (!zoneFormats.has(timeZone)) {
    try {
      zoneFormats.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }));
    } catch {
      zoneFormats.set(timeZone, undefined);
    }
  }
  const format = zoneFormats.get(timeZone);
  if (!format) return undefined;
  const offsetAt = (utcMs: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
    return Math.round((asUtc - utcMs) / 60_000);
  };
  const first = offsetAt(wallMs);
  return offsetAt(wallMs - first * 60_000);
}

function validDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
