import type { FieldType, Schema } from '@etl/schema';
import type { DatasetResult } from './dataset.js';
import { resolveOptions } from './options.js';
import { hiveUnescape, type PartitionSpec } from './partition-path.js';

/** A dataset as a catalog table sees it (the shape of `@etl/catalog`'s columns and partitions). */
export interface DatasetTable {
  columns: Array<{ name: string; type: string }>;
  /** Partition folder keys, all `string` (a folder holds `__HIVE_DEFAULT_PARTITION__` for null). */
  partitionKeys: Array<{ name: string; type: string }>;
  /** The run's generation folder: readers of the table see exactly the published run. */
  location: string;
  /** One per partition folder written, values unescaped, in key order. */
  partitions: Array<{ values: string[]; location: string }>;
}

/** Hive/Athena/Glue type of a column (`json` is `string`: JSON text). */
export function hiveType(type: FieldType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'string';
    case 'smallint':
      return 'smallint';
    case 'int':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'double':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
  }
}

/**
 * The catalog table of a published overwrite dataset (pure): its file columns with Hive types, the
 * partition keys its `partitionBy` makes (`invoicedate:month` -> `invoicedate_year`, `invoicedate_month`),
 * the generation folder as location, and one partition per folder written (`result.partitions`).
 */
export function datasetTable(
  result: Pick<DatasetResult, 'generation' | 'partitions'>,
  options: { prefix: string; schema: Schema; partitionBy?: ReadonlyArray<PartitionSpec | string>; dropPartitionColumns?: boolean },
): DatasetTable {
  const resolved = resolveOptions(options);
  const keys = resolved.levels.flatMap((l) => l.keys);
  const location = `${result.generation.replace(/\/$/, '')}/`;
  return {
    columns: resolved.fileSchema.fields.map((f) => ({ name: f.name, type: hiveType(f.type) })),
    partitionKeys: keys.map((name) => ({ name, type: 'string' })),
    location,
    partitions: result.partitions.map((folder) => ({
      values: folder.split('/').map((part) => hiveUnescape(part.slice(part.indexOf('=') + 1))),
      location: `${location}${folder}/`,
    })),
  };
}
