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
 * One column's fields in a batch of records, as spans: field `r` is `texts[r][starts[r]..ends[r])`,
 * where `texts[r]` is the parsed chunk, or the string the parser made for a quoted field. A field the
 * record does not have is an empty span.
 */
export interface ColumnSpans {
  texts: string[];
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * Stores the type's common plain form of each of the first `n` spans straight into the typed array
 * (and marks it valid), without allocating; the rows whose text is anything else are pushed on
 * `misses` for the general writer. One loop per type, so the reader it calls is known (and inlined)
 * rather than one call site dispatching to every column's reader.
 */
export type PlainWriter = (spans: ColumnSpans, n: number, data: ColumnData, valid: Uint8Array, misses: number[]) => void;

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
 * returns, in record order). Cast column by column: plain values are read from the batch's spans
 * without a string being made, the rest go through the row caster; records with a bad field are
 * then dropped from every column.
 * Memory: one typed slot per value of the batch, and one span per record; nothing is kept between calls.
 */
export function castColumns(plan: ColumnCastPlan, records: CsvBatch, file?: string): { batch: ColumnBatch; rejects: RecordError[] } {
  const { fields, indexes, plainWriters, writers } = plan;
  const n = records.length;
  const columns = allocateColumns(fields, n);
  const spans: ColumnSpans = { texts: new Array<string>(n), starts: new Int32Array(n), ends: new Int32Array(n) };
  const misses: number[] = [];
  /** Per bad record, its problems in column order. */
  let problems: Map<number, CastProblem[]> | undefined;
  for (let c = 0; c < fields.length; c++) {
    const column = columns[c] as Column;
    const writer = writers[c] as ColumnWriter;
    spansOf(records, indexes[c] as number, spans);
    const plain = plainWriters[c];
    misses.length = 0;
    if (plain) plain(spans, n, column.data, column.valid, misses);
    const rows = plain ? misses.length : n;
    for (let k = 0; k < rows; k++) {
      const r = plain ? (misses[k] as number) : k;
      const raw = textOf(spans.texts[r] as string, spans.starts[r] as number, spans.ends[r] as number);
      const failure = writer(raw, column, r);
      if (!failure) continue;
      problems ??= new Map();
      const list = problems.get(r);
      const problem = { field: fields[c] as Field, reason: failure.reason, raw };
      if (list) list.push(problem);
      else problems.set(r, [problem]);
    }
  }
  if (!problems) return { batch: { length: n, columns }, rejects: [] };
  const rejected = [...problems.keys()].sort((a, b) => a - b);
  const rejects = rejected.map((r) => castProblem(problems.get(r) as CastProblem[], file, records.line(r)));
  return { batch: { length: dropRows(columns, n, new Set(rejected)), columns }, rejects };
}

/** Column `index`'s field of each record as a span (`-1`: a column the file does not have). */
function spansOf(records: CsvBatch, index: number, spans: ColumnSpans): void {
  const { text, bounds, first, strings } = records;
  const { texts, starts, ends } = spans;
  for (let r = 0; r < records.length; r++) {
    const firstField = first[r] as number;
    if (index === -1 || index >= (first[r + 1] as number) - firstField) {
      texts[r] = text;
      starts[r] = 0;
      ends[r] = 0;
      continue;
    }
    const at = 2 * (firstField + index);
    const start = bounds[at] as number;
    const end = bounds[at + 1] as number;
    if (start === -1) {
      const value = strings[end] as string;
      texts[r] = value;
      starts[r] = 0;
      ends[r] = value.length;
    } else {
      texts[r] = text;
      starts[r] = start;
      ends[r] = end;
    }
  }
}

