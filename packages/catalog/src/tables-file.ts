import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog, TableDefinition } from './catalog.js';

/**
 * The tables a `tables.json` in `folder` describes (table definitions without their database,
 * locations relative to the folder) as `database`'s, pointing at that folder wherever it is installed
 * (repository or image). Reads only: a job's `check` can see a bundled sample's tables before any is registered.
 */
export async function readTablesFile(folder: string, database: string): Promise<TableDefinition[]> {
  const tables = JSON.parse(await readFile(join(folder, 'tables.json'), 'utf8')) as Array<Omit<TableDefinition, 'database'>>;
  return tables
    .map((table) => ({ ...table, database, location: pathToFileURL(join(folder, table.location)).href.replace(/\/?$/, '/') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Registers the tables of `tables.json` in `folder` (`readTablesFile`) as `database`'s, as a crawler
 * would: how a pipeline's bundled sample database gets into the embedded file catalog.
 */
export async function registerTablesFile(catalog: Catalog, database: string, folder: string): Promise<void> {
  for (const table of await readTablesFile(folder, database)) await catalog.upsertTable(table);
}
