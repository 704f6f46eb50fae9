import { dependentViews, orderDependentViews, tableParameters, VIEW_DEPENDENTS_SQL, type ViewDefinition } from '@etl/table-sync';
import type { Warehouse } from '@etl/warehouse';

/** Chains of views on views longer than this are not followed (a guard, not a limit anyone meets). */
const MAX_DEPTH = 32;

/**
 * Every view that reads `table`, directly or through other views, in creation order: one catalog
 * query per view found (`VIEW_DEPENDENTS_SQL`: pg_depend, as Redshift's own admin views do),
 * no recursive CTE. Late-binding views are not in pg_depend, so never listed: they need no dropping.
 */
export async function findDependentViews(warehouse: Warehouse, table: string, signal: AbortSignal): Promise<ViewDefinition[]> {
  const levels: ViewDefinition[][] = [];
  let frontier = [tableParameters(table)];
  for (let depth = 0; frontier.length > 0 && depth < MAX_DEPTH; depth++) {
    const level: ViewDefinition[] = [];
    const next: Array<{ schema: string; table: string }> = [];
    for (const relation of frontier) {
      const { rows } = await warehouse.query(VIEW_DEPENDENTS_SQL, relation, { signal });
      level.push(...dependentViews(rows));
      next.push(...rows.map(([schema, name]) => ({ schema: String(schema), table: String(name) })));
    }
    if (level.length > 0) levels.push(level);
    frontier = next;
  }
  return orderDependentViews(levels);
}
