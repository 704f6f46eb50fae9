import type { RecordError } from '@etl/core';
import type { CsvBatch } from '@etl/csv';
import { daysFromCivil, daysInMonth } from './calendar.js';
import { castProblem, type CastPlan, type CastProblem } from './cast-stage.js';
import { CastFailure, INT_RANGE, plainInt, plainNumber, plainUtcMicros, type CastOptions, type Caster } from './cast.js';
import { allocateColumns, setInt64, setValue, type Column, type ColumnBatch, type ColumnData } from './column-batch.js';
import type { Field } from './types.js';

/**
 * Writes one raw text value into slot `row` of its column through the row caster (`compileCaster`);
 * returns why it could not, or undefined.
 */
export type ColumnWriter = (raw: string, column: Column, row: number) => CastFailure | undefined;

/**
 * Stores the type's common plain form of `t[start..end)` straight into the typed array, without
 * allocation; false for anything else. A span, not a string: CSV values are read from the parsed chunk.
 */
export type PlainWriter = (t: string, start: number, end: number, data: ColumnData, row: number) => boolean;

/**
 * Per column, a plain writer (where the type has one under these options) tried first, and the
 * general writer for the rest, so both paths accept, reject and normalise exactly the same texts.
 */
export interface ColumnCastPlan extends CastPlan {
  plainWriters: Array<PlainWriter | undefined>;
  writers: ColumnWriter[];
}

export function columnCastPlan(plan: CastPlan, options: CastOptions = {}): ColumnCastPlan {
  // Null markers may look like values and locale numbers are not plain: those go the general way.
  const plain = !(options.nullValues?.length || options.groupSeparator || options.decimalSeparator === ',');
  return {
    ...plan,
    plainWriters: plan.fields.map((f) => (plain ? plainWriter(f, options) : undefined)),
    writers: plan.casters.map((caster) => generalWriter(caster)),
  };
}

/**
 * Parsed records -> one column batch, bad records -> `RecordError`s (the same ones `castRecord`
 * returns). Plain values are read from the batch's spans without a string being made.
 * Memory: one typed slot per value of the batch; nothing is kept between calls.
 */
export function castColumns(plan: ColumnCastPlan, records: CsvBatch, file?: string): { batch: ColumnBatch; rejects: RecordError[] } {
  const { fields, indexes, plainWriters, writers } = plan;
  const { text, bounds, first, strings } = records;
  const columns = allocateColumns(fields, records.length);
  const rejects: RecordError[] = [];
  let row = 0;
  for (let r = 0; r < records.length; r++) {
    const firstField = first[r] as number;
    const fieldCount = (first[r + 1] as number) - firstField;
    let problems: CastProblem[] | undefined;
    for (let c = 0; c < fields.length; c++) {
      const index = indexes[c] as number;
      // The field as a span of `t`: of the chunk, or of the string the parser had to make.
      let t = text;
      let start = 0;
      let end = 0;
      if (index !== -1 && index < fieldCount) {
        const at = 2 * (firstField + index);
        start = bounds[at] as number;
        end = bounds[at + 1] as number;
        if (start === -1) {
          t = strings[end] as string;
          start = 0;
          end = t.length;
        }
      }
      const column = columns[c] as Column;
      const plain = plainWriters[c];
      if (plain !== undefined && plain(t, start, end, column.data, row)) {
        column.valid[row] = 1;
        continue;
      }
      const raw = textOf(t, start, end);
      const failure = (writers[c] as ColumnWriter)(raw, column, row);
      if (failure) (problems ??= []).push({ field: fields[c] as Field, reason: failure.reason, raw });
    }
    // A rejected record's slots are simply overwritten by the next one.
    if (problems) rejects.push(castProblem(problems, file, records.line(r)));
    else row++;
  }
  return { batch: { length: row, columns }, rejects };
}

function generalWriter(caster: Caster): ColumnWriter {
  return (raw, column, row) => {
    const value = caster(raw);
    if (value instanceof CastFailure) return value;
    setValue(column, row, value);
    return undefined;
  };
}

