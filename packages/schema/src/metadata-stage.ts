import type { Stage } from '@etl/core';
import type { Row } from './cast-stage.js';
import type { Field } from './types.js';

/** Seed 003's metadata columns: when the run loaded the row, and from which file. */
export const METADATA_FIELDS: readonly Field[] = [
  { name: 'run_date', type: { kind: 'timestamp', withZone: false }, nullable: false },
  { name: 'file_name', type: { kind: 'string', maxLength: 1024 }, nullable: false },
];

/** Adds `run_date` (the run's start, UTC micros) and `file_name` to every row. */
export function metadataStage(options: { runDate: Date; fileName: string; name?: string }): Stage<Row, Row> {
  const runDate = BigInt(options.runDate.getTime()) * 1000n;
  return {
    name: options.name ?? 'metadata-columns',
    process: (row) => ({ ...row, run_date: runDate, file_name: options.fileName }),
  };
}
