import { AUDIT_EXISTS_SQL, auditLoadedSql, auditTable, tableParameters } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';

/**
 * The run that already loaded this very file, if any: a SUCCESS audit row for it from a load that
 * started after the file last changed. A run killed after its merge committed (the audit row is
 * part of the merge) but before it archived the file leaves the file in place; the next run finds
 * it here and archives it without a second load or a second SUCCESS row. Assumes the runner's clock
 * and the store's agree to within the time between a file's rewrite and its load.
 */
export async function loadedBefore(
  warehouse: Warehouse,
  table: string,
  file: string,
  lastModified: Date,
  signal: AbortSignal,
): Promise<string | undefined> {
  const audit = auditTable(table);
  const exists = await warehouse.query(AUDIT_EXISTS_SQL, { schema: tableParameters(audit).schema }, { signal });
  if (exists.rows.length === 0) return undefined;
  const modified = lastModified.toISOString().replace('T', ' ').replace('Z', '');
  const found = await warehouse.query(auditLoadedSql(audit), { source: file, modified }, { signal });
  const runId = found.rows[0]?.[0];
  return runId === undefined || runId === null ? undefined : String(runId);
}
