import { TerminalError, type Logger } from '@etl/core';
import type { Catalog, CatalogColumn, Partition, TableDefinition } from './catalog.js';

/** How a table's definition changes from what the catalog has. */
export interface TableChange {
  action: 'create' | 'update' | 'unchanged';
  /** Columns new in this definition (added at the end). */
  added: string[];
  /** Columns the catalog has that this definition lacks: kept (older files and queries may use them). */
  kept: string[];
  /** Columns whose type changes. */
  typeChanges: Array<{ column: string; from: string; to: string }>;
  /** Partition keys differ (names or types): the table's partitions no longer fit. */
  partitionKeysChanged: boolean;
  /** The definition to write: the catalog's columns in their order (types as wanted), then the new ones. */
  table: TableDefinition;
}

/**
 * The change from `existing` (undefined: no table) to `wanted` (pure). Schema evolution as Athena
 * reads Parquet by column name: new columns are appended, columns no longer written are kept, a type
 * change is reported (the caller decides whether to allow it). Names compare case-insensitively, as
 * Glue lowercases them.
 */
export function planTableChange(existing: TableDefinition | undefined, wanted: TableDefinition): TableChange {
  if (!existing)
    return {
      action: 'create',
      added: wanted.columns.map((c) => c.name),
      kept: [],
      typeChanges: [],
      partitionKeysChanged: false,
      table: wanted,
    };
  const key = (c: CatalogColumn) => c.name.toLowerCase();
  const wantedByName = new Map(wanted.columns.map((c) => [key(c), c]));
  const existingNames = new Set(existing.columns.map(key));
  const typeChanges: TableChange['typeChanges'] = [];
  const kept: string[] = [];
  const columns = existing.columns.map((c) => {
    const w = wantedByName.get(key(c));
    if (!w) {
      kept.push(c.name);
      return c;
    }
    if (w.type.toLowerCase() !== c.type.toLowerCase()) typeChanges.push({ column: c.name, from: c.type, to: w.type });
    return { ...c, type: w.type };
  });
  const added = wanted.columns.filter((c) => !existingNames.has(key(c)));
  const sameKeys = (a: CatalogColumn[], b: CatalogColumn[]) =>
    a.length === b.length &&
    a.every((c, i) => key(c) === key(b[i] as CatalogColumn) && c.type.toLowerCase() === (b[i] as CatalogColumn).type.toLowerCase());
  const partitionKeysChanged = !sameKeys(existing.partitionKeys, wanted.partitionKeys);
  const table: TableDefinition = { ...wanted, columns: [...columns, ...added] };
  const same =
    added.length === 0 &&
    typeChanges.length === 0 &&
    !partitionKeysChanged &&
    existing.location === wanted.location &&
    existing.format === wanted.format &&
    JSON.stringify(existing.parameters ?? {}) === JSON.stringify({ ...(existing.parameters ?? {}), ...(wanted.parameters ?? {}) });
  return { action: same ? 'unchanged' : 'update', added: added.map((c) => c.name), kept, typeChanges, partitionKeysChanged, table };
}

/** What a user can do about a refused change, per kind of conflict: the rest of the one-line message. */
export interface ChangeRemedies {
  partitioning: string;
  types: string;
}

/** The remedies of a pipeline with `--allow_type_change`, `--schema` and `--catalog_table`. */
const OPTION_REMEDIES: ChangeRemedies = {
  partitioning: 'pass --allow_type_change to redefine it, or choose another --catalog_table',
  types: 'pass --allow_type_change to change the types (queries of older files may fail), or declare the types with --schema',
};

/**
 * Why a change is refused (one line), or undefined when it may be applied. `remedies` end the line;
 * a pipeline without the options the default ones name gives its own.
 */
export function refusedChange(
  change: TableChange,
  wanted: TableDefinition,
  allowTypeChange: boolean,
  remedies: ChangeRemedies = OPTION_REMEDIES,
): string | undefined {
  if (allowTypeChange) return undefined;
  const name = `${wanted.database}.${wanted.name}`;
  if (change.partitionKeysChanged)
    return `catalog table ${name} is partitioned otherwise than this run writes it; ${remedies.partitioning}`;
  if (change.typeChanges.length > 0)
    return `catalog table ${name}: ${change.typeChanges.map((t) => `${t.column} ${t.from} -> ${t.to}`).join(', ')}; ${remedies.types}`;
  return undefined;
}

/**
 * Creates or updates a table and adds its partitions (Glue: batches of 100; existing ones are updated
 * to the new location), no crawler needed. With `replacePartitions` (a snapshot: this run's partitions
 * are the whole table) the catalog's other partitions are dropped after, so no query reads an older
 * run's folder. A refused change (`refusedChange`) is a `TerminalError`
 * CONFLICT and nothing is changed; check it before writing data with `planTableChange`.
 */
export async function publishTable(
  catalog: Catalog,
  wanted: TableDefinition,
  partitions: readonly Partition[],
  options: { allowTypeChange?: boolean; replacePartitions?: boolean; logger?: Logger } = {},
): Promise<TableChange & { droppedPartitions: number }> {
  const change = planTableChange(await catalog.getTable(wanted.database, wanted.name), wanted);
  const refused = refusedChange(change, wanted, options.allowTypeChange ?? false);
  if (refused) throw new TerminalError('CONFLICT', refused);
  if (change.typeChanges.length > 0)
    options.logger?.warn(
      { table: `${wanted.database}.${wanted.name}`, typeChanges: change.typeChanges },
      'catalog column types changed (--allow_type_change)',
    );
  if (change.action !== 'unchanged') await catalog.upsertTable(change.table);
  if (partitions.length > 0) await catalog.addPartitions(wanted.database, wanted.name, partitions);
  let droppedPartitions = 0;
  if (options.replacePartitions && change.action !== 'create' && wanted.partitionKeys.length > 0) {
    const current = new Set(partitions.map((p) => JSON.stringify(p.values)));
    const stale = (await catalog.listPartitions(wanted.database, wanted.name)).filter((p) => !current.has(JSON.stringify(p.values)));
    if (stale.length > 0)
      await catalog.dropPartitions(
        wanted.database,
        wanted.name,
        stale.map((p) => p.values),
      );
    droppedPartitions = stale.length;
  }
  options.logger?.info(
    {
      table: `${wanted.database}.${wanted.name}`,
      action: change.action,
      added: change.added,
      partitions: partitions.length,
      droppedPartitions,
    },
    `catalog table ${wanted.database}.${wanted.name}: ${change.action}${change.added.length > 0 && change.action === 'update' ? ` (new columns ${change.added.join(', ')})` : ''}, ${partitions.length} partitions${droppedPartitions > 0 ? `, ${droppedPartitions} no longer written dropped` : ''}`,
  );
  return { ...change, droppedPartitions };
}
