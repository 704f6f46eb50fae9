import { daysFromCivil, daysInMonth } from './calendar.js';
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
  /**
   * Texts that mean null in every column, compared after trimming (csvkit's defaults are `NA`, `N/A`,
   * `NONE`, `NULL`, `.`). Default none: only the empty field. In a NOT NULL column they are an error.
   */
  nullValues?: readonly string[];
  /** Decimal separator of numbers (default `.`; `,` for de-DE style `1,7`). */
  decimalSeparator?: '.' | ',';
  /** Thousands separator removed from numbers before parsing (`.` for `200.000.000`, `,`, ` `, `'`). */
  groupSeparator?: string;
}

export const INT_RANGE: Record<'smallint' | 'int', [number, number]> = { smallint: [-32768, 32767], int: [-2147483648, 2147483647] };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

const ok = (value: Value): CastResult => ({ ok: true, value });
const bad = (reason: string): CastResult => ({ ok: false, reason });

/** Why a value could not be cast; returned (not thrown) so a bad value costs no stack trace. */
export class CastFailure {
  constructor(readonly reason: string) {}
}

/** A compiled cast for one column: the typed value, or a `CastFailure`. */
export type Caster = (raw: string) => Value | CastFailure;

/** Casts one raw text value to its column's type. Never throws; numbers are never squeezed through floats. */
export function castValue(raw: string, field: Field, options: CastOptions = {}): CastResult {
  const result = compileCaster(field, options)(raw);
  return result instanceof CastFailure ? { ok: false, reason: result.reason } : { ok: true, value: result };
}

/**
 * The per-column cast, decided once (type, nullability, zone) so the hot path is one function call per
 * value with no allocation on success.
 */
export function compileCaster(field: Field, options: CastOptions = {}): Caster {
  const type = field.type;
  const emptyFailure = new CastFailure(`${field.name} must not be empty`);
  const empty = field.nullable ? null : emptyFailure;
  const convert = withNumberFormat(type, options, converter(type, options));
  const nulls = options.nullValues && options.nullValues.length > 0 ? new Set(options.nullValues) : undefined;
  const marked = (text: string) =>
    field.nullable ? null : new CastFailure(`${field.name} must not be null (got "${text}", a null marker)`);
  if (type.kind === 'string') {
    const emptyIsNull = options.emptyStringAsNull || !field.nullable;
    if (nulls) return (raw) => (raw === '' && emptyIsNull ? empty : nulls.has(raw.trim()) ? marked(raw) : raw);
    return (raw) => (raw === '' && emptyIsNull ? empty : raw);
  }
  const general: Caster = (raw) => {
    const text = raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
    if (text === '') return empty;
    return nulls?.has(text) ? marked(text) : convert(text);
  };
  // Most values are in the plain form: take it first, skipping the trim and null checks. Not with
  // null markers (a marker may look like a value) or locale number formats.
  const fast = nulls || options.groupSeparator || options.decimalSeparator === ',' ? undefined : fastPath(type, options);
  if (!fast) return general;
  return (raw) => {
    const value = fast(raw);
    return value === undefined ? general(raw) : value;
  };
}

/** A type's common plain form, or undefined for anything else (which the general path explains). */
function fastPath(type: FieldType, options: CastOptions): ((raw: string) => Value | undefined) | undefined {
  switch (type.kind) {
    case 'smallint':
    case 'int': {
      const [min, max] = INT_RANGE[type.kind];
      return (raw) => plainInt(raw, 0, raw.length, min, max);
    }
    case 'decimal':
      return (raw) => fastDecimal(raw, type.precision, type.scale);
    case 'double':
      return (raw) => plainNumber(raw);
    case 'boolean':
      return (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined);
    case 'timestamp':
      if ((options.timeZone ?? 'UTC') !== 'UTC') return undefined;
      return (raw) => {
        const micros = plainUtcMicros(raw);
        return micros === undefined ? undefined : BigInt(micros);
      };
    default:
      return undefined;
  }
}

const NUMERIC = new Set<FieldType['kind']>(['smallint', 'int', 'bigint', 'decimal', 'double']);

/** Locale number formats (`1.234,5`) rewritten to the plain form before the numeric converters. */
function withNumberFormat(
  type: FieldType,
  options: CastOptions,
  convert: (text: string) => Value | CastFailure,
): (text: string) => Value | CastFailure {
  const group = options.groupSeparator;
  const comma = options.decimalSeparator === ',';
  if (!NUMERIC.has(type.kind) || (!group && !comma)) return convert;
  return (text) => {
    let plain = group ? text.split(group).join('') : text;
    if (comma) plain = plain.replace(',', '.');
    return convert(plain);
  };
}

