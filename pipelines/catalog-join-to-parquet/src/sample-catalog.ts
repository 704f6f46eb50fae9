import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog, TableDefinition } from '@etl/catalog';
import { SAMPLE_DATABASE, sampleDir } from './config.js';

/**
 * Registers the bundled sample's tables (accounts, orders, tickets) in the embedded file catalog, locations pointing at
 * sample/data/ wherever the pipeline is installed (repo or image), as a crawler would.
 */
export async function registerSampleTables(catalog: Catalog): Promise<void> {
  const tables = JSON.parse(await readFile(join(sampleDir, 'tables.json'), 'utf8')) as Array<Omit<TableDefinition, 'database'>>;
  for (const table of tables)
    await catalog.upsertTable({
      ...table,
      database: SAMPLE_DATABASE,
      location: pathToFileURL(join(sampleDir, table.location)).href.replace(/\/?$/, '/'),
    });
}
