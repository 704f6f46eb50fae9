import { quoteIdent } from '@etl/sql';
import type { PlanStep, ViewDefinition } from './plan-sync.js';

/**
 * The views that read one relation (`:schema`, `:table`) directly, with their SELECT: the rewrite
 * rule of each view depends on the relations it reads (pg_depend -> pg_rewrite -> pg_class), as AWS's
 * own admin view v_view_dependency (amazon-redshift-utils) finds them; Redshift keeps pg_depend,
 * pg_rewrite and pg_get_viewdef. Late-binding views (`WITH NO SCHEMA BINDING`) have no rows in
 * pg_depend, so they are never found: they need no dropping, as they survive ALTERs and resolve
 * columns by name when queried. No recursion (a recursive CTE over leader-node catalog tables is
 * not something to rely on): the caller asks again for each view found (`orderDependentViews`).
 */
export const VIEW_DEPENDENTS_SQL = [
  'SELECT DISTINCT vn.nspname AS view_schema, v.relname AS view_name, pg_get_viewdef(v.oid, true) AS definition',
  'FROM pg_catalog.pg_depend d',
  'JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid',
  'JOIN pg_catalog.pg_class v ON v.oid = r.ev_class',
  'JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace',
  'JOIN pg_catalog.pg_class t ON t.oid = d.refobjid',
  'JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace',
  "WHERE tn.nspname = :schema AND t.relname = :table AND v.relkind = 'v' AND v.oid <> t.oid",
].join(' ');

/** `VIEW_DEPENDENTS_SQL`'s rows -> views (`schema.view`). */
export function dependentViews(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): ViewDefinition[] {
  return rows.map(([schema, name, definition]) => ({ name: `${String(schema)}.${String(name)}`, definition: String(definition) }));
}

/**
 * Views found level by level (level 1 reads the table, level n+1 reads a view of level n) -> every
 * view once, after all the views it reads: by its deepest level, then name. Drop them in reverse,
 * create them in order.
 */
export function orderDependentViews(levels: ReadonlyArray<ReadonlyArray<ViewDefinition>>): ViewDefinition[] {
  const deepest = new Map<string, { view: ViewDefinition; depth: number }>();
  levels.forEach((level, depth) => {
    for (const view of level) deepest.set(view.name, { view, depth });
  });
  return [...deepest.values()]
    .sort((a, b) => a.depth - b.depth || (a.view.name < b.view.name ? -1 : a.view.name > b.view.name ? 1 : 0))
    .map((entry) => entry.view);
}

/** Seed 003's view_config.json entry. */
export interface ViewConfigEntry {
  source_table: string;
  view_name: string;
  schema_name: string;
  /** `CREATE OR REPLACE VIEW {schema_name}.{view_name} AS SELECT … FROM {schema_name}.{source_table}` */
  definition: string;
}

/**
 * The view config's statements, placeholders filled with quoted identifiers. The definitions are
 * the operator's SQL (like a migration); only the names are substituted.
 */
export function viewConfigSteps(entries: readonly ViewConfigEntry[]): PlanStep[] {
  return entries.map((entry) => {
    for (const key of ['source_table', 'view_name', 'schema_name', 'definition'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '')
        throw new Error(`view config entry ${JSON.stringify(entry)}: "${key}" must be a non-empty string`);
    }
    const sql = entry.definition.replace(/\{(schema_name|view_name|source_table)\}/g, (_m, key: keyof ViewConfigEntry) =>
      quoteIdent(entry[key]),
    );
    return { sql, reason: `view config: ${entry.schema_name}.${entry.view_name}` };
  });
}