function converter(type: FieldType, options: CastOptions): (text: string) => Value | CastFailure {
  const toResult = (r: CastResult) => (r.ok ? r.value : new CastFailure(r.reason));
  switch (type.kind) {
    case 'string':
      return (text) => text;
    case 'smallint':
    case 'int':
      return (text) => castIntFast(text, type.kind as 'smallint' | 'int');
    case 'bigint':
      return (text) => toResult(castBigint(text));
    case 'decimal':
      return (text) => fastDecimal(text, type.precision, type.scale) ?? toResult(castDecimal(text, type));
    case 'double':
      return (text) => {
        const value = plainNumber(text);
        if (value !== undefined) return value;
        return DOUBLE.test(text) ? Number(text) : new CastFailure(`not a number: "${text}"`);
      };
    case 'boolean':
      return (text) => {
        if (text === 'true') return true;
        if (text === 'false') return false;
        const lower = text.toLowerCase();
        return TRUE.has(lower) ? true : FALSE.has(lower) ? false : new CastFailure(`not a boolean (true/false, yes/no, 1/0): "${text}"`);
      };
    case 'date':
      return (text) => toResult(castDate(text));
    case 'timestamp': {
      const timeZone = options.timeZone ?? 'UTC';
      return (text) => castTimestamp(text, timeZone);
    }
    case 'json':
      return (text) => {
        try {
          JSON.parse(text);
          return text;
        } catch (error) {
          return new CastFailure(`not valid JSON: ${(error as Error).message}`);
        }
      };
  }
}

const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `t[start..end)` as `[-]digits` within `min..max`, read without a regex or allocation; else
 * undefined. At most `maxLength` characters (9 keeps every int32 exact; up to 15 stays a safe integer).
 * (Spans rather than strings here and below: the CSV path reads values straight from the parsed chunk.)
 */
export function plainInt(t: string, start: number, end: number, min: number, max: number, maxLength = 9): number | undefined {
  const n = end - start;
  if (n === 0 || n > maxLength) return undefined;
  const negative = t.charCodeAt(start) === 45;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  if (negative) {
    if (n === 1) return undefined;
    value = 0 - value; // not -value: "-0" is 0, not -0
  }
  return value < min || value > max ? undefined : value;
}

/**
 * `Number(t[start..end))` when the text is plainly decimal (starts with a digit, a sign or a point,
 * ends with a digit, no hex/binary/octal prefix); else undefined and the regex decides. `Number`
 * alone would take `0x1f`, `Infinity` and surrounding spaces. Short decimals are read from the span
 * itself (`shortDecimal`); only the rest cut a string for `Number`.
 */
export function plainNumber(t: string, start = 0, end = t.length): number | undefined {
  const exact = shortDecimal(t, start, end);
  if (exact !== undefined) return exact;
  const first = t.charCodeAt(start);
  const last = t.charCodeAt(end - 1);
  if (end === start || last < 48 || last > 57) return undefined;
  if (!((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46)) return undefined;
  if (first === 48 && end - start > 2) {
    const second = t.charCodeAt(start + 1) | 0x20;
    if (second === 120 || second === 98 || second === 111) return undefined; // 0x 0b 0o
  }
  const value = Number(start === 0 && end === t.length ? t : t.slice(start, end));
  return Number.isNaN(value) ? undefined : value;
}

/** 10^0 .. 10^22: every one an exact double. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `[+-]digits[.digits]` (ending in a digit) with at most 15 significant digits and 22 decimals, read
 * without a string or a runtime call (`Number` costs ~300 ns a value). The digits make an integer
 * below 2^53 and 10^decimals is exact, so their quotient is one correctly rounded division: the
 * double `Number` gives (Clinger's fast path). Anything else is undefined (exponents, 16+ digits).
 */
function shortDecimal(t: string, start: number, end: number): number | undefined {
  const sign = t.charCodeAt(start);
  const signed = sign === 45 || sign === 43;
  // A point, a leading zero and 15 digits at most: longer texts (16+ digits, as in a printed
  // `Math.random()`, or many leading zeros) go to `Number` without being scanned twice.
  if (end - start > (signed ? 18 : 17)) return undefined;
  let i = signed ? start + 1 : start;
  let digits = 0;
  let significant = 0;
  let decimals = 0;
  let point = false;
  let value = 0;
  for (; i < end; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      digits++;
      if (point) decimals++;
      if (value === 0 && c === 0) continue; // a leading zero is not significant
      if (++significant > 15) return undefined;
      value = value * 10 + c;
    } else if (c === -2 && !point)
      point = true; // '.'
    else return undefined;
  }
  if (digits === 0 || decimals > 22 || t.charCodeAt(end - 1) === 46) return undefined;
  const magnitude = decimals === 0 ? value : value / (EXACT_POWERS_OF_TEN[decimals] as number);
  return sign === 45 ? -magnitude : magnitude;
}

