import { RecordError, TerminalError, type Stage } from '@etl/core';
import type { CsvRecord } from '@etl/csv';
import { CastFailure, compileCaster, type CastOptions, type Caster, type Value } from './cast.js';
import type { Field, Schema } from './types.js';

export type Row = Record<string, Value>;

export interface CastStageOptions extends CastOptions {
  schema: Schema;
  /** The file's column names; asked on the first record (the CSV reader learns them from the header). */
  columns: () => readonly string[];
  file?: string;
  /** Component name in the run report (default `cast`). */
  name?: string;
}

export interface CastPlan {
  fields: Field[];
  casters: Caster[];
  /** Index of each schema field in the file's record, or -1 when the file lacks that (nullable) column. */
  indexes: number[];
}

/**
 * Records -> typed rows by the schema. A record with bad fields is rejected whole, naming its line, the
 * first bad column and every problem found; good records are never failed by a bad neighbour. Columns
 * are matched by name (exactly, else case-insensitively); a NOT NULL schema column missing from the file
 * is a configuration error, file columns the schema does not name are ignored.
 */
export function castStage(options: CastStageOptions): Stage<CsvRecord, Row> {
  let plan: CastPlan | undefined;
  return {
    name: options.name ?? 'cast',
    process(record) {
      plan ??= planColumns(options.schema, options.columns(), options.file, options);
      const values = castRecord(plan, record.fields, record.line, options.file);
      if (values instanceof RecordError) throw values;
      const row: Row = {};
      for (let i = 0; i < values.length; i++) row[(plan.fields[i] as Field).name] = values[i] as Value;
      return row;
    },
  };
}

/**
 * One record -> its values in schema order, or one `RecordError` naming the line, the first bad column
 * and every problem. Returned, not thrown, so columnar writers can take the array as is.
 */
export function castRecord(plan: CastPlan, record: readonly string[], line: number | undefined, file?: string): Value[] | RecordError {
  const { fields, casters, indexes } = plan;
  const values: Value[] = new Array(fields.length);
  let problems: CastProblem[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const index = indexes[i] as number;
    const raw = index === -1 ? '' : (record[index] ?? '');
    const value = (casters[i] as Caster)(raw);
    if (value instanceof CastFailure) (problems ??= []).push({ field: fields[i] as Field, reason: value.reason, raw });
    else values[i] = value;
  }
  return problems ? castProblem(problems, file, line) : values;
}

export interface CastProblem {
  field: Field;
  reason: string;
  raw: string;
}

/** The reject of a record with bad fields: its line, the first bad column, every problem. */
export function castProblem(problems: readonly CastProblem[], file: string | undefined, line: number | undefined): RecordError {
  const [first] = problems as [CastProblem];
  return new RecordError({
    code: first.reason.endsWith('must not be empty') ? 'NULL_NOT_ALLOWED' : 'CAST',
    reason: problems.map((p) => `${p.field.name}: ${p.reason}`).join('; '),
    file,
    line,
    column: first.field.name,
    raw: first.raw,
  });
}

export function planColumns(schema: Schema, columns: readonly string[], file?: string, cast: CastOptions = {}): CastPlan {
  const exact = new Map(columns.map((c, i) => [c, i]));
  const folded = new Map(columns.map((c, i) => [c.toLowerCase(), i]));
  const missing: Field[] = [];
  const indexes = schema.fields.map((field) => {
    const index = exact.get(field.name) ?? folded.get(field.name.toLowerCase()) ?? -1;
    if (index === -1 && !field.nullable) missing.push(field);
    return index;
  });
  if (missing.length > 0) {
    // A key column is NOT NULL whether its nullable cell says so or is blank: say which it is.
    const why = missing.every((f) => f.keyOrder !== undefined)
      ? missing.length === 1
        ? 'a key column of the schema (key_order)'
        : 'key columns of the schema (key_order)'
      : missing.some((f) => f.keyOrder !== undefined)
        ? 'which the schema declares NOT NULL or as keys (key_order)'
        : 'which the schema declares NOT NULL';
    throw new TerminalError(
      'CONFIG',
      `${file ?? 'the file'} has no column ${missing.map((f) => f.name).join(', ')}, ${why} (file columns: ${columns.join(', ')})`,
    );
  }
  return { fields: schema.fields, casters: schema.fields.map((f) => compileCaster(f, cast)), indexes };
}
