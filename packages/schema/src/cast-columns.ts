import type { RecordError } from '@etl/core';
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

/** Stores the type's common plain form straight into the typed array, without allocation; false for anything else. */
export type PlainWriter = (raw: string, data: ColumnData, row: number) => boolean;

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

export interface RecordLike {
  fields: readonly string[];
  line: number;
}

/**
 * Records -> one column batch, bad records -> `RecordError`s (the same ones `castRecord` returns).
 * Memory: one typed slot per value of the batch; nothing is kept between calls.
 */
export function castColumns(plan: ColumnCastPlan, records: readonly RecordLike[], file?: string): { batch: ColumnBatch; rejects: RecordError[] } {
  const { fields, indexes, plainWriters, writers } = plan;
  const columns = allocateColumns(fields, records.length);
  const rejects: RecordError[] = [];
  let row = 0;
  for (const record of records) {
    let problems: CastProblem[] | undefined;
    for (let c = 0; c < fields.length; c++) {
      const index = indexes[c] as number;
      const raw = index === -1 ? '' : (record.fields[index] ?? '');
      const column = columns[c] as Column;
      const plain = plainWriters[c];
      if (plain !== undefined && plain(raw, column.data, row)) {
        column.valid[row] = 1;
        continue;
      }
      const failure = (writers[c] as ColumnWriter)(raw, column, row);
      if (failure) (problems ??= []).push({ field: fields[c] as Field, reason: failure.reason, raw });
    }
    // A rejected record's slots are simply overwritten by the next one.
    if (problems) rejects.push(castProblem(problems, file, record.line));
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
      return (raw, data, row) => {
        const v = plainInt(raw, min, max);
        if (v === undefined) return false;
        (data.values as Int32Array)[row] = v;
        return true;
      };
    }
    case 'bigint':
      return (raw, data, row) => {
        const v = plainInt(raw, -Infinity, Infinity, 15);
        if (v === undefined) return false;
        setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    case 'timestamp':
      if ((options.timeZone ?? 'UTC') !== 'UTC') return undefined;
      return (raw, data, row) => {
        const v = plainUtcMicros(raw);
        if (v === undefined) return false;
        setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    case 'decimal': {
      const { precision, scale } = type;
      if (precision > 18) return undefined;
      return (raw, data, row) => {
        const v = plainUnscaled(raw, precision, scale);
        if (v === undefined) return false;
        if (data.layout === 'int32') data.values[row] = v;
        else setInt64((data as { halves: Int32Array }).halves, row, v);
        return true;
      };
    }
    case 'double':
      return (raw, data, row) => {
        const v = plainNumber(raw);
        if (v === undefined) return false;
        (data.values as Float64Array)[row] = v;
        return true;
      };
    case 'boolean':
      return (raw, data, row) => {
        if (raw === 'true') (data.values as Uint8Array)[row] = 1;
        else if (raw === 'false') (data.values as Uint8Array)[row] = 0;
        else return false;
        return true;
      };
    case 'string':
      // The empty string is null or a failure depending on the field: the row caster decides.
      return (raw, data, row) => {
        if (raw === '') return false;
        (data.values as string[])[row] = raw;
        return true;
      };
    case 'date':
      return (raw, data, row) => {
        const v = plainDate(raw);
        if (v === undefined) return false;
        (data.values as Int32Array)[row] = v;
        return true;
      };
    default:
      return undefined;
  }
}

/** `YYYY-MM-DD` with valid digits and day -> days since 1970-01-01; else undefined. */
function plainDate(t: string): number | undefined {
  if (t.length !== 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return undefined;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    y = y * 10 + c;
  }
  const m0 = t.charCodeAt(5) - 48;
  const m1 = t.charCodeAt(6) - 48;
  const d0 = t.charCodeAt(8) - 48;
  const d1 = t.charCodeAt(9) - 48;
  if (m0 < 0 || m0 > 9 || m1 < 0 || m1 > 9 || d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9) return undefined;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/**
 * `[-]digits[.digits]` -> the unscaled integer at `scale` (`12.3` at scale 4 -> 123000), when it fits
 * `precision` and is a safe integer; else undefined (the row caster explains or handles the rest:
 * exponents, extra trailing zeros, leading points).
 */
export function plainUnscaled(t: string, precision: number, scale: number): number | undefined {
  const n = t.length;
  const negative = t.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const intStart = i;
  let value = 0;
  let integerDigits = 0;
  for (; i < n; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    if (value > 0) integerDigits++;
  }
  if (i === intStart || integerDigits > precision - scale) return undefined;
  let fraction = 0;
  if (i < n) {
    if (t.charCodeAt(i) !== 46) return undefined;
    for (i++; i < n; i++, fraction++) {
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