/** Digits only, no regex: most integer columns hold short plain numbers. */
function castIntFast(text: string, kind: 'smallint' | 'int'): number | CastFailure {
  let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0;
  if (i === text.length || text.length - i > 10) return castInt(text, kind);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return new CastFailure(`not a whole number: "${text}"`);
  }
  const value = Number(text) + 0; // + 0: "-0" is the integer 0, not the float -0
  const [min, max] = INT_RANGE[kind];
  return value < min || value > max ? new CastFailure(`${text} is out of range for ${kind} (${min} to ${max})`) : value;
}

function castInt(text: string, kind: 'smallint' | 'int'): number | CastFailure {
  if (!/^[+-]?\d+$/.test(text)) return new CastFailure(`not a whole number: "${text}"`);
  const value = Number(text) + 0; // + 0: "-0" is the integer 0, not the float -0
  const [min, max] = INT_RANGE[kind];
  return value < min || value > max ? new CastFailure(`${text} is out of range for ${kind} (${min} to ${max})`) : value;
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
    if (/[^0]/.test(fraction.slice(type.scale)))
      return bad(`${text} has ${fraction.length} decimal places; decimal(${type.precision},${type.scale}) keeps ${type.scale}`);
    fraction = fraction.slice(0, type.scale);
  }
  if (integer.replace(/^0$/, '').length > type.precision - type.scale)
    return bad(`${text} does not fit decimal(${type.precision},${type.scale})`);
  const scaled = type.scale > 0 ? `${integer}.${fraction.padEnd(type.scale, '0')}` : integer;
  return ok(/^[0.]+$/.test(scaled) ? scaled : sign + scaled);
}

/**
 * The common shape `[-]digits[.digits]` that fits as written, scanned without a regex or result
 * object; anything else (exponents, too many places, overflow, junk) returns undefined and takes
 * `castDecimal`, which explains the problem.
 */
function fastDecimal(text: string, precision: number, scale: number): string | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const intEnd = i;
  let fracStart = n;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return undefined;
    fracStart = ++i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i !== n) return undefined;
  }
  const fraction = n - fracStart;
  if (fraction > scale || intEnd === intStart) return undefined;
  let lead = intStart;
  while (lead < intEnd - 1 && text.charCodeAt(lead) === 48) lead++;
  const integer = text.slice(lead, intEnd);
  if (integer.length > precision - scale && integer !== '0') return undefined;
  const digits = scale === 0 ? integer : `${integer}.${text.slice(fracStart, n)}${fraction < scale ? '0'.repeat(scale - fraction) : ''}`;
  // -0.00 is 0.00
  if (intStart === 1 && /^[0.]+$/.test(digits)) return digits;
  return intStart === 1 ? `-${digits}` : digits;
}

