import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog, TableDefinition } from './catalog.js';

/**
 * Registers the tables a `tables.json` in `folder` describes (table definitions without their
 * database, locations relative to the folder) as `database`'s, pointing at that folder wherever it
 * is installed (repository or image), as a crawler would: how a pipeline's bundled sample database
 * gets into the embedded file catalog.
 */
export async function registerTablesFile(catalog: Catalog, database: string, folder: string): Promise<void> {
  const tables = JSON.parse(await readFile(join(folder, 'tables.json'), 'utf8')) as Array<Omit<TableDefinition, 'database'>>;
  for (const table of tables)
    await catalog.upsertTable({
      ...table,
      database,
      location: pathToFileURL(join(folder, table.location)).href.replace(/\/?$/, '/'),
    });
}
