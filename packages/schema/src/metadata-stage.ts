import type { Stage } from '@etl/core';
import type { Row } from './cast-stage.js';
import type { Value } from './cast.js';
import type { Field } from './types.js';

/** Seed 003's metadata columns: when the run loaded the row, and from which file. */
export const METADATA_FIELDS: readonly Field[] = [
  { name: 'run_date', type: { kind: 'timestamp', withZone: false }, nullable: false },
  { name: 'file_name', type: { kind: 'string', maxLength: 1024 }, nullable: false },
];

/** A column with one value for a whole file (run metadata): written once, not per row. */
export interface ConstantColumn {
  field: Field;
  value: Value;
}

/** The `METADATA_FIELDS` with their values for one file: `run_date` the run's start (UTC micros), `file_name`. */
export function metadataColumns(options: { runDate: Date; fileName: string }): ConstantColumn[] {
  const values: Record<string, Value> = { run_date: BigInt(options.runDate.getTime()) * 1000n, file_name: options.fileName };
  return METADATA_FIELDS.map((field) => ({ field, value: values[field.name] ?? null }));
}

/** Adds `run_date` and `file_name` (`metadataColumns`) to every row. */
export function metadataStage(options: { runDate: Date; fileName: string; name?: string }): Stage<Row, Row> {
  const added = Object.fromEntries(metadataColumns(options).map(({ field, value }) => [field.name, value]));
  return {
    name: options.name ?? 'metadata-columns',
    process: (row) => ({ ...row, ...added }),
  };
}
