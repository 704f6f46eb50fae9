import { quoteIdent } from '@etl/sql';
import type { PlanStep, ViewDefinition } from './plan-sync.js';

/** Views reading the table (`:schema`, `:table`), with their SELECT, so they survive ALTERs. */
export const DEPENDENT_VIEWS_SQL =
  "SELECT DISTINCT u.view_schema, u.view_name, v.definition FROM information_schema.view_table_usage u JOIN pg_views v ON v.schemaname = u.view_schema AND v.viewname = u.view_name WHERE u.table_schema = :schema AND u.table_name = :table ORDER BY u.view_schema, u.view_name";

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
      if (typeof entry[key] !== 'string' || entry[key] === '') throw new Error(`view config entry ${JSON.stringify(entry)}: "${key}" must be a non-empty string`);
    }
    const sql = entry.definition.replace(/\{(schema_name|view_name|source_table)\}/g, (_m, key: keyof ViewConfigEntry) => quoteIdent(entry[key]));
    return { sql, reason: `view config: ${entry.schema_name}.${entry.view_name}` };
  });
}
