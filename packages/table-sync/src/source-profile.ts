import { utf8Length } from '@etl/encoding';
import { int64Number, type Column, type ColumnBatch, type ConstantColumn, type Field, type Schema } from '@etl/schema';

/**
 * What the source file's values need from the target table, gathered while the rows stream by:
 * the longest string of each column in UTF-8 bytes (Redshift's VARCHAR length unit) and the range of
 * each integer column. Pure; memory is per column, not per row.
 */
export class SourceProfile {
  private readonly bytes: number[];
  private readonly min: Array<bigint | undefined>;
  private readonly max: Array<bigint | undefined>;
  private readonly kinds: Array<Field['type']['kind']>;
  /** The source's columns, as batches hold them; the schema's constant columns follow. */
  private readonly observed: number;
  /** The source's columns, then the constant ones: what the target needs. */
  readonly schema: Schema;
  rows = 0;

  constructor(source: Schema, constants: readonly ConstantColumn[] = []) {
    this.schema = { fields: [...source.fields, ...constants.map((c) => c.field)] };
    this.observed = source.fields.length;
    this.kinds = this.schema.fields.map((f) => f.type.kind);
    this.bytes = this.schema.fields.map(() => 0);
    this.min = this.schema.fields.map(() => undefined);
    this.max = this.schema.fields.map(() => undefined);
    constants.forEach(({ field, value }, k) => {
      const i = this.observed + k;
      const kind = field.type.kind;
      if (typeof value === 'string' && (kind === 'string' || kind === 'json')) this.bytes[i] = utf8Length(value);
      else if ((typeof value === 'number' || typeof value === 'bigint') && (kind === 'smallint' || kind === 'int' || kind === 'bigint'))
        this.min[i] = this.max[i] = BigInt(value);
    });
  }

  /** Takes in one batch of the file's rows (the source's columns); columns past them (a line number) are not looked at. */
  observe(batch: ColumnBatch): void {
    this.rows += batch.length;
    for (let i = 0; i < this.observed; i++) {
      const column = batch.columns[i];
      if (!column) continue;
      const kind = this.kinds[i];
      if (kind === 'string' || kind === 'json') this.bytes[i] = Math.max(this.bytes[i] as number, longestUtf8(column, batch.length));
      else if (kind === 'smallint' || kind === 'int' || kind === 'bigint') {
        const range = integerRange(column, batch.length);
        if (!range) continue;
        const lo = this.min[i];
        const hi = this.max[i];
        if (lo === undefined || range.min < lo) this.min[i] = range.min;
        if (hi === undefined || range.max > hi) this.max[i] = range.max;
      }
    }
  }

  maxBytes(name: string): number {
    const i = this.index(name);
    return i === -1 ? 0 : (this.bytes[i] as number);
  }

  intRange(name: string): { min: bigint; max: bigint } | undefined {
    const i = this.index(name);
    const min = this.min[i];
    const max = this.max[i];
    return min === undefined || max === undefined ? undefined : { min, max };
  }

  private index(name: string): number {
    return this.schema.fields.findIndex((f) => f.name === name);
  }
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
