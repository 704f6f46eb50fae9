import { text } from 'node:stream/consumers';
import { TerminalError } from '@etl/core';
import { joinUri, objectsUnder, type ObjectStore } from '@etl/object-store';
import type { Catalog, Partition, TableDefinition } from '../catalog.js';

interface TableFile {
  table: TableDefinition;
  partitions: Partition[];
}

/**
 * The embedded catalog: one JSON file per table, `<root>/<database>/<table>.json`, in any object
 * store (the runtime uses `.local/catalog`). Writes replace a file whole (the store's atomic put),
 * so a reader never sees half a definition. One writer per table at a time, as with a crawler.
 */
export class FileCatalog implements Catalog {
  readonly name = 'file';

  constructor(
    private readonly objects: ObjectStore,
    private readonly rootUri: string,
  ) {}

  async listTables(database: string): Promise<TableDefinition[]> {
    const files = (await objectsUnder(this.objects, `${this.databaseUri(database)}/`)).filter((uri) => uri.endsWith('.json'));
    if (files.length === 0 && !(await this.objects.head(this.databaseMarker(database)))) {
      throw new TerminalError('NOT_FOUND', `catalog database ${database} does not exist (no ${this.databaseUri(database)}/)`);
    }
    const tables = await Promise.all(
      files.filter((uri) => !uri.endsWith('/.database.json')).map(async (uri) => (await this.read(uri)).table),
    );
    return tables.sort((a, b) => a.name.localeCompare(b.name));
  }

  async getTable(database: string, table: string): Promise<TableDefinition | undefined> {
    return (await this.readIfExists(database, table))?.table;
  }

  async upsertTable(table: TableDefinition): Promise<void> {
    const existing = await this.readIfExists(table.database, table.name);
    await this.objects.put(this.databaseMarker(table.database), JSON.stringify({ name: table.database }));
    await this.write({ table, partitions: existing?.partitions ?? [] });
  }

  async addPartitions(database: string, table: string, partitions: readonly Partition[]): Promise<void> {
    const file = await this.readIfExists(database, table);
    if (!file) throw new TerminalError('NOT_FOUND', `table ${database}.${table} does not exist in the catalog at ${this.rootUri}`);
    const byValues = new Map(file.partitions.map((p) => [JSON.stringify(p.values), p]));
    for (const partition of partitions)
      byValues.set(JSON.stringify(partition.values), { values: [...partition.values], location: partition.location });
    await this.write({ table: file.table, partitions: [...byValues.values()] });
  }

  async dropPartitions(database: string, table: string, values: ReadonlyArray<readonly string[]>): Promise<void> {
    const file = await this.readIfExists(database, table);
    if (!file) throw new TerminalError('NOT_FOUND', `table ${database}.${table} does not exist in the catalog at ${this.rootUri}`);
    const drop = new Set(values.map((v) => JSON.stringify(v)));
    await this.write({ table: file.table, partitions: file.partitions.filter((p) => !drop.has(JSON.stringify(p.values))) });
  }

  async listPartitions(database: string, table: string): Promise<Partition[]> {
    const file = await this.readIfExists(database, table);
    if (!file) throw new TerminalError('NOT_FOUND', `table ${database}.${table} does not exist in the catalog at ${this.rootUri}`);
    return [...file.partitions].sort((a, b) => a.values.join('\u0000').localeCompare(b.values.join('\u0000')));
  }

  private databaseUri(database: string): string {
    return joinUri(this.rootUri, encodeURIComponent(database));
  }

  private databaseMarker(database: string): string {
    return joinUri(this.databaseUri(database), '.database.json');
  }

  private tableUri(database: string, table: string): string {
    return joinUri(this.databaseUri(database), `${encodeURIComponent(table)}.json`);
  }

  private async readIfExists(database: string, table: string): Promise<TableFile | undefined> {
    const uri = this.tableUri(database, table);
    return (await this.objects.head(uri)) ? this.read(uri) : undefined;
  }

  private async read(uri: string): Promise<TableFile> {
    try {
      return JSON.parse(await text(await this.objects.get(uri))) as TableFile;
    } catch (error) {
      if (error instanceof SyntaxError) throw new TerminalError('CONFIG', `catalog file ${uri} is not valid JSON: ${error.message}`);
      throw error;
    }
  }

  private async write(file: TableFile): Promise<void> {
    const sorted = {
      table: file.table,
      partitions: [...file.partitions].sort((a, b) => a.values.join('\u0000').localeCompare(b.values.join('\u0000'))),
    };
    await this.objects.put(this.tableUri(file.table.database, file.table.name), `${JSON.stringify(sorted, null, 2)}\n`, {
      contentType: 'application/json',
    });
  }
}