function castDate(text: string): CastResult {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!match) return bad(`not a date (YYYY-MM-DD): "${text}"`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!validDay(y, m, d)) return bad(`not a calendar date: "${text}"`);
  return ok(`${match[1]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

const TIMESTAMP =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * -> microseconds since the epoch, UTC, as bigint. An explicit offset wins over `timeZone`.
 * Calendar arithmetic instead of `Date` objects, and one BigInt conversion: this runs per value.
 */
function castTimestamp(text: string, timeZone: string): bigint | CastFailure {
  const fast = timeZone === 'UTC' ? plainUtcMicros(text) : undefined;
  if (fast !== undefined) return BigInt(fast);
  const match = TIMESTAMP.exec(text);
  if (!match) return new CastFailure(`not a timestamp (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|±HH:MM]): "${text}"`);
  const y = +(match[1] as string);
  const mo = +(match[2] as string);
  const d = +(match[3] as string);
  const h = match[4] === undefined ? 0 : +match[4];
  const mi = match[5] === undefined ? 0 : +match[5];
  const s = match[6] === undefined ? 0 : +match[6];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
    return new CastFailure(`not a valid date and time: "${text}"`);
  const digits = match[7];
  let micros = 0;
  if (digits !== undefined) {
    if (digits.length > 6 && /[^0]/.test(digits.slice(6))) return new CastFailure(`${text} is more precise than microseconds`);
    micros = +digits.slice(0, 6).padEnd(6, '0');
  }
  const wallMs = (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1000;
  const offsetMinutes = match[8] ? parseOffset(match[8]) : zoneOffsetMinutes(timeZone, wallMs);
  if (offsetMinutes === undefined) return new CastFailure(`unknown time zone "${timeZone}"`);
  const total = (wallMs - offsetMinutes * 60_000) * 1000 + micros;
  // Exact as a double within ±285 years of 1970; beyond that, compose in BigInt.
  return Number.isSafeInteger(total) ? BigInt(total) : BigInt(wallMs - offsetMinutes * 60_000) * 1000n + BigInt(micros);
}

/**
 * The common shape `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z]` read digit by digit, every character read
 * once; anything else (offsets, short forms, slashes, invalid values, spaces) returns undefined and
 * takes the general path. Runs per value: no regex, no substring, no BigInt (microseconds as a safe
 * integer: within ±285 years of 1970, else undefined too). Reads `t[start..end)`.
 */
export function plainUtcMicros(t: string, start = 0, end = t.length): number | undefined {
  if (end - start < 19) return undefined;
  if (
    t.charCodeAt(start + 4) !== 45 ||
    t.charCodeAt(start + 7) !== 45 ||
    t.charCodeAt(start + 13) !== 58 ||
    t.charCodeAt(start + 16) !== 58
  )
    return undefined;
  const sep = t.charCodeAt(start + 10);
  if (sep !== 32 && sep !== 84) return undefined;
  const y = digit(t, start) * 1000 + digit(t, start + 1) * 100 + digit(t, start + 2) * 10 + digit(t, start + 3);
  const mo = digit(t, start + 5) * 10 + digit(t, start + 6);
  const d = digit(t, start + 8) * 10 + digit(t, start + 9);
  const h = digit(t, start + 11) * 10 + digit(t, start + 12);
  const mi = digit(t, start + 14) * 10 + digit(t, start + 15);
  const s = digit(t, start + 17) * 10 + digit(t, start + 18);
  // A non-digit reads as 100000 (see `digit`): whatever its place, the range checks below reject it.
  if (y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  if (d > 28 && d > daysInMonth(y, mo)) return undefined;
  let i = start + 19;
  let micros = 0;
  if (i < end && (t.charCodeAt(i) === 46 || t.charCodeAt(i) === 44)) {
    const first = ++i;
    for (; i < end && i < first + 6; i++) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      micros = micros * 10 + c;
    }
    if (i === first || (i < end && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57)) return undefined; // no digits, or more than 6
    micros *= POWERS_OF_TEN[6 - (i - first)] as number;
  }
  if (i < end && (t.charCodeAt(i) === 90 || t.charCodeAt(i) === 122)) i++;
  if (i !== end) return undefined;
  const total = (epochDay(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1000 * 1000 + micros;
  return Number.isSafeInteger(total) ? total : undefined;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/** The digit at `i`, or 100000 for any other character: a sum of digits holding one fails every range check. */
function digit(t: string, i: number): number {
  const c = t.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : 100_000;
}

/** The last date seen and its day number: timestamps in a file mostly share their date. */
let cachedDateKey = -1;
let cachedDays = 0;

function epochDay(y: number, mo: number, d: number): number {
  const key = y * 10_000 + mo * 100 + d;
  if (key !== cachedDateKey) {
    cachedDateKey = key;
    cachedDays = daysFromCivil(y, mo, d);
  }
  return cachedDays;
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
      zoneFormats.set(
        timeZone,
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        }),
      );
    } catch {
      zoneFormats.set(timeZone, undefined);
    }
  }
  const format = zoneFormats.get(timeZone);
  if (!format) return undefined;
  const offsetAt = (utcMs: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(
      Number(parts['year']),
      Number(parts['month']) - 1,
      Number(parts['day']),
      Number(parts['hour']),
      Number(parts['minute']),
      Number(parts['second']),
    );
    return Math.round((asUtc - utcMs) / 60_000);
  };
  const first = offsetAt(wallMs);
  return offsetAt(wallMs - first * 60_000);
}

function validDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}