/** Moves the kept rows of every column down over the dropped ones; returns how many are kept. */
function dropRows(columns: Column[], n: number, dropped: ReadonlySet<number>): number {
  let kept = 0;
  for (const { data, valid } of columns) {
    kept = 0;
    for (let r = 0; r < n; r++) {
      if (dropped.has(r)) continue;
      if (kept !== r) {
        valid[kept] = valid[r] as number;
        if (data.layout === 'int64') {
          data.halves[2 * kept] = data.halves[2 * r] as number;
          data.halves[2 * kept + 1] = data.halves[2 * r + 1] as number;
        } else data.values[kept] = data.values[r] as never;
      }
      kept++;
    }
  }
  return kept;
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
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const values = data.values as Int32Array;
        for (let r = 0; r < n; r++) {
          const v = plainInt(texts[r] as string, starts[r] as number, ends[r] as number, min, max);
          if (v === undefined) misses.push(r);
          else {
            values[r] = v;
            valid[r] = 1;
          }
        }
      };
    }
    case 'bigint':
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const halves = (data as { halves: Int32Array }).halves;
        for (let r = 0; r < n; r++) {
          const v = plainInt(texts[r] as string, starts[r] as number, ends[r] as number, -Infinity, Infinity, 15);
          if (v === undefined) misses.push(r);
          else {
            setInt64(halves, r, v);
            valid[r] = 1;
          }
        }
      };
    case 'timestamp':
      if ((options.timeZone ?? 'UTC') !== 'UTC') return undefined;
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const halves = (data as { halves: Int32Array }).halves;
        for (let r = 0; r < n; r++) {
          const v = plainUtcMicros(texts[r] as string, starts[r] as number, ends[r] as number);
          if (v === undefined) misses.push(r);
          else {
            setInt64(halves, r, v);
            valid[r] = 1;
          }
        }
      };
    case 'decimal': {
      const { precision, scale } = type;
      if (precision > 18) return undefined;
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const int32 = data.layout === 'int32' ? data.values : undefined;
        const halves = (data as { halves?: Int32Array }).halves;
        for (let r = 0; r < n; r++) {
          const v = plainUnscaled(texts[r] as string, starts[r] as number, ends[r] as number, precision, scale);
          if (v === undefined) {
            misses.push(r);
            continue;
          }
          if (int32) int32[r] = v;
          else setInt64(halves as Int32Array, r, v);
          valid[r] = 1;
        }
      };
    }
    case 'double':
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const values = data.values as Float64Array;
        for (let r = 0; r < n; r++) {
          const v = plainNumber(texts[r] as string, starts[r] as number, ends[r] as number);
          if (v === undefined) misses.push(r);
          else {
            values[r] = v;
            valid[r] = 1;
          }
        }
      };
    case 'boolean':
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const values = data.values as Uint8Array;
        for (let r = 0; r < n; r++) {
          const v = plainBoolean(texts[r] as string, starts[r] as number, ends[r] as number);
          if (v === -1) misses.push(r);
          else {
            values[r] = v;
            valid[r] = 1;
          }
        }
      };
    case 'string':
      // The empty string is null or a failure depending on the field: the row caster decides.
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const values = data.values as string[];
        for (let r = 0; r < n; r++) {
          const start = starts[r] as number;
          const end = ends[r] as number;
          if (end === start) misses.push(r);
          else {
            values[r] = textOf(texts[r] as string, start, end);
            valid[r] = 1;
          }
        }
      };
    case 'date':
      return ({ texts, starts, ends }, n, data, valid, misses) => {
        const values = data.values as Int32Array;
        for (let r = 0; r < n; r++) {
          const v = plainDate(texts[r] as string, starts[r] as number, ends[r] as number);
          if (v === undefined) misses.push(r);
          else {
            values[r] = v;
            valid[r] = 1;
          }
        }
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
  if (
    n === 4 &&
    t.charCodeAt(start) === 116 &&
    t.charCodeAt(start + 1) === 114 &&
    t.charCodeAt(start + 2) === 117 &&
    t.charCodeAt(start + 3) === 101
  )
    return 1;
  if (
    n === 5 &&
    t.charCodeAt(start) === 102 &&
    t.charCodeAt(start + 1) === 97 &&
    t.charCodeAt(start + 2) === 108 &&
    t.charCodeAt(start + 3) === 115 &&
    t.charCodeAt(start + 4) === 101
  )
    return 0;
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
