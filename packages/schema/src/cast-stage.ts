import { RecordError, TerminalError, type Stage } from '@etl/core';
import type { CsvRecord } from '@etl/csv';
import { castValue, type CastOptions, type Value } from './cast.js';
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

interface Plan {
  fields: Field[];
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
  let plan: Plan | undefined;
  return {
    name: options.name ?? 'cast',
    process(record) {
      plan ??= planColumns(options.schema, options.columns(), options.file);
      const row: Row = {};
      let problems: Array<{ field: Field; reason: string; raw: string }> | undefined;
      for (let i = 0; i < plan.fields.length; i++) {
        const field = plan.fields[i] as Field;
        const index = plan.indexes[i] as number;
        const raw = index === -1 ? '' : (record.fields[index] ?? '');
        const result = castValue(raw, field, options);
        if (result.ok) row[field.name] = result.value;
        else (problems ??= []).push({ field, reason: result.reason, raw });
      }
      if (problems) {
        const [first] = problems as [{ field: Field; reason: string; raw: string }];
        throw new RecordError({
          code: first.reason.endsWith('must not be empty') ? 'NULL_NOT_ALLOWED' : 'CAST',
          reason: problems.map((p) => `${p.field.name}: ${p.reason}`).join('; '),
          file: options.file,
          line: record.line,
          column: first.field.name,
          raw: first.raw,
        });
      }
      return row;
    },
  };
}

export function planColumns(schema: Schema, columns: readonly string[], file?: string): Plan {
  const exact = new Map(columns.map((c, i) => [c, i]));
  const folded = new Map(columns.map((c, i) => [c.toLowerCase(), i]));
  const missing: string[] = [];
  const indexes = schema.fields.map((field) => {
    const index = exact.get(field.name) ?? folded.get(field.name.toLowerCase()) ?? -1;
    if (index === -1 && !field.nullable) missing.push(field.name);
    return index;
  });
  if (missing.length > 0) {
    throw new TerminalError('CONFIG', `${file ?? 'the file'} has no column ${missing.join(', ')}, which the schema declares NOT NULL (file columns: ${columns.join(', ')})`);
  }
  return { fields: schema.fields, indexes };
}
