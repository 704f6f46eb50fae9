import type { Catalog, TableDefinition } from '@etl/catalog';
import { TerminalError } from '@etl/core';
import { objectsBelow, type ObjectStore } from '@etl/object-store';

/** One data file of a table, with the values of its partition keys (empty when unpartitioned). */
export interface TableFile {
  uri: string;
  partitionValues: string[];
}

/** Hive, Spark and Athena skip files and folders whose name starts with `_` or `.` (`_SUCCESS`, `.crc`, `_temporary/`). */
export function isHiddenKey(keyBelowLocation: string): boolean {
  return keyBelowLocation.split('/').some((segment) => segment.startsWith('_') || segment.startsWith('.'));
}

/**
 * A table's data files, in key order (URI order, as S3 lists): a partitioned table's through the
 * catalog's partitions (`listPartitions`; a partition folder that is gone reads as empty, as in
 * Athena), an unpartitioned table's by listing its location. Hidden files are skipped. Rows read in
 * this order, each file's in file order, is what "the row read last" means.
 */
export async function tableFiles(
  store: ObjectStore,
  catalog: Catalog,
  table: TableDefinition,
  options: { signal?: AbortSignal } = {},
): Promise<TableFile[]> {
  const folders =
    table.partitionKeys.length > 0
      ? (await catalog.listPartitions(table.database, table.name)).map((p) => ({ location: p.location, values: p.values }))
      : [{ location: table.location, values: [] as string[] }];
  const files: TableFile[] = [];
  for (const folder of folders) {
    if (!folder.location)
      throw new TerminalError(
        'CONFIG',
        `table ${table.database}.${table.name} has no location for ${folder.values.join('/') || 'its data'}`,
      );
    for await (const object of objectsBelow(store, folder.location, options))
      if (!isHiddenKey(object.key)) files.push({ uri: object.uri, partitionValues: folder.values });
  }
  return files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}
