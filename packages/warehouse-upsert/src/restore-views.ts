import type { RunContext } from '@etl/core';
import {
  backedUpViews,
  tableParameters,
  targetKey,
  VIEW_BACKUP_EXISTS_SQL,
  viewBackupQuery,
  viewBackupTable,
  viewRestoreSteps,
  type PlanStep,
} from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';

/**
 * Views a killed run dropped and could not recreate (they wait in the view backup table) are
 * recreated before the table is read again, so the plan sees them as dependents. Returns what ran.
 * A failure here fails the load (a missing view is worth a stop), naming the backup table.
 */
export async function restoreBackedUpViews(warehouse: Warehouse, table: string, ctx: RunContext): Promise<PlanStep[]> {
  const { schema } = tableParameters(table);
  const exists = await warehouse.query(VIEW_BACKUP_EXISTS_SQL, { schema }, { signal: ctx.signal });
  if (exists.rows.length === 0) return [];
  const views = backedUpViews((await warehouse.query(viewBackupQuery(table), { target: targetKey(table) }, { signal: ctx.signal })).rows);
  if (views.length === 0) return [];
  const steps = viewRestoreSteps(table, views, { backup: true });
  await warehouse.transaction(
    steps.map((s) => s.sql),
    { signal: ctx.signal },
  );
  ctx.logger.warn(
    { table, views: views.map((v) => v.name) },
    `recreated ${views.length} view(s) of ${table} that a stopped run had dropped (kept in ${viewBackupTable(table)})`,
  );
  return steps;
}
