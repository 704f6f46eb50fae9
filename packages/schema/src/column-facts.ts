import { utf8Length } from '@etl/encoding';
import { int64Number, type Column, type ColumnBatch } from './column-batch.js';
import type { Field } from './types.js';

/**
 * What a column's values need of a table, gathered as batches go by: the longest text value in UTF-8
 * bytes (Redshift's VARCHAR length unit) of text columns (string, json), the least and greatest value
 * of integer columns (smallint, int, bigint). Plain data, so a worker thread can gather them for its
 * part of a file and the parts merge (`mergeFacts`) in any order. Memory: per column, not per row.
 */
export interface ColumnFacts {
  rows: number;
  /** Per column: the longest value in UTF-8 bytes (0 for other kinds, and for a column all null). */
  bytes: number[];
  /** Per column: the least and greatest integer (undefined for other kinds, and while all null). */
  min: Array<bigint | undefined>;
  max: Array<bigint | undefined>;
}

/** Facts of no rows yet, for columns of `fields`. */
export function emptyFacts(fields: readonly Field[]): ColumnFacts {
  return { rows: 0, bytes: fields.map(() => 0), min: fields.map(() => undefined), max: fields.map(() => undefined) };
}

/** Takes in `batch`'s first `facts.bytes.length` columns (columns past them are not looked at). */
export function observeFacts(facts: ColumnFacts, batch: ColumnBatch): void {
  facts.rows += batch.length;
  for (let i = 0; i < facts.bytes.length; i++) {
    const column = batch.columns[i];
    if (!column) continue;
    const kind = column.field.type.kind;
    if (kind === 'string' || kind === 'json') facts.bytes[i] = Math.max(facts.bytes[i] as number, longestUtf8(column, batch.length));
    else if (kind === 'smallint' || kind === 'int' || kind === 'bigint') {
      const range = integerRange(column, batch.length);
      if (range) widen(facts, i, range.min, range.max);
    }
  }
}

/** Folds `part` (facts of other rows of the same columns) into `facts`. */
export function mergeFacts(facts: ColumnFacts, part: ColumnFacts): void {
  facts.rows += part.rows;
  part.bytes.forEach((bytes, i) => {
    facts.bytes[i] = Math.max(facts.bytes[i] ?? 0, bytes);
    const min = part.min[i];
    const max = part.max[i];
    if (min !== undefined && max !== undefined) widen(facts, i, min, max);
  });
}

function widen(facts: ColumnFacts, i: number, min: bigint, max: bigint): void {
  const lo = facts.min[i];
  const hi = facts.max[i];
  if (lo === undefined || min < lo) facts.min[i] = min;
  if (hi === undefined || max > hi) facts.max[i] = max;
}

/**
 * The longest value of a text column in UTF-8 bytes; a string of n UTF-16 units has at most 3n
 * bytes, so most values are passed over once the longest is known.
 */
function longestUtf8(column: Column, length: number): number {
  if (column.data.layout !== 'text') return 0;
  const { valid, data } = column;
  let longest = 0;
  for (let r = 0; r < length; r++) {
    if (valid[r] === 0) continue;
    const value = data.values[r] as string;
    if (value.length * 3 <= longest) continue;
    const n = utf8Length(value);
    if (n > longest) longest = n;
  }
  return longest;
}

/** Least and greatest value of an integer column, or undefined when every row is null. */
function integerRange(column: Column, length: number): { min: bigint; max: bigint } | undefined {
  const { valid, data } = column;
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  for (let r = 0; r < length; r++) {
    if (valid[r] === 0) continue;
    const v =
      data.layout === 'int32'
        ? (data.values[r] as number)
        : data.layout === 'int64'
          ? (int64Number(data.halves, r) ?? (data.values[r] as bigint))
          : undefined;
    if (v === undefined) return undefined;
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  return min === undefined || max === undefined ? undefined : { min: BigInt(min), max: BigInt(max) };
}
