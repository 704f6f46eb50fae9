import { TerminalError } from '@etl/core';
import type { Catalog, TableDefinition } from './catalog.js';

/**
 * A database's tables (name order) and those a run asked for by name (all when `names` is absent).
 * A name the database lacks is a `TerminalError` NOT_FOUND listing the tables it has.
 */
export async function selectTables(
  catalog: Catalog,
  database: string,
  names?: readonly string[],
): Promise<{ all: TableDefinition[]; selected: TableDefinition[] }> {
  return pickTables(database, await catalog.listTables(database), names);
}

/** `selectTables` over tables already listed (pure): for a job's `check` of a bundled sample (`readTablesFile`). */
export function pickTables(
  database: string,
  all: TableDefinition[],
  names?: readonly string[],
): { all: TableDefinition[]; selected: TableDefinition[] } {
  if (!names) return { all, selected: all };
  const missing = names.filter((name) => !all.some((t) => t.name === name));
  if (missing.length > 0)
    throw new TerminalError(
      'NOT_FOUND',
      `--tables: ${missing.join(', ')} not in database ${database} (its tables: ${all.map((t) => t.name).join(', ')})`,
    );
  return { all, selected: all.filter((t) => names.includes(t.name)) };
}
