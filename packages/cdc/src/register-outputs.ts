import type { Catalog, CatalogColumn, TableDefinition } from '@etl/catalog';
import { hiveType, readManifest } from '@etl/dataset';
import { joinUri, type ObjectStore } from '@etl/object-store';
import type { Schema } from '@etl/schema';
import { publishedChanges, type ChangesRun } from './published-changes.js';

/** What a table has published, as its manifests say (not what one run wrote). */
export interface PublishedOutputs {
  /** The generation `current/_manifest.json` names (keyed tables). */
  current?: { generation: string } | undefined;
  /** Every published `changes` run. */
  changes: readonly ChangesRun[];
}

/**
 * Makes the catalog match what is published, whichever run published it: `<table>` pointed at the
 * generation current's manifest names (so Athena switches with the publish and never reads half a
 * generation) and `<table>_changes` (partitioned by `load_date`, `run_id`) holding every published
 * changes run. Idempotent: a rerun after a run killed before or during registration, even one with
 * nothing new, registers what that run published; a table or partition already right is not rewritten.
 * A table without a key has only `<table>_changes`.
 */
export async function registerOutputs(
  catalog: Catalog,
  database: string,
  table: string,
  schema: Schema,
  published: PublishedOutputs,
  changesPrefix: string,
): Promise<void> {
  // @etl/dataset's Hive types (a zoned timestamp is `timestamp`: Glue and Athena have no `timestamptz`).
  const columns: CatalogColumn[] = schema.fields.map((f) => ({ name: f.name, type: hiveType(f.type) }));
  const base = { database, columns, format: 'parquet' } satisfies Partial<TableDefinition>;
  if (published.current)
    await upsertIfChanged(catalog, { ...base, name: table, partitionKeys: [], location: folder(published.current.generation) });
  if (published.changes.length === 0) return;
  const name = `${table}_changes`;
  const partitionKeys = [
    { name: 'load_date', type: 'string' },
    { name: 'run_id', type: 'string' },
  ];
  await upsertIfChanged(catalog, { ...base, name, partitionKeys, location: folder(changesPrefix) });
  const registered = new Set((await catalog.listPartitions(database, name)).map((p) => p.values.join('/')));
  const missing = published.changes.filter((run) => !registered.has(`${run.loadDate}/${run.runId}`));
  if (missing.length > 0)
    await catalog.addPartitions(
      database,
      name,
      missing.map((run) => ({ values: [run.loadDate, run.runId], location: folder(run.folder) })),
    );
}

/** `registerOutputs` from the table's published state, read now: current's manifest and the changes runs listed. */
export async function registerPublished(
  store: ObjectStore,
  register: { catalog: Catalog; database: string },
  table: string,
  schema: Schema,
  prefix: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const current = await readManifest(store, joinUri(prefix, 'current'), options);
  const changesPrefix = joinUri(prefix, 'changes');
  const changes = await publishedChanges(store, changesPrefix, options);
  await registerOutputs(register.catalog, register.database, table, schema, { current, changes }, changesPrefix);
}

/** Glue keeps a version per table update: a run with nothing new leaves a table that is already right alone. */
async function upsertIfChanged(catalog: Catalog, definition: TableDefinition): Promise<void> {
  const existing = await catalog.getTable(definition.database, definition.name);
  const same =
    existing?.location === definition.location &&
    existing.format === definition.format &&
    JSON.stringify(existing.columns) === JSON.stringify(definition.columns) &&
    JSON.stringify(existing.partitionKeys) === JSON.stringify(definition.partitionKeys);
  if (!same) await catalog.upsertTable(definition);
}

function folder(uri: string): string {
  return `${uri.replace(/\/$/, '')}/`;
}
