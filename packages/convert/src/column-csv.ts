import type { CsvBytes } from '@etl/csv';
import { civilYmd, formatValue, int64Number, trimFraction, valueAt, type Column, type Field } from '@etl/schema';

/** Whether `trimFractionZeros` applies to the field: decimals and timestamps. */
export function hasFraction(field: Field): boolean {
  return field.type.kind === 'decimal' || field.type.kind === 'timestamp';
}

/**
 * A writer of one column's value at row `r` as a CSV field into `out`, for a row that has a value
 * (nulls are the caller's). The text is exactly `formatValue(valueAt(column, r), column.field)`
 * (through `trimFraction` with `trim`), quoted as `CsvFormatter` would; numbers, dates and timestamps
 * go from the typed arrays straight to digits when the dialect lets plain values through; other
 * values (and odd dialects) go through the row form's `formatValue`. Made once per batch.
 */
export function columnFieldWriter(column: Column, out: CsvBytes, trimFractionZeros = false): (row: number) => void {
  const { data, field } = column;
  const type = field.type;
  const trim = trimFractionZeros && hasFraction(field);
  if (data.layout === 'text') {
    const values = data.values;
    if (trim && type.kind === 'decimal' && out.plainIsSafe) return (r) => writeTrimmedDecimalText(out, values[r] as string);
    if (trim) return (r) => out.text(trimFraction(values[r] as string));
    return (r) => out.text(values[r] as string);
  }
  const text = trim
    ? (r: number): string => trimFraction(formatValue(valueAt(column, r), field))
    : (r: number): string => formatValue(valueAt(column, r), field);
  if (!out.plainIsSafe || data.layout === 'float64' || data.layout === 'boolean') return (r) => out.plain(text(r));
  if (data.layout === 'int32') {
    const values = data.values;
    if (type.kind === 'date') return (r) => writeDate(out, values[r] as number, text, r);
    if (type.kind === 'decimal') {
      const scale = type.scale;
      return (r) => writeDecimal(out, values[r] as number, scale, trim);
    }
    return (r) => out.integer(values[r] as number);
  }
  const halves = data.halves;
  if (type.kind === 'timestamp') {
    const suffix = type.withZone ? '+00' : '';
    return (r) => {
      const micros = int64Number(halves, r);
      if (micros === undefined) out.plain(text(r));
      else writeTimestamp(out, micros, suffix, trim);
    };
  }
  if (type.kind === 'decimal') {
    const scale = type.scale;
    return (r) => {
      const unscaled = int64Number(halves, r);
      if (unscaled === undefined) out.plain(text(r));
      else writeDecimal(out, unscaled, scale, trim);
    };
  }
  return (r) => {
    const value = int64Number(halves, r);
    if (value === undefined) out.plain(text(r));
    else out.integer(value);
  };
}

/**
 * A wide decimal's text (`-?digits[.digits]`) without its fraction's trailing zeros: a prefix of it,
 * copied as is: `trimFraction`'s cut for the text it handles most, without the new string per value
 * it made (and the copy then flattened): 0.4 s per million DECIMAL(38,18) values staged for COPY.
 */
function writeTrimmedDecimalText(out: CsvBytes, text: string): void {
  const last = text.charCodeAt(text.length - 1);
  const point = text.indexOf('.');
  if (point === -1 || last < 48 || last > 57) return out.plain(trimFraction(text));
  let end = text.length;
  while (end > point + 1 && text.charCodeAt(end - 1) === 48) end--;
  out.plainPrefix(text, end === point + 1 ? point : end);
}

/** `civilDate` as digits for years 0..9999 (four digits wide); other years through the column's text. */
function writeDate(out: CsvBytes, day: number, text: (row: number) => string, row: number): void {
  const ymd = civilYmd(day);
  if (ymd < 0 || ymd >= 100_000_000) return out.plain(text(row));
  writeYmd(out, ymd);
}

/** `YYYY-MM-DD` of a packed `civilYmd` whose year is 0..9999. */
function writeYmd(out: CsvBytes, ymd: number): void {
  const md = ymd % 10_000;
  out.digits((ymd - md) / 10_000, 4);
  out.byte(45);
  out.digits((md - (md % 100)) / 100, 2);
  out.byte(45);
  out.digits(md % 100, 2);
}

/**
 * `decimalText` as digits: the integer part, the point, the fraction zero-padded to the scale (with
 * `trim`, without its trailing zeros, and without the point when nothing is left: `trimFraction`).
 */
function writeDecimal(out: CsvBytes, unscaled: number, scale: number, trim: boolean): void {
  if (scale === 0) return out.integer(unscaled);
  const magnitude = Math.abs(unscaled);
  const unit = 10 ** scale; // exact for scales up to 22; int64 decimals have at most 18
  let fraction = magnitude % unit;
  if (unscaled < 0) out.byte(45);
  out.digits((magnitude - fraction) / unit);
  let places = scale;
  if (trim) {
    if (fraction === 0) return;
    while (fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
  }
  out.byte(46);
  out.digits(fraction, places);
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff<suffix>` of microseconds, as `formatValue` writes it (with `trim`, the
 * fraction as `trimFraction` leaves it). Within 2^53 microseconds of 1970 (±285 years) the year
 * always has four digits.
 */
function writeTimestamp(out: CsvBytes, micros: number, suffix: string, trim: boolean): void {
  let fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = (micros - fraction) / 1_000_000;
  const day = Math.floor(seconds / 86_400);
  const inDay = seconds - day * 86_400;
  writeYmd(out, civilYmd(day));
  out.byte(32);
  const minutes = (inDay - (inDay % 60)) / 60;
  out.digits((minutes - (minutes % 60)) / 60, 2);
  out.byte(58);
  out.digits(minutes % 60, 2);
  out.byte(58);
  out.digits(inDay % 60, 2);
  let places = 6;
  if (trim) {
    while (fraction !== 0 && fraction % 10 === 0) {
      fraction /= 10;
      places--;
    }
  }
  if (!trim || fraction !== 0) {
    out.byte(46);
    out.digits(fraction, places);
  }
  if (suffix) out.plain(suffix);
}
