import { quoteIdent } from '@etl/sql';
import type { PlanStep, ViewDefinition } from './plan-sync.js';

/**
 * Views reading the table (`:schema`, `:table`), directly or through other views, with their SELECT,
 * so they survive ALTERs; in dependency order (a view after every view it reads), by the longest
 * chain from the table. A view on a view must be in the list: without it, dropping the view it reads
 * fails ("other objects depend on it"). The depth bound only guards the recursion.
 */
export const DEPENDENT_VIEWS_SQL = [
  'WITH RECURSIVE dependents (view_schema, view_name, depth) AS (',
  'SELECT u.view_schema, u.view_name, 1 FROM information_schema.view_table_usage u WHERE u.table_schema = :schema AND u.table_name = :table',
  'UNION ALL',
  'SELECT u.view_schema, u.view_name, d.depth + 1 FROM information_schema.view_table_usage u JOIN dependents d ON u.table_schema = d.view_schema AND u.table_name = d.view_name WHERE d.depth < 32',
  ')',
  'SELECT d.view_schema, d.view_name, v.definition, MAX(d.depth) AS depth FROM dependents d JOIN pg_views v ON v.schemaname = d.view_schema AND v.viewname = d.view_name',
  'GROUP BY d.view_schema, d.view_name, v.definition ORDER BY depth, d.view_schema, d.view_name',
].join(' ');

/** `DEPENDENT_VIEWS_SQL`'s rows -> views, in its order (drop them in reverse, create them in order). */
export function dependentViews(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): ViewDefinition[] {
  return rows.map(([schema, name, definition]) => ({ name: `${schema}.${name}`, definition: String(definition) }));
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