function plainWriter(field: Field, options: CastOptions): PlainWriter | undefined {
  const type = field.type;
  switch (type.kind) {
    case 'smallint':
    case 'int': {
      const [min, max] = INT_RANGE[type.kind];
      return (t, start, end, data, row) => {
        const v = plainInt(t, start, end, min, max);
        if (v === undefined) return false;
        (data.values as Int32Array)[row] = v;
        return true;
      };
    }
    case 'bigint':
      return (t, start, end, data, row) => {
        const v = plainInt(t, start, end, -Infinity, Infinity, 15);
        if (v === undefined) return false;
        setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    case 'timestamp':
      if ((options.timeZone ?? 'UTC') !== 'UTC') return undefined;
      return (t, start, end, data, row) => {
        const v = plainUtcMicros(t, start, end);
        if (v === undefined) return false;
        setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    case 'decimal': {
      const { precision, scale } = type;
      if (precision > 18) return undefined;
      return (t, start, end, data, row) => {
        const v = plainUnscaled(t, start, end, precision, scale);
        if (v === undefined) return false;
        if (data.layout === 'int32') data.values[row] = v;
        else setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    }
    case 'double':
      return (t, start, end, data, row) => {
        const v = plainNumber(t, start, end);
        if (v === undefined) return false;
        (data.values as Float64Array)[row] = v;
        return true;
      };
    case 'boolean':
      return (t, start, end, data, row) => {
        const value = plainBoolean(t, start, end);
        if (value === -1) return false;
        (data.values as Uint8Array)[row] = value;
        return true;
      };
    case 'string':
      // The empty string is null or a failure depending on the field: the row caster decides.
      return (t, start, end, data, row) => {
        if (end === start) return false;
        (data.values as string[])[row] = textOf(t, start, end);
        return true;
      };
    case 'date':
      return (t, start, end, data, row) => {
        const v = plainDate(t, start, end);
        if (v === undefined) return false;
        (data.values as Int32Array)[row] = v;
        return true;
      };
    default:
      return undefined;
  }
}

/** `t[start..end)` as a string; `t` itself when the span is all of it. */
function textOf(t: string, start: number, end: number): string {
  return start === 0 && end === t.length ? t : t.slice(start, end);
}

/** `true` -> 1, `false` -> 0, else -1 (the row caster takes other spellings). */
function plainBoolean(t: string, start: number, end: number): number {
  const n = end - start;
  if (n === 4 && t.charCodeAt(start) === 116 && t.charCodeAt(start + 1) === 114 && t.charCodeAt(start + 2) === 117 && t.charCodeAt(start + 3) === 101) return 1;
  if (n === 5 && t.charCodeAt(start) === 102 && t.charCodeAt(start + 1) === 97 && t.charCodeAt(start + 2) === 108 && t.charCodeAt(start + 3) === 115 && t.charCodeAt(start + 4) === 101) return 0;
  return -1;
}

/** `YYYY-MM-DD` with valid digits and day -> days since 1970-01-01; else undefined. */
function plainDate(t: string, start: number, end: number): number | undefined {
  if (end - start !== 10 || t.charCodeAt(start + 4) !== 45 || t.charCodeAt(start + 7) !== 45) return undefined;
  let y = 0;
  for (let i = start; i < start + 4; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    y = y * 10 + c;
  }
  const m0 = t.charCodeAt(start + 5) - 48;
  const m1 = t.charCodeAt(start + 6) - 48;
  const d0 = t.charCodeAt(start + 8) - 48;
  const d1 = t.charCodeAt(start + 9) - 48;
  if (m0 < 0 || m0 > 9 || m1 < 0 || m1 > 9 || d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9) return undefined;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/**
 * `t[start..end)` as `[-]digits[.digits]` -> the unscaled integer at `scale` (`12.3` at scale 4 ->
 * 123000), when it fits `precision` and is a safe integer; else undefined (the row caster explains or
 * handles the rest: exponents, extra trailing zeros, leading points).
 */
export function plainUnscaled(t: string, start: number, end: number, precision: number, scale: number): number | undefined {
  const negative = t.charCodeAt(start) === 45;
  let i = negative ? start + 1 : start;
  const intStart = i;
  let value = 0;
  let integerDigits = 0;
  for (; i < end; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    if (value > 0) integerDigits++;
  }
  if (i === intStart || integerDigits > precision - scale) return undefined;
  let fraction = 0;
  if (i < end) {
    if (t.charCodeAt(i) !== 46) return undefined;
    for (i++; i < end; i++, fraction++) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9 || fraction === scale) return undefined;
      value = value * 10 + c;
    }
  }
  for (; fraction < scale; fraction++) value *= 10;
  // The value only grows while digits are read: safe at the end means exact all along.
  if (value > Number.MAX_SAFE_INTEGER) return undefined;
  return negative ? 0 - value : value;
}
