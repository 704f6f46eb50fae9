import type { CsvBytes } from '@etl/csv';
import { civilYmd, formatValue, int64Number, valueAt, type Column } from '@etl/schema';

/**
 * A writer of one column's value at row `r` as a CSV field into `out`, for a row that has a value
 * (nulls are the caller's). The text is exactly `formatValue(valueAt(column, r), column.field)`,
 * quoted as `CsvFormatter` would; numbers, dates and timestamps go from the typed arrays straight to
 * digits when the dialect lets plain values through; other values (and odd dialects) go through
 * the row form's `formatValue`. Made once per batch.
 */
export function columnFieldWriter(column: Column, out: CsvBytes): (row: number) => void {
  const { data, field } = column;
  const type = field.type;
  if (data.layout === 'text') {
    const values = data.values;
    return (r) => out.text(values[r] as string);
  }
  const text = (r: number): string => formatValue(valueAt(column, r), field);
  if (!out.plainIsSafe || data.layout === 'float64' || data.layout === 'boolean') return (r) => out.plain(text(r));
  if (data.layout === 'int32') {
    const values = data.values;
    if (type.kind === 'date') return (r) => writeDate(out, values[r] as number, text, r);
    if (type.kind === 'decimal') {
      const scale = type.scale;
      return (r) => writeDecimal(out, values[r] as number, scale);
    }
    return (r) => out.integer(values[r] as number);
  }
  const halves = data.halves;
  if (type.kind === 'timestamp') {
    const suffix = type.withZone ? '+00' : '';
    return (r) => {
      const micros = int64Number(halves, r);
      if (micros === undefined) out.plain(text(r));
      else writeTimestamp(out, micros, suffix);
    };
  }
  if (type.kind === 'decimal') {
    const scale = type.scale;
    return (r) => {
      const unscaled = int64Number(halves, r);
      if (unscaled === undefined) out.plain(text(r));
      else writeDecimal(out, unscaled, scale);
    };
  }
  return (r) => {
    const value = int64Number(halves, r);
    if (value === undefined) out.plain(text(r));
    else out.integer(value);
  };
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

/** `decimalText` as digits: the integer part, the point, the fraction zero-padded to the scale. */
function writeDecimal(out: CsvBytes, unscaled: number, scale: number): void {
  if (scale === 0) return out.integer(unscaled);
  const magnitude = Math.abs(unscaled);
  const unit = 10 ** scale; // exact for scales up to 22; int64 decimals have at most 18
  const fraction = magnitude % unit;
  if (unscaled < 0) out.byte(45);
  out.digits((magnitude - fraction) / unit);
  out.byte(46);
  out.digits(fraction, scale);
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff<suffix>` of microseconds, as `formatValue` writes it. Within 2^53
 * microseconds of 1970 (±285 years) the year always has four digits.
 */
function writeTimestamp(out: CsvBytes, micros: number, suffix: string): void {
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
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
  out.byte(46);
  out.digits(fraction, 6);
  if (suffix) out.plain(suffix);
}
